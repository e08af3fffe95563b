// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, workflowOf } from '../../support/steps';

describe('SIMPLE', () => {
  it('schedules a task that workers poll for by its name', async () => {
    const run = await Scenario.start(workflowOf([simple('encode', { name: 'video_encode' })]));
    const task = run.task('encode');
    expect(task).toMatchObject({
      status: 'SCHEDULED',
      taskType: 'video_encode',
      taskDefName: 'video_encode',
      retryCount: 0,
      pollCount: 0,
      startTime: 0,
      responseTimeoutSeconds: 3600,
    });
    expect(run.effectsOf('scheduleWorkerTask')).toEqual([
      { type: 'scheduleWorkerTask', taskId: task.taskId, taskType: 'video_encode', delaySeconds: 0 },
    ]);
  });

  it('resolves its input from the workflow input and merges the TaskDef inputTemplate under it', async () => {
    const run = await Scenario.start(
      workflowOf([
        simple('encode', {
          inputParameters: { fps: '${workflow.input.fps}', file: '${workflow.input.file}' },
        }),
      ]),
      {
        input: { fps: 60, file: 'a.mov' },
        taskDefs: [{ name: 'encode', inputTemplate: { codec: 'h264', fps: 30 } }],
      },
    );
    expect(run.task('encode').inputData).toEqual({ codec: 'h264', fps: 60, file: 'a.mov' });
  });

  it('takes responseTimeoutSeconds from its TaskDef', async () => {
    const run = await Scenario.start(workflowOf([simple('encode')]), {
      taskDefs: [{ name: 'encode', responseTimeoutSeconds: 42 }],
    });
    expect(run.task('encode').responseTimeoutSeconds).toBe(42);
  });

  it('moves to IN_PROGRESS when polled, recording the worker, the poll count and the start time', async () => {
    const run = await Scenario.start(workflowOf([simple('encode')]));
    run.now += 5_000;
    run.poll('encode', 'worker-7');
    expect(run.task('encode')).toMatchObject({
      status: 'IN_PROGRESS',
      workerId: 'worker-7',
      pollCount: 1,
      startTime: run.now,
    });
  });

  it('passes its output to the next task once the worker completes it', async () => {
    const run = await Scenario.start(
      workflowOf([
        simple('a'),
        simple('b', { inputParameters: { size: '${a.output.size}', all: '${a.output}' } }),
      ]),
    );
    expect(run.has('b')).toBe(false);
    run.poll('a');
    run.complete('a', { size: 5 });
    expect(run.task('a').status).toBe('COMPLETED');
    expect(run.task('b')).toMatchObject({ status: 'SCHEDULED', inputData: { size: 5, all: { size: 5 } } });
  });

  it('completes the workflow when the last task completes', async () => {
    const run = await Scenario.start(workflowOf([simple('a')]));
    run.complete('a', { ok: true });
    expect(run.workflow.status).toBe('COMPLETED');
    expect(run.workflow.output).toEqual({ ok: true });
  });

  it('is not pollable before its startDelay has passed', async () => {
    const run = await Scenario.start(workflowOf([simple('late', { startDelay: 30 })]));
    expect(run.effectsOf('scheduleWorkerTask')[0]?.delaySeconds).toBe(30);
    expect(run.task('late').startDelayInSeconds).toBe(30);
    run.now += 29_000;
    expect(() => run.poll('late')).toThrow('not pollable');
    run.now += 1_000;
    expect(run.poll('late').status).toBe('IN_PROGRESS');
  });

  it("fails the workflow with the worker's reason when a task without retries left fails", async () => {
    const run = await Scenario.start(workflowOf([simple('a'), simple('b')]), {
      taskDefs: [{ name: 'a', retryCount: 0 }],
    });
    run.fail('a', 'no such file');
    expect(run.workflow).toMatchObject({
      status: 'FAILED',
      reasonForIncompletion: 'no such file',
      failedReferenceTaskNames: ['a'],
      failedTaskId: run.task('a').taskId,
    });
    expect(run.has('b')).toBe(false);
  });
});
