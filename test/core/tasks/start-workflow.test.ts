// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

describe('START_WORKFLOW', () => {
  const kickOff = workflowOf([
    step('START_WORKFLOW', 'kick_off', {
      inputParameters: { startWorkflow: { name: 'audit', input: { who: '${workflow.input.who}' } } },
    }),
    simple('after', { inputParameters: { started: '${kick_off.output.workflowId}' } }),
  ]);

  it('is SCHEDULED and handed to the system-task runner, not started as a child', async () => {
    const run = await Scenario.start(kickOff, { input: { who: 'alice' } });
    const task = run.task('kick_off');
    expect(task).toMatchObject({
      status: 'SCHEDULED',
      taskType: 'START_WORKFLOW',
      inputData: { startWorkflow: { name: 'audit', input: { who: 'alice' } } },
    });
    expect(run.effectsOf('runSystemTask')).toEqual([
      { type: 'runSystemTask', taskId: task.taskId, taskType: 'START_WORKFLOW', delaySeconds: 0 },
    ]);
    expect(run.effectsOf('startChildWorkflow')).toEqual([]);
  });

  it('carries on with the started workflow id without waiting for that workflow', async () => {
    const run = await Scenario.start(kickOff);
    run.complete('kick_off', { workflowId: 'audit-1' });
    expect(run.task('after').inputData).toEqual({ started: 'audit-1' });
  });
});
