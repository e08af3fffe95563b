// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const call = workflowOf([
  step('HTTP', 'call', {
    inputParameters: {
      http_request: { uri: '${workflow.input.url}', method: 'POST', body: { id: '${workflow.input.id}' } },
    },
  }),
  simple('after', { inputParameters: { status: '${call.output.response.statusCode}' } }),
]);

describe('HTTP', () => {
  it('is SCHEDULED and handed to the system-task runner with its resolved request', async () => {
    const run = await Scenario.start(call, { input: { url: 'https://example.com/orders', id: 9 } });
    const task = run.task('call');
    expect(task).toMatchObject({
      status: 'SCHEDULED',
      taskType: 'HTTP',
      inputData: { http_request: { uri: 'https://example.com/orders', method: 'POST', body: { id: 9 } } },
    });
    expect(run.effectsOf('runSystemTask')).toEqual([
      { type: 'runSystemTask', taskId: task.taskId, taskType: 'HTTP', delaySeconds: 0 },
    ]);
    expect(run.effectsOf('scheduleWorkerTask')).toEqual([]);
  });

  it('hands the task to the runner again, every minute, while nobody has picked it up', async () => {
    const run = await Scenario.start(call, { input: { url: 'https://example.com/orders', id: 9 } });
    const task = run.task('call');
    expect(run.effectsOf('setTimer').at(-1)?.at).toBe(task.scheduledTime + 60_000);
    run.advance(59);
    expect(run.effectsOf('runSystemTask')).toHaveLength(1);
    run.advance(1);
    expect(run.effectsOf('runSystemTask')).toHaveLength(2);
    expect(run.effectsOf('setTimer').at(-1)?.at).toBe(task.scheduledTime + 120_000);
  });

  it('carries on with the response once the runner reports it', async () => {
    const run = await Scenario.start(call);
    run.complete('call', { response: { statusCode: 201, headers: {}, body: { ok: true } } });
    expect(run.task('after').inputData).toEqual({ status: 201 });
  });

  it('is not retried without a retryCount, so a failure fails the workflow', async () => {
    const run = await Scenario.start(call);
    run.fail('call', 'connection refused');
    expect(run.workflow).toMatchObject({ status: 'FAILED', reasonForIncompletion: 'connection refused' });
    expect(run.workflow.tasks).toHaveLength(1);
  });

  it('is retried after the retry delay when its TaskDef asks for retries', async () => {
    const run = await Scenario.start(call, {
      taskDefs: [{ name: 'call', retryCount: 1, retryDelaySeconds: 7 }],
    });
    run.fail('call', 'HTTP 503');
    const retry = run.task('call');
    expect(retry).toMatchObject({ status: 'SCHEDULED', retryCount: 1, taskType: 'HTTP' });
    expect(run.effectsOf('runSystemTask').at(-1)).toEqual({
      type: 'runSystemTask',
      taskId: retry.taskId,
      taskType: 'HTTP',
      delaySeconds: 7,
    });
  });
});
