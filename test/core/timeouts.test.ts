import { describe, expect, it } from 'vitest';
import type { TaskDef } from '../../lambdas/core/model';
import { taskDeadline, workflowDeadline } from '../../lambdas/core/timeouts';
import { Scenario, START_TIME } from '../support/scenario';
import { simple, step, workflowOf } from '../support/steps';

const single = workflowOf([simple('work'), simple('after')]);
const startWith = (taskDef: Omit<TaskDef, 'name'>) =>
  Scenario.start(single, { taskDefs: [{ name: 'work', ...taskDef }] });

describe('pollTimeoutSeconds', () => {
  it('times a SCHEDULED task out when no worker polls it in time, and sets a timer for that instant', async () => {
    const run = await startWith({ pollTimeoutSeconds: 30, retryCount: 0, timeoutPolicy: 'RETRY' });
    expect(run.effectsOf('setTimer')).toEqual([{ type: 'setTimer', at: START_TIME + 30_000 }]);
    run.advance(29);
    expect(run.task('work').status).toBe('SCHEDULED');
    run.advance(1);
    expect(run.task('work')).toMatchObject({
      status: 'TIMED_OUT',
      reasonForIncompletion: 'no worker polled work within pollTimeoutSeconds (30)',
    });
    expect(run.effectsOf('cancelTask')).toEqual([
      { type: 'cancelTask', taskId: run.task('work').taskId, taskType: 'work' },
    ]);
    expect(run.workflow.status).toBe('TIMED_OUT');
  });

  it('retries a task that no worker polled in time when retries are left (RETRY)', async () => {
    const run = await startWith({
      pollTimeoutSeconds: 30,
      retryCount: 1,
      retryDelaySeconds: 0,
      timeoutPolicy: 'RETRY',
    });
    run.advance(30);
    expect(run.workflow.tasks.map((task) => [task.retryCount, task.status])).toEqual([
      [0, 'TIMED_OUT'],
      [1, 'SCHEDULED'],
    ]);
    expect(run.effectsOf('setTimer').at(-1)).toEqual({ type: 'setTimer', at: run.now + 30_000 });
  });

  it('no longer applies once a worker has polled the task', async () => {
    const run = await startWith({ pollTimeoutSeconds: 30, retryCount: 0 });
    run.now += 10_000;
    run.poll('work');
    run.advance(60);
    expect(run.task('work').status).toBe('IN_PROGRESS');
  });

  it('counts from the end of a startDelay', async () => {
    const run = await Scenario.start(workflowOf([simple('work', { startDelay: 20 })]), {
      taskDefs: [{ name: 'work', pollTimeoutSeconds: 30, retryCount: 0 }],
    });
    expect(run.effectsOf('setTimer')).toEqual([{ type: 'setTimer', at: START_TIME + 50_000 }]);
  });

  it('only alerts under ALERT_ONLY, as in Conductor: the task stays SCHEDULED', async () => {
    const run = await startWith({ pollTimeoutSeconds: 30, retryCount: 0, timeoutPolicy: 'ALERT_ONLY' });
    expect(run.effectsOf('setTimer')).toEqual([]);
    run.advance(300);
    expect(run.task('work').status).toBe('SCHEDULED');
    expect(run.workflow.status).toBe('RUNNING');
  });

  // Fails until decide.ts applies TIME_OUT_WF to poll timeouts: Conductor's checkTaskPollTimeout
  // ends the workflow TIMED_OUT at once, without retries; decide.ts only does so for timeoutSeconds.
  it('ends the workflow TIMED_OUT at once under TIME_OUT_WF even with retries left, as Conductor does', async () => {
    const run = await startWith({
      pollTimeoutSeconds: 30,
      retryCount: 2,
      retryDelaySeconds: 0,
      timeoutPolicy: 'TIME_OUT_WF',
    });
    run.advance(30);
    expect(run.workflow.status).toBe('TIMED_OUT');
    expect(run.workflow.tasks).toHaveLength(1);
    expect(run.task('work').status).toBe('TIMED_OUT');
  });
});

describe('responseTimeoutSeconds', () => {
  it('times an IN_PROGRESS task out responseTimeoutSeconds after its last update', async () => {
    const run = await startWith({ responseTimeoutSeconds: 10, retryCount: 0 });
    run.poll('work');
    run.advance(5);
    expect(run.effectsOf('setTimer').at(-1)).toEqual({ type: 'setTimer', at: START_TIME + 10_000 });
    run.report('work', { status: 'IN_PROGRESS', outputData: { progress: 50 } });
    run.advance(5);
    expect(run.task('work').status).toBe('IN_PROGRESS');
    expect(run.effectsOf('setTimer').at(-1)).toEqual({ type: 'setTimer', at: START_TIME + 15_000 });
    run.advance(4);
    expect(run.task('work').status).toBe('IN_PROGRESS');
    run.advance(1);
    expect(run.task('work')).toMatchObject({
      status: 'TIMED_OUT',
      reasonForIncompletion: 'no update from the worker within responseTimeoutSeconds (10)',
    });
    expect(run.workflow.status).toBe('TIMED_OUT');
  });

  it('is postponed by extendLease without touching the output', async () => {
    const run = await startWith({ responseTimeoutSeconds: 10, retryCount: 0 });
    run.poll('work');
    run.advance(8);
    run.report('work', { status: 'IN_PROGRESS', extendLease: true, outputData: { ignored: true } });
    expect(run.task('work').outputData).toEqual({});
    run.advance(2);
    expect(run.task('work').status).toBe('IN_PROGRESS');
    expect(run.effectsOf('setTimer').at(-1)).toEqual({ type: 'setTimer', at: START_TIME + 18_000 });
    run.advance(8);
    expect(run.task('work').status).toBe('TIMED_OUT');
  });

  it('retries a task whose worker went silent when retries are left', async () => {
    const run = await startWith({ responseTimeoutSeconds: 10, retryCount: 1, retryDelaySeconds: 3 });
    run.poll('work');
    run.advance(10);
    const [first, retry] = run.workflow.tasks;
    expect(first).toMatchObject({ status: 'TIMED_OUT', retried: true });
    expect(retry).toMatchObject({ status: 'SCHEDULED', retryCount: 1, retriedTaskId: first?.taskId });
    expect(run.effectsOf('scheduleWorkerTask').at(-1)?.delaySeconds).toBe(3);
  });
});

describe('timeoutSeconds', () => {
  it('times the task out and retries it under RETRY', async () => {
    const run = await startWith({
      timeoutSeconds: 20,
      timeoutPolicy: 'RETRY',
      retryCount: 1,
      retryDelaySeconds: 0,
    });
    run.poll('work');
    run.advance(10);
    run.report('work', { status: 'IN_PROGRESS' });
    run.advance(10);
    const [first, retry] = run.workflow.tasks;
    expect(first).toMatchObject({
      status: 'TIMED_OUT',
      reasonForIncompletion: 'task did not complete within timeoutSeconds (20)',
    });
    expect(retry).toMatchObject({ status: 'SCHEDULED', retryCount: 1 });
    expect(run.workflow.status).toBe('RUNNING');
  });

  it('ends the workflow TIMED_OUT under TIME_OUT_WF, even with retries left', async () => {
    const run = await startWith({ timeoutSeconds: 20, timeoutPolicy: 'TIME_OUT_WF', retryCount: 3 });
    run.poll('work');
    run.advance(20);
    expect(run.workflow.tasks).toHaveLength(1);
    expect(run.workflow).toMatchObject({
      status: 'TIMED_OUT',
      reasonForIncompletion: 'task did not complete within timeoutSeconds (20)',
      failedReferenceTaskNames: ['work'],
    });
  });

  it('never ends anything under ALERT_ONLY, so it sets no timer for it', async () => {
    const run = await startWith({
      timeoutSeconds: 20,
      timeoutPolicy: 'ALERT_ONLY',
      responseTimeoutSeconds: 100,
    });
    run.poll('work');
    run.advance(1);
    expect(run.effectsOf('setTimer')).toEqual([{ type: 'setTimer', at: START_TIME + 100_000 }]);
    run.advance(50);
    expect(run.task('work').status).toBe('IN_PROGRESS');
  });

  it('keeps counting from the first poll when a callback puts the task back to SCHEDULED', async () => {
    const run = await startWith({ timeoutSeconds: 60, timeoutPolicy: 'RETRY', retryCount: 0 });
    run.poll('work');
    run.advance(10);
    run.report('work', { status: 'IN_PROGRESS', callbackAfterSeconds: 300 });
    expect(run.task('work').status).toBe('SCHEDULED');
    expect(run.effectsOf('setTimer').at(-1)).toEqual({ type: 'setTimer', at: START_TIME + 60_000 });
    run.advance(50);
    expect(run.task('work').status).toBe('TIMED_OUT');
    expect(run.workflow.status).toBe('TIMED_OUT');
  });
});

describe('workflow timeoutSeconds', () => {
  const timed = (timeoutPolicy?: 'TIME_OUT_WF' | 'ALERT_ONLY') =>
    workflowOf([simple('work')], { timeoutSeconds: 60, ...(timeoutPolicy ? { timeoutPolicy } : {}) });

  it('ends the workflow TIMED_OUT under TIME_OUT_WF and cancels its tasks', async () => {
    const run = await Scenario.start(timed('TIME_OUT_WF'));
    expect(run.effectsOf('setTimer')).toEqual([{ type: 'setTimer', at: START_TIME + 60_000 }]);
    run.advance(59);
    expect(run.workflow.status).toBe('RUNNING');
    run.advance(1);
    expect(run.workflow).toMatchObject({
      status: 'TIMED_OUT',
      reasonForIncompletion: 'workflow did not complete within timeoutSeconds (60)',
      endTime: START_TIME + 60_000,
      nextDeadline: 0,
    });
    expect(run.task('work').status).toBe('CANCELED');
    expect(run.effectsOf('cancelTask')).toEqual([
      { type: 'cancelTask', taskId: run.task('work').taskId, taskType: 'work' },
    ]);
  });

  it('only alerts under ALERT_ONLY, which is the default', async () => {
    for (const policy of ['ALERT_ONLY', undefined] as const) {
      const run = await Scenario.start(timed(policy));
      expect(run.effectsOf('setTimer')).toEqual([]);
      run.advance(3_600);
      expect(run.workflow.status).toBe('RUNNING');
    }
  });
});

describe('wake-up timers', () => {
  const forked = workflowOf(
    [
      step('FORK_JOIN', 'fork', { forkTasks: [[simple('a')], [simple('b')]] }),
      step('JOIN', 'join', { joinOn: ['a', 'b'] }),
    ],
    { timeoutSeconds: 60, timeoutPolicy: 'TIME_OUT_WF' },
  );
  const taskDefs: TaskDef[] = [
    { name: 'a', pollTimeoutSeconds: 30 },
    { name: 'b', pollTimeoutSeconds: 10 },
  ];

  it('sets one timer, at the earliest of all deadlines', async () => {
    const run = await Scenario.start(forked, { taskDefs });
    expect(run.effectsOf('setTimer')).toEqual([{ type: 'setTimer', at: START_TIME + 10_000 }]);
    expect(run.workflow.nextDeadline).toBe(START_TIME + 10_000);
  });

  it('sets no new timer when the earliest deadline did not change', async () => {
    const run = await Scenario.start(forked, { taskDefs });
    expect(run.decide().effects).toEqual([]);
    run.complete('a');
    expect(run.lastDecide.effects.filter((effect) => effect.type === 'setTimer')).toEqual([]);
  });

  it('sets a new timer when the earliest deadline moves', async () => {
    const run = await Scenario.start(forked, { taskDefs });
    run.poll('b');
    run.complete('b');
    expect(run.lastDecide.effects.filter((effect) => effect.type === 'setTimer')).toEqual([
      { type: 'setTimer', at: START_TIME + 30_000 },
    ]);
    run.complete('a');
    expect(run.workflow.status).toBe('COMPLETED');
    expect(run.workflow.nextDeadline).toBe(0);
    expect(run.effectsOf('setTimer')).toHaveLength(2);
  });
});

describe('taskDeadline and workflowDeadline', () => {
  it('give nothing to wait for when no timeout applies', async () => {
    const run = await Scenario.start(single);
    expect(taskDeadline(run.task('work'), undefined)).toBeUndefined();
    expect(workflowDeadline(run.workflow, single)).toBeUndefined();
  });

  it('name the cause of the earliest deadline', async () => {
    const run = await startWith({});
    const polled = run.poll('work');
    expect(taskDeadline(polled, { name: 'work', timeoutSeconds: 5, timeoutPolicy: 'RETRY' })).toEqual({
      at: START_TIME + 5_000,
      cause: 'task',
    });
    expect(taskDeadline(polled, { name: 'work' })).toEqual({ at: START_TIME + 3_600_000, cause: 'response' });
  });
});
