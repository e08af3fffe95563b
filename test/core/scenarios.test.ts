import { describe, expect, it } from 'vitest';
import { loadFixture, Scenario } from '../support/scenario';

describe('fan-in/out: FORK of [[t1, t3], [t2]], JOIN on [t3, t2], then t4', () => {
  it('schedules both branch heads and an IN_PROGRESS JOIN right after start', async () => {
    const run = await Scenario.start(loadFixture('fan-in-out'));
    expect(run.statuses()).toEqual({
      fork: 'COMPLETED',
      t1: 'SCHEDULED',
      t2: 'SCHEDULED',
      join: 'IN_PROGRESS',
    });
    expect(run.task('fork').taskType).toBe('FORK');
    expect(run.task('t1').taskType).toBe('t1');
    expect(run.effectsOf('scheduleWorkerTask').map((effect) => effect.taskType)).toEqual(['t1', 't2']);
  });

  it('schedules t3 only once t1 completes, and the JOIN waits for both t2 and t3', async () => {
    const run = await Scenario.start(loadFixture('fan-in-out'));
    run.complete('t2', { b: 2 });
    expect(run.has('t3')).toBe(false);
    expect(run.task('join').status).toBe('IN_PROGRESS');
    run.complete('t1', { a: 1 });
    expect(run.task('t3').status).toBe('SCHEDULED');
    expect(run.task('join').status).toBe('IN_PROGRESS');
    run.complete('t3', { c: 3 });
    expect(run.task('join').status).toBe('COMPLETED');
    expect(run.task('join').outputData).toEqual({ t3: { c: 3 }, t2: { b: 2 } });
    expect(run.task('t4').status).toBe('SCHEDULED');
    run.complete('t4', { done: true });
    expect(run.workflow.status).toBe('COMPLETED');
    expect(run.workflow.tasks).toHaveLength(6);
    expect(run.workflow.output).toEqual({ done: true });
  });
});

describe('fork failure', () => {
  it('fails the workflow and cancels the JOIN and the pending branch tasks when a branch task with no retries fails', async () => {
    const run = await Scenario.start(loadFixture('fan-in-out'), {
      taskDefs: [{ name: 't2', retryCount: 0 }],
    });
    run.fail('t2', 'disk full');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toBe('disk full');
    expect(run.workflow.failedReferenceTaskNames).toEqual(['t2']);
    expect(run.statuses()).toEqual({ fork: 'COMPLETED', t1: 'CANCELED', t2: 'FAILED', join: 'CANCELED' });
    expect(run.effectsOf('cancelTask').map((effect) => effect.taskType)).toEqual(['t1']);
  });
});

describe('dynamic fork', () => {
  it('gives each forked task its own input and joins on exactly the forked references', async () => {
    const run = await Scenario.start(loadFixture('dynamic-fork'));
    run.complete('prepare', {
      dynamicTasks: [
        { name: 'resize', taskReferenceName: 'resize_small' },
        { name: 'resize', taskReferenceName: 'resize_large' },
      ],
      dynamicTasksInput: { resize_small: { width: 100 }, resize_large: { width: 2000 } },
    });
    expect(run.task('resize_small').inputData).toEqual({ width: 100 });
    expect(run.task('resize_large').inputData).toEqual({ width: 2000 });
    expect(run.task('dyn_join').inputData.joinOn).toEqual(['resize_small', 'resize_large']);
    run.complete('resize_large', { url: 'l.png' });
    expect(run.task('dyn_join').status).toBe('IN_PROGRESS');
    run.complete('resize_small', { url: 's.png' });
    expect(run.task('dyn_join').outputData).toEqual({
      resize_small: { url: 's.png' },
      resize_large: { url: 'l.png' },
    });
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('fails the fork with a reason when the listed tasks are not a list', async () => {
    const run = await Scenario.start(loadFixture('dynamic-fork'));
    run.complete('prepare', { dynamicTasks: 'nope' });
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toContain('must be a list of tasks to fork');
  });
});

describe('nested fork/join three levels deep', () => {
  it('completes when all 27 leaves finish at the same moment, scheduling the task after the outer JOIN once', async () => {
    const run = await Scenario.start(loadFixture('nested-fork-join'));
    const leaves = run.refs().filter((ref) => ref.startsWith('leaf_'));
    expect(leaves).toHaveLength(27);
    for (const leaf of leaves)
      run.report(leaf, { status: 'COMPLETED', outputData: { leaf } }, { decide: false });
    run.decide();
    const joins = run.workflow.tasks.filter((task) => task.taskType === 'JOIN');
    expect(joins).toHaveLength(13);
    expect(joins.every((join) => join.status === 'COMPLETED')).toBe(true);
    expect(run.workflow.tasks.filter((task) => task.referenceTaskName === 'after_join')).toHaveLength(1);
    expect(Object.keys(run.task('after_join').inputData.joined as object)).toEqual([
      'join_root_0',
      'join_root_1',
      'join_root_2',
    ]);
    run.complete('after_join', { done: 'yes' });
    expect(run.workflow.status).toBe('COMPLETED');
    expect(run.workflow.output).toEqual({ done: 'yes' });
  });

  it('completes when the leaves finish one decide at a time, in reverse order', async () => {
    const run = await Scenario.start(loadFixture('nested-fork-join'));
    const leaves = run
      .refs()
      .filter((ref) => ref.startsWith('leaf_'))
      .reverse();
    for (const leaf of leaves) run.complete(leaf, { leaf });
    run.complete('after_join', { done: 'yes' });
    expect(run.workflow.status).toBe('COMPLETED');
  });
});

describe('DO_WHILE of three iterations', () => {
  it('runs the body with iteration 1, 2, 3 and completes when the condition turns false', async () => {
    const run = await Scenario.start(loadFixture('do-while'));
    for (const iteration of [1, 2, 3]) {
      const step = run.task(`step__${iteration}`);
      expect(step.iteration).toBe(iteration);
      expect(step.inputData).toEqual({ n: iteration });
      expect(run.task('loop').status).toBe('IN_PROGRESS');
      run.complete(`step__${iteration}`, { value: iteration * 10 });
    }
    expect(run.task('loop').status).toBe('COMPLETED');
    expect(run.task('loop').outputData).toEqual({
      iteration: 3,
      '1': { step: { value: 10 } },
      '2': { step: { value: 20 } },
      '3': { step: { value: 30 } },
    });
    expect(run.task('after_loop').status).toBe('SCHEDULED');
  });
});

describe('timeouts', () => {
  it('times out a task whose worker never answers within responseTimeoutSeconds, and retries it', async () => {
    const run = await Scenario.start(loadFixture('single-task'), {
      taskDefs: [{ name: 'slow', responseTimeoutSeconds: 10, retryCount: 1, retryDelaySeconds: 0 }],
    });
    run.poll('slow');
    run.decide();
    expect(run.effectsOf('setTimer').at(-1)?.at).toBe(run.now + 10_000);
    run.advance(10);
    const [first, retry] = run.workflow.tasks;
    expect(first?.status).toBe('TIMED_OUT');
    expect(first?.retried).toBe(true);
    expect(retry).toMatchObject({ status: 'SCHEDULED', retryCount: 1, retriedTaskId: first?.taskId });
  });

  it('ends the workflow TIMED_OUT when no retries are left and the policy is TIME_OUT_WF', async () => {
    const run = await Scenario.start(loadFixture('single-task'), {
      taskDefs: [{ name: 'slow', responseTimeoutSeconds: 10, retryCount: 0, timeoutPolicy: 'TIME_OUT_WF' }],
    });
    run.poll('slow');
    run.advance(11);
    expect(run.task('slow').status).toBe('TIMED_OUT');
    expect(run.workflow.status).toBe('TIMED_OUT');
  });

  it('ends a workflow TIMED_OUT after its timeoutSeconds and cancels its tasks', async () => {
    const run = await Scenario.start(loadFixture('workflow-timeout'));
    expect(run.effectsOf('setTimer').at(-1)?.at).toBe(run.now + 60_000);
    run.complete('a');
    run.advance(59);
    expect(run.workflow.status).toBe('RUNNING');
    run.advance(1);
    expect(run.workflow.status).toBe('TIMED_OUT');
    expect(run.statuses()).toMatchObject({ a: 'COMPLETED', b: 'CANCELED', join: 'CANCELED' });
  });
});

describe('TERMINATE with status FAILED and a failureWorkflow', () => {
  it('ends the workflow FAILED with the termination reason and starts the failure workflow with its id', async () => {
    const run = await Scenario.start(loadFixture('terminate-failure'), { workflowId: 'order-42' });
    run.complete('check', { ok: false, why: 'no stock' });
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toBe('check failed: no stock');
    expect(run.workflow.output).toEqual({ why: 'no stock' });
    expect(run.has('ship')).toBe(false);
    const [start] = run.effectsOf('startFailureWorkflow');
    expect(start?.request.name).toBe('cleanup');
    expect(start?.request.input).toMatchObject({ workflowId: 'order-42', reason: 'check failed: no stock' });
  });

  it('carries on past the SWITCH when the check passes', async () => {
    const run = await Scenario.start(loadFixture('terminate-failure'));
    run.complete('check', { ok: true });
    expect(run.task('decide_fate').outputData.evaluationResult).toEqual(['true']);
    run.complete('ship');
    expect(run.workflow.status).toBe('COMPLETED');
    expect(run.effectsOf('startFailureWorkflow')).toHaveLength(0);
  });
});

describe('SUB_WORKFLOW', () => {
  it("starts the child with the task's input and completes the task with the child's output", async () => {
    const run = await Scenario.start(loadFixture('sub-workflow'), { input: { order: 7 } });
    const [start] = run.effectsOf('startChildWorkflow');
    expect(start?.request).toMatchObject({
      name: 'child_flow',
      version: 1,
      input: { order: 7 },
      parentWorkflowId: 'wf-1',
      parentWorkflowTaskId: run.task('child').taskId,
    });
    expect(run.task('child')).toMatchObject({ status: 'IN_PROGRESS', subWorkflowId: start?.workflowId });
    run.complete('child', { receipt: 'r-7' });
    expect(run.task('use_child').inputData).toEqual({ receipt: 'r-7' });
  });

  it("fails the parent's task when the child fails", async () => {
    const run = await Scenario.start(loadFixture('sub-workflow'));
    run.fail('child', 'child failed: payment declined');
    expect(run.task('child').status).toBe('FAILED');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toBe('child failed: payment declined');
  });
});
