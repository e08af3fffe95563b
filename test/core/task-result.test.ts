import { describe, expect, it } from 'vitest';
import type { Task } from '../../lambdas/core/model';
import { applyTaskResult, markPolled, type TaskResult } from '../../lambdas/core/task-result';
import { Scenario, START_TIME } from '../support/scenario';
import { simple, step, workflowOf } from '../support/steps';

const definition = workflowOf([simple('work'), simple('after')]);

/** A run whose `work` task a worker has polled. */
const polled = async (): Promise<Scenario> => {
  const run = await Scenario.start(definition, {
    taskDefs: [{ name: 'work', retryCount: 1, retryDelaySeconds: 0 }],
  });
  run.poll('work');
  return run;
};

const resultFor = (run: Scenario, task: Task, fields: Partial<TaskResult>): TaskResult => ({
  workflowInstanceId: run.workflow.workflowId,
  taskId: task.taskId,
  status: 'COMPLETED',
  ...fields,
});

describe('applyTaskResult', () => {
  it('ends the task with the reported status, output and reason, and asks for a decide', async () => {
    const run = await polled();
    const task = run.task('work');
    const update = applyTaskResult(
      run.workflow,
      task,
      resultFor(run, task, {
        status: 'FAILED',
        outputData: { code: 7 },
        reasonForIncompletion: 'disk full',
        workerId: 'w-2',
      }),
      START_TIME + 3_000,
    );
    expect(update).toEqual({
      kind: 'updated',
      task: {
        ...task,
        status: 'FAILED',
        outputData: { code: 7 },
        reasonForIncompletion: 'disk full',
        workerId: 'w-2',
        endTime: START_TIME + 3_000,
        updateTime: START_TIME + 3_000,
      },
      effects: [],
      needsDecide: true,
    });
  });

  it('keeps an IN_PROGRESS task IN_PROGRESS without a callback, and needs no decide', async () => {
    const run = await polled();
    const task = run.task('work');
    const update = applyTaskResult(
      run.workflow,
      task,
      resultFor(run, task, { status: 'IN_PROGRESS', outputData: { progress: 10 } }),
      START_TIME + 1_000,
    );
    expect(update).toMatchObject({
      kind: 'updated',
      task: { status: 'IN_PROGRESS', outputData: { progress: 10 }, updateTime: START_TIME + 1_000 },
      effects: [],
      needsDecide: false,
    });
  });

  it('puts an IN_PROGRESS task with callbackAfterSeconds back to SCHEDULED, pollable only after the callback', async () => {
    const run = await polled();
    const task = run.task('work');
    const now = START_TIME + 1_000;
    const update = applyTaskResult(
      run.workflow,
      task,
      resultFor(run, task, { status: 'IN_PROGRESS', callbackAfterSeconds: 30 }),
      now,
    );
    if (update.kind !== 'updated') throw new Error(update.reason);
    expect(update.task).toMatchObject({
      status: 'SCHEDULED',
      callbackAfterSeconds: 30,
      callbackTime: now + 30_000,
    });
    expect(update.effects).toEqual([
      { type: 'scheduleWorkerTask', taskId: task.taskId, taskType: 'work', delaySeconds: 30 },
    ]);
    expect(update.needsDecide).toBe(true);
    expect(markPolled(update.task, 'w', now + 29_999)).toBeUndefined();
    expect(markPolled(update.task, 'w', now + 30_000)).toMatchObject({ status: 'IN_PROGRESS', pollCount: 2 });
  });

  it('only refreshes updateTime on extendLease', async () => {
    const run = await polled();
    const task = run.task('work');
    const update = applyTaskResult(
      run.workflow,
      task,
      resultFor(run, task, {
        status: 'IN_PROGRESS',
        extendLease: true,
        outputData: { x: 1 },
        callbackAfterSeconds: 30,
      }),
      START_TIME + 9_000,
    );
    expect(update).toEqual({
      kind: 'updated',
      task: { ...task, updateTime: START_TIME + 9_000 },
      effects: [],
      needsDecide: false,
    });
  });

  it('ignores a duplicate result for a task that has already ended', async () => {
    const run = await polled();
    run.complete('work', { first: true });
    const task = run.workflow.tasks[0]!;
    const update = applyTaskResult(
      run.workflow,
      task,
      resultFor(run, task, { outputData: { second: true } }),
      START_TIME,
    );
    expect(update).toEqual({ kind: 'ignored', reason: `task ${task.taskId} is already COMPLETED` });
  });

  it('ignores a late result for an attempt that a timeout or failure has already replaced', async () => {
    const run = await polled();
    run.fail('work', 'flaky');
    const first = run.workflow.tasks[0]!;
    expect(applyTaskResult(run.workflow, first, resultFor(run, first, {}), START_TIME).kind).toBe('ignored');
  });

  it('ignores a result once the workflow has ended', async () => {
    const run = await Scenario.start(
      workflowOf(
        [
          step('FORK_JOIN', 'fork', { forkTasks: [[simple('a')], [simple('b')]] }),
          step('JOIN', 'join', { joinOn: ['a', 'b'] }),
        ],
        {
          timeoutSeconds: 10,
          timeoutPolicy: 'TIME_OUT_WF',
        },
      ),
    );
    run.advance(10);
    const task = run.task('a');
    expect(applyTaskResult(run.workflow, task, resultFor(run, task, {}), run.now)).toEqual({
      kind: 'ignored',
      reason: 'workflow wf-1 is already TIMED_OUT',
    });
  });

  it.each(['SCHEDULED', 'CANCELED', 'SKIPPED', 'TIMED_OUT', 'COMPLETED_WITH_ERRORS', 'DONE', ''])(
    'rejects the status "%s" as invalid',
    async (status) => {
      const run = await polled();
      const task = run.task('work');
      const update = applyTaskResult(run.workflow, task, resultFor(run, task, { status }), START_TIME);
      expect(update).toEqual({
        kind: 'invalid',
        reason: `status must be one of IN_PROGRESS, COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR, not ${status}`,
      });
    },
  );

  it('reports an unknown task as notFound', async () => {
    const run = await polled();
    const update = applyTaskResult(
      run.workflow,
      undefined,
      { workflowInstanceId: 'wf-1', taskId: 'nope', status: 'COMPLETED' },
      START_TIME,
    );
    expect(update).toEqual({ kind: 'notFound', reason: 'task nope not found in workflow wf-1' });
  });

  it('reports a task of another workflow as notFound', async () => {
    const run = await polled();
    const other = await Scenario.start(definition, { workflowId: 'wf-2' });
    const foreign = other.task('work');
    expect(applyTaskResult(run.workflow, foreign, resultFor(run, foreign, {}), START_TIME).kind).toBe(
      'notFound',
    );
  });
});

describe('markPolled', () => {
  it('hands out a due SCHEDULED task as IN_PROGRESS with the worker, poll count and start time', async () => {
    const run = await Scenario.start(definition);
    const task = run.task('work');
    expect(markPolled(task, 'w-1', START_TIME + 2_000)).toEqual({
      ...task,
      status: 'IN_PROGRESS',
      pollCount: 1,
      startTime: START_TIME + 2_000,
      workerId: 'w-1',
      updateTime: START_TIME + 2_000,
    });
  });

  it('keeps the first start time when a task is polled again after a callback', async () => {
    const run = await polled();
    run.now += 5_000;
    run.report('work', { status: 'IN_PROGRESS', callbackAfterSeconds: 10 });
    run.now += 10_000;
    expect(run.poll('work')).toMatchObject({ startTime: START_TIME, pollCount: 2 });
  });

  it('does not hand out a task that is IN_PROGRESS, ended, or not due yet', async () => {
    const run = await Scenario.start(workflowOf([simple('late', { startDelay: 10 })]));
    const task = run.task('late');
    expect(markPolled(task, 'w', START_TIME + 9_999)).toBeUndefined();
    const taken = markPolled(task, 'w', START_TIME + 10_000);
    expect(taken?.status).toBe('IN_PROGRESS');
    expect(markPolled(taken!, 'w', START_TIME + 20_000)).toBeUndefined();
    expect(markPolled({ ...task, status: 'COMPLETED' }, 'w', START_TIME + 20_000)).toBeUndefined();
    expect(markPolled({ ...task, status: 'CANCELED' }, 'w', START_TIME + 20_000)).toBeUndefined();
  });

  it('does not hand out tasks that never wait in a queue, such as HUMAN or WAIT', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('FORK_JOIN', 'fork', { forkTasks: [[step('HUMAN', 'approve')], [step('WAIT', 'pause')]] }),
      ]),
    );
    expect(markPolled(run.task('approve'), 'w', START_TIME)).toBeUndefined();
    expect(markPolled(run.task('pause'), 'w', START_TIME)).toBeUndefined();
  });
});
