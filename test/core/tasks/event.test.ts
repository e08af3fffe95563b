// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

describe('EVENT', () => {
  const publish = workflowOf([
    step('EVENT', 'notify', {
      sink: 'sqs:order-events',
      inputParameters: { orderId: '${workflow.input.orderId}' },
    }),
    simple('after'),
  ]);

  it('is SCHEDULED and handed to the system-task runner with the input to publish', async () => {
    const run = await Scenario.start(publish, { input: { orderId: 'o-1' } });
    const task = run.task('notify');
    expect(task).toMatchObject({ status: 'SCHEDULED', taskType: 'EVENT', inputData: { orderId: 'o-1' } });
    expect(task.workflowTask.sink).toBe('sqs:order-events');
    expect(run.effectsOf('runSystemTask')).toEqual([
      { type: 'runSystemTask', taskId: task.taskId, taskType: 'EVENT', delaySeconds: 0 },
    ]);
  });

  it('carries on once the runner reports it published', async () => {
    const run = await Scenario.start(publish);
    run.complete('notify', { published: true });
    expect(run.task('after').status).toBe('SCHEDULED');
  });
});
