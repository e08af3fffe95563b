import { describe, expect, it } from 'vitest';
import { maxRetries, retryDelaySeconds } from '../../lambdas/core/retry';
import { markPolled } from '../../lambdas/core/task-result';
import { Scenario } from '../support/scenario';
import { simple, step, workflowOf } from '../support/steps';

const A_YEAR = 365 * 24 * 3600;
const delays = (taskDef: Parameters<typeof retryDelaySeconds>[0], count: number): number[] =>
  Array.from({ length: count }, (_, retryCount) => retryDelaySeconds(taskDef, retryCount));

describe('retryDelaySeconds', () => {
  it("waits Conductor's default 60 seconds without a TaskDef", () => {
    expect(delays(undefined, 3)).toEqual([60, 60, 60]);
  });

  it('waits retryDelaySeconds every time with FIXED', () => {
    expect(delays({ name: 't', retryLogic: 'FIXED', retryDelaySeconds: 5 }, 4)).toEqual([5, 5, 5, 5]);
  });

  it('doubles the delay with each retry with EXPONENTIAL_BACKOFF', () => {
    expect(delays({ name: 't', retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 5 }, 5)).toEqual([
      5, 10, 20, 40, 80,
    ]);
  });

  it('grows the delay by retryDelaySeconds × backoffScaleFactor with each retry with LINEAR_BACKOFF', () => {
    expect(
      delays({ name: 't', retryLogic: 'LINEAR_BACKOFF', retryDelaySeconds: 5, backoffScaleFactor: 3 }, 4),
    ).toEqual([15, 30, 45, 60]);
  });

  it('takes a backoffScaleFactor of 1 when LINEAR_BACKOFF has none', () => {
    expect(delays({ name: 't', retryLogic: 'LINEAR_BACKOFF', retryDelaySeconds: 5 }, 3)).toEqual([5, 10, 15]);
  });

  it('never waits longer than maxRetryDelaySeconds', () => {
    const taskDef = {
      name: 't',
      retryLogic: 'EXPONENTIAL_BACKOFF',
      retryDelaySeconds: 10,
      maxRetryDelaySeconds: 60,
    } as const;
    expect(delays(taskDef, 5)).toEqual([10, 20, 40, 60, 60]);
    expect(
      delays({ name: 't', retryLogic: 'FIXED', retryDelaySeconds: 90, maxRetryDelaySeconds: 30 }, 1),
    ).toEqual([30]);
  });

  it('ignores a maxRetryDelaySeconds of 0', () => {
    expect(
      retryDelaySeconds(
        { name: 't', retryLogic: 'FIXED', retryDelaySeconds: 90, maxRetryDelaySeconds: 0 },
        0,
      ),
    ).toBe(90);
  });

  it('stays finite, whole and at most a year however large retryCount grows', () => {
    for (const retryLogic of ['EXPONENTIAL_BACKOFF', 'LINEAR_BACKOFF'] as const) {
      for (const retryCount of [1_023, 1_024, 10_000, Number.MAX_SAFE_INTEGER]) {
        const delay = retryDelaySeconds(
          { name: 't', retryLogic, retryDelaySeconds: 60, backoffScaleFactor: 2 },
          retryCount,
        );
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThan(0);
        expect(delay).toBeLessThanOrEqual(A_YEAR);
      }
    }
    expect(
      retryDelaySeconds({ name: 't', retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 1 }, 5_000),
    ).toBe(A_YEAR);
  });

  it('waits 0 seconds when retryDelaySeconds is 0, however large retryCount grows', () => {
    expect(delays({ name: 't', retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 0 }, 3)).toEqual([
      0, 0, 0,
    ]);
    expect(
      retryDelaySeconds({ name: 't', retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 0 }, 2_000),
    ).toBe(0);
  });
});

describe('maxRetries', () => {
  it('prefers the retryCount of the WorkflowTask, then the TaskDef', () => {
    expect(maxRetries(simple('t', { retryCount: 1 }), { name: 't', retryCount: 5 })).toBe(1);
    expect(maxRetries(simple('t', { retryCount: 0 }), { name: 't', retryCount: 5 })).toBe(0);
    expect(maxRetries(simple('t'), { name: 't', retryCount: 5 })).toBe(5);
  });

  it('gives a SIMPLE task without a TaskDef three retries and a system task none', () => {
    expect(maxRetries(simple('t'), undefined)).toBe(3);
    expect(maxRetries(step('HTTP', 'h'), undefined)).toBe(0);
    expect(maxRetries(step('HTTP', 'h'), { name: 'h', retryCount: 2 })).toBe(2);
  });
});

describe('retries through the decider', () => {
  it('replaces a failed task with a new attempt that points back at it, scheduled after the retry delay', async () => {
    const run = await Scenario.start(workflowOf([simple('work', { inputParameters: { n: 1 } })]), {
      taskDefs: [{ name: 'work', retryCount: 2, retryDelaySeconds: 5 }],
    });
    run.poll('work');
    run.fail('work', 'flaky');
    const [failed, retry] = run.workflow.tasks;
    expect(failed).toMatchObject({ status: 'FAILED', retried: true, retryCount: 0 });
    expect(retry).toMatchObject({
      status: 'SCHEDULED',
      referenceTaskName: 'work',
      retryCount: 1,
      retried: false,
      retriedTaskId: failed?.taskId,
      pollCount: 0,
      inputData: { n: 1 },
      callbackAfterSeconds: 5,
    });
    expect(retry?.taskId).not.toBe(failed?.taskId);
    expect(run.effectsOf('scheduleWorkerTask').at(-1)).toEqual({
      type: 'scheduleWorkerTask',
      taskId: retry?.taskId,
      taskType: 'work',
      delaySeconds: 5,
    });
    expect(run.workflow.status).toBe('RUNNING');
  });

  it('does not offer the retry to workers before its delay has passed', async () => {
    const run = await Scenario.start(workflowOf([simple('work')]), {
      taskDefs: [{ name: 'work', retryCount: 1, retryDelaySeconds: 5 }],
    });
    run.fail('work');
    const retry = run.task('work');
    expect(markPolled(retry, 'w', run.now + 4_999)).toBeUndefined();
    expect(markPolled(retry, 'w', run.now + 5_000)?.status).toBe('IN_PROGRESS');
  });

  it('spaces the attempts by the EXPONENTIAL_BACKOFF delays', async () => {
    const run = await Scenario.start(workflowOf([simple('work')]), {
      taskDefs: [{ name: 'work', retryCount: 3, retryDelaySeconds: 2, retryLogic: 'EXPONENTIAL_BACKOFF' }],
    });
    for (const wait of [2, 4, 8]) {
      run.fail('work');
      expect(run.effectsOf('scheduleWorkerTask').at(-1)?.delaySeconds).toBe(wait);
      run.advance(wait);
    }
    expect(run.task('work').retryCount).toBe(3);
  });

  it('never retries FAILED_WITH_TERMINAL_ERROR', async () => {
    const run = await Scenario.start(workflowOf([simple('work')]), {
      taskDefs: [{ name: 'work', retryCount: 3, retryDelaySeconds: 0 }],
    });
    run.fail('work', 'bad request', 'FAILED_WITH_TERMINAL_ERROR');
    expect(run.workflow.tasks).toHaveLength(1);
    expect(run.task('work')).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', retried: false });
    expect(run.workflow).toMatchObject({ status: 'FAILED', reasonForIncompletion: 'bad request' });
  });

  it('fails the workflow when the last retry fails', async () => {
    const run = await Scenario.start(workflowOf([simple('work')]), {
      taskDefs: [{ name: 'work', retryCount: 1, retryDelaySeconds: 0 }],
    });
    run.fail('work', 'first');
    run.fail('work', 'second');
    expect(run.workflow.tasks.map((task) => [task.retryCount, task.status])).toEqual([
      [0, 'FAILED'],
      [1, 'FAILED'],
    ]);
    expect(run.workflow).toMatchObject({ status: 'FAILED', reasonForIncompletion: 'second' });
  });

  it('ends an optional task COMPLETED_WITH_ERRORS once its retries are spent, and the workflow carries on', async () => {
    const run = await Scenario.start(
      workflowOf([simple('nice_to_have', { optional: true }), simple('after')]),
      {
        taskDefs: [{ name: 'nice_to_have', retryCount: 1, retryDelaySeconds: 0 }],
      },
    );
    run.fail('nice_to_have', 'first');
    expect(run.has('after')).toBe(false);
    run.fail('nice_to_have', 'second');
    expect(run.workflow.tasks.map((task) => task.status)).toEqual([
      'FAILED',
      'COMPLETED_WITH_ERRORS',
      'SCHEDULED',
    ]);
    run.complete('after', { ok: true });
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('takes the retryCount of the WorkflowTask over that of the TaskDef', async () => {
    const none = await Scenario.start(workflowOf([simple('work', { retryCount: 0 })]), {
      taskDefs: [{ name: 'work', retryCount: 5, retryDelaySeconds: 0 }],
    });
    none.fail('work');
    expect(none.workflow.status).toBe('FAILED');

    const two = await Scenario.start(workflowOf([simple('work', { retryCount: 2 })]), {
      taskDefs: [{ name: 'work', retryCount: 0, retryDelaySeconds: 0 }],
    });
    two.fail('work');
    two.fail('work');
    expect(two.task('work').retryCount).toBe(2);
    two.fail('work');
    expect(two.workflow.status).toBe('FAILED');
  });

  it('retries a SIMPLE task without a TaskDef three times, 60 seconds apart', async () => {
    const run = await Scenario.start(workflowOf([simple('work')]));
    for (let attempt = 0; attempt < 3; attempt++) {
      run.fail('work');
      expect(run.effectsOf('scheduleWorkerTask').at(-1)?.delaySeconds).toBe(60);
      run.advance(60);
    }
    run.fail('work');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.tasks).toHaveLength(4);
  });
});
