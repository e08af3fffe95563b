// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const dynamic = workflowOf([
  step('DYNAMIC', 'run_it', {
    dynamicTaskNameParam: 'taskToRun',
    inputParameters: { taskToRun: '${workflow.input.task}', size: 3 },
  }),
  simple('after', { inputParameters: { out: '${run_it.output.value}' } }),
]);

describe('DYNAMIC', () => {
  it('schedules a worker task named by the input that dynamicTaskNameParam names', async () => {
    const run = await Scenario.start(dynamic, { input: { task: 'resize_image' } });
    const task = run.task('run_it');
    expect(task).toMatchObject({
      status: 'SCHEDULED',
      taskType: 'resize_image',
      taskDefName: 'resize_image',
      inputData: { taskToRun: 'resize_image', size: 3 },
    });
    expect(run.effectsOf('scheduleWorkerTask')).toEqual([
      { type: 'scheduleWorkerTask', taskId: task.taskId, taskType: 'resize_image', delaySeconds: 0 },
    ]);
  });

  it("uses the TaskDef of the resolved name and carries on with the worker's output", async () => {
    const run = await Scenario.start(dynamic, {
      input: { task: 'resize_image' },
      taskDefs: [{ name: 'resize_image', responseTimeoutSeconds: 30 }],
    });
    expect(run.task('run_it').responseTimeoutSeconds).toBe(30);
    run.complete('run_it', { value: 'done' });
    expect(run.task('after').inputData).toEqual({ out: 'done' });
  });

  it('retries the resolved task under the same name', async () => {
    const run = await Scenario.start(dynamic, {
      input: { task: 'resize_image' },
      taskDefs: [{ name: 'resize_image', retryCount: 1, retryDelaySeconds: 0 }],
    });
    run.fail('run_it', 'flaky');
    expect(run.task('run_it')).toMatchObject({
      status: 'SCHEDULED',
      retryCount: 1,
      taskType: 'resize_image',
    });
  });

  it('fails the task and the workflow when the input names no task', async () => {
    const run = await Scenario.start(dynamic);
    expect(run.task('run_it')).toMatchObject({ status: 'FAILED', taskType: 'DYNAMIC' });
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toBe('input "taskToRun" must name the task to run');
    expect(run.effectsOf('scheduleWorkerTask')).toEqual([]);
  });
});
