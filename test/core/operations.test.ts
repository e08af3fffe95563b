// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.

import { beforeAll, describe, expect, it } from 'vitest';
import { type Execution, isTerminalTask, type TaskDef, type WorkflowDef } from '../../lambdas/core/model';
import {
  type OperationResult,
  pause,
  rerun,
  restart,
  resume,
  retry,
  skipTask,
} from '../../lambdas/core/operations';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import type { ScriptRuntime } from '../../lambdas/core/scripting/script-runtime';
import type { DecideContext } from '../../lambdas/core/tasks/task-kind';
import { loadFixture, Scenario, type ScenarioOptions } from '../support/scenario';
import { simple, step, workflowOf } from '../support/steps';

let scripts: ScriptRuntime;
beforeAll(async () => {
  scripts = await loadScriptRuntime();
});

type Operation = (execution: Execution, ctx: DecideContext) => OperationResult;

/** Starts a scenario whose operations see the same task definitions and budget as its decides. */
const start = async (definition: WorkflowDef, options: ScenarioOptions = {}) => {
  const run = await Scenario.start(definition, options);
  const defs = new Map((options.taskDefs ?? []).map((def: TaskDef) => [def.name, def]));
  /** Applies an operation as the engine commits it; answers the verdict. */
  const operate = (operation: Operation): OperationResult => {
    const verdict = operation(
      { workflow: run.workflow, definition: run.definition },
      { now: run.now, taskDefs: (name) => defs.get(name), scripts, maxTaskWrites: options.maxTaskWrites },
    );
    if (verdict.kind === 'done') {
      run.workflow = verdict.result.next;
      run.lastDecide = verdict.result;
      run.effects.push(...verdict.result.effects);
      // The store keeps the definition a restart brings; the next decides load it.
      if (verdict.result.definition) Object.assign(run, { definition: verdict.result.definition });
    }
    return verdict;
  };
  /** Decides again for as long as the last decide asked to carry on, as the decide queue would. */
  const carryOn = (): number => {
    let decides = 0;
    while (run.lastDecide.effects.some((effect) => effect.type === 'continueDecide')) {
      run.decide();
      if (++decides > 100) throw new Error('the decides never stop asking for more');
    }
    return decides;
  };
  return { run, operate, carryOn };
};

const refused = (verdict: OperationResult) => (verdict.kind === 'illegal' ? verdict.reason : undefined);

const chain = workflowOf(
  [
    simple('a'),
    simple('b', { inputParameters: { from: '${a.output.n}', order: '${workflow.input.order}' } }),
    simple('c', { inputParameters: { from: '${b.output.n}' } }),
  ],
  { outputParameters: { last: '${c.output.n}' } },
);

describe('pause and resume', () => {
  it('schedules nothing while paused, holds a result that arrives meanwhile, and carries on from it on resume', async () => {
    const { run, operate } = await start(chain);
    run.poll('a');
    expect(operate(pause)).toMatchObject({ kind: 'done' });
    expect(run.workflow.status).toBe('PAUSED');

    run.complete('a', { n: 1 });
    expect(run.has('b')).toBe(false);
    expect(run.task('a')).toMatchObject({ status: 'COMPLETED', executed: false, heldByPause: true });
    // Later decides (a timer, a duplicate request) change nothing.
    run.advance(7200);
    expect(run.lastDecide.workflowChanged).toBe(false);
    expect(run.has('b')).toBe(false);

    expect(operate(resume)).toMatchObject({ kind: 'done' });
    expect(run.workflow.status).toBe('RUNNING');
    expect(run.task('a')).toMatchObject({ executed: true, heldByPause: undefined });
    expect(run.task('b')).toMatchObject({ status: 'SCHEDULED', inputData: { from: 1 } });
  });

  it('holds results no decide had acted on when the pause came', async () => {
    const { run, operate } = await start(chain);
    run.report('a', { status: 'COMPLETED', outputData: { n: 2 } }, { decide: false });
    operate(pause);
    expect(run.task('a')).toMatchObject({ heldByPause: true, executed: false });
    expect(run.has('b')).toBe(false);
    operate(resume);
    expect(run.task('b').inputData).toMatchObject({ from: 2 });
  });

  it('does not time out a task while paused', async () => {
    const { run, operate } = await start(chain, { taskDefs: [{ name: 'a', responseTimeoutSeconds: 60 }] });
    run.poll('a');
    operate(pause);
    run.advance(600);
    expect(run.task('a').status).toBe('IN_PROGRESS');
  });

  it('changes nothing when pausing a paused workflow, and refuses to pause one that ended', async () => {
    const { run, operate } = await start(chain);
    operate(pause);
    const again = operate(pause);
    expect(again.kind === 'done' && again.result.workflowChanged).toBe(false);
    operate(resume);
    for (const ref of ['a', 'b', 'c']) run.complete(ref);
    expect(run.workflow.status).toBe('COMPLETED');
    expect(refused(operate(pause))).toBe(
      'Workflow wf-1 has ended (COMPLETED); only a RUNNING workflow can be paused',
    );
  });

  it('refuses to resume a workflow that is not paused', async () => {
    const { operate } = await start(chain);
    expect(refused(operate(resume))).toBe('Workflow wf-1 is RUNNING, not PAUSED, so it cannot be resumed');
  });

  it('releases held results over several decides when there are more than one decide may write', async () => {
    const width = 12;
    const refs = Array.from({ length: width }, (_, i) => `w${i}`);
    const fork = workflowOf([
      step('FORK_JOIN', 'fork', { forkTasks: refs.map((ref) => [simple(ref)]) }),
      step('JOIN', 'join', { joinOn: refs }),
      simple('after'),
    ]);
    const { run, operate, carryOn } = await start(fork, { maxTaskWrites: 5 });
    carryOn();
    operate(pause);
    for (const ref of refs) run.complete(ref);
    carryOn();
    expect(run.workflow.tasks.filter((task) => task.heldByPause)).toHaveLength(width);
    operate(resume);
    expect(run.has('after')).toBe(false);
    carryOn();
    expect(run.task('join').status).toBe('COMPLETED');
    expect(run.task('after').status).toBe('SCHEDULED');
    expect(run.workflow.tasks.some((task) => task.heldByPause)).toBe(false);
  });
});

describe('skipTask', () => {
  it('ends the scheduled task SKIPPED with the given output and carries on as if it had completed', async () => {
    const { run, operate } = await start(chain);
    const verdict = operate((execution, ctx) => skipTask(execution, 'a', { taskOutput: { n: 9 } }, ctx));
    expect(verdict.kind).toBe('done');
    expect(run.task('a')).toMatchObject({ status: 'SKIPPED', outputData: { n: 9 }, executed: true });
    expect(run.task('b')).toMatchObject({ status: 'SCHEDULED', inputData: { from: 9 } });
    expect(run.effectsOf('cancelTask').map((effect) => effect.taskId)).toEqual([run.task('a').taskId]);
  });

  it('skips an in-progress SUB_WORKFLOW and terminates its child', async () => {
    const { run, operate } = await start(loadFixture('sub-workflow'));
    operate((execution, ctx) => skipTask(execution, 'child', {}, ctx));
    expect(run.task('child').status).toBe('SKIPPED');
    expect(run.effectsOf('terminateWorkflow')).toEqual([
      expect.objectContaining({ workflowId: run.task('child').subWorkflowId }),
    ]);
    expect(run.task('use_child').status).toBe('SCHEDULED');
  });

  it('refuses a task that is not scheduled or in progress, saying which', async () => {
    const { run, operate } = await start(chain);
    const skip = (ref: string) => refused(operate((execution, ctx) => skipTask(execution, ref, {}, ctx)));
    expect(skip('c')).toBe('Workflow wf-1 has no task c scheduled or in progress');
    run.complete('a');
    expect(skip('a')).toBe(
      'Task a of workflow wf-1 is already COMPLETED; only a SCHEDULED or IN_PROGRESS task can be skipped',
    );
    operate(pause);
    expect(skip('b')).toBe('Workflow wf-1 is PAUSED; a task can be skipped only while it is RUNNING');
  });
});

describe('retry', () => {
  const failedFork = async () => {
    const started = await start(loadFixture('fan-in-out'), { taskDefs: [{ name: 't2', retryCount: 0 }] });
    started.run.fail('t2', 'disk full');
    expect(started.run.workflow.status).toBe('FAILED');
    return started;
  };

  it('retries a failed fork branch: the failed and canceled tasks get new attempts, the JOIN comes back and completes', async () => {
    const { run, operate } = await failedFork();
    const failedT2 = run.task('t2');
    expect(operate((execution, ctx) => retry(execution, {}, ctx)).kind).toBe('done');
    expect(run.workflow).toMatchObject({
      status: 'RUNNING',
      reasonForIncompletion: undefined,
      failedReferenceTaskNames: [],
      failedTaskId: undefined,
      endTime: 0,
      lastRetriedTime: run.now,
    });
    expect(run.workflow.tasks.find((task) => task.taskId === failedT2.taskId)).toMatchObject({
      status: 'FAILED',
      retried: true,
    });
    expect(run.task('t2')).toMatchObject({
      status: 'SCHEDULED',
      retryCount: 1,
      retriedTaskId: failedT2.taskId,
    });
    expect(run.task('t1')).toMatchObject({ status: 'SCHEDULED', retryCount: 1 });
    expect(run.task('join')).toMatchObject({ status: 'IN_PROGRESS', retryCount: 1 });

    run.complete('t1', { a: 1 });
    run.complete('t2', { b: 2 });
    run.complete('t3', { c: 3 });
    expect(run.task('join')).toMatchObject({
      status: 'COMPLETED',
      outputData: { t3: { c: 3 }, t2: { b: 2 } },
    });
    run.complete('t4', { done: true });
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('retries a workflow that was terminated: its canceled tasks run again', async () => {
    const { run, operate } = await start(chain);
    run.complete('a', { n: 1 });
    const { terminate } = await import('../../lambdas/core/decide');
    run.workflow = terminate({ workflow: run.workflow, definition: run.definition }, 'stop', {
      now: run.now,
      taskDefs: () => undefined,
      scripts,
    }).next;
    expect(run.task('b').status).toBe('CANCELED');
    operate((execution, ctx) => retry(execution, {}, ctx));
    expect(run.task('b')).toMatchObject({ status: 'SCHEDULED', retryCount: 1, inputData: { from: 1 } });
  });

  it('resumes a failed SUB_WORKFLOW task and asks for its child to be retried', async () => {
    const { run, operate } = await start(loadFixture('sub-workflow'));
    const childTask = run.task('child');
    run.fail('child', 'child failed');
    expect(run.workflow.status).toBe('FAILED');
    run.now += 1000;
    operate((execution, ctx) => retry(execution, { resumeSubworkflowTasks: true }, ctx));
    expect(run.task('child')).toMatchObject({
      taskId: childTask.taskId,
      status: 'IN_PROGRESS',
      subWorkflowId: childTask.subWorkflowId,
      childRetryRequestedAt: run.now,
    });
    expect(run.effectsOf('retryChildWorkflow')).toEqual([
      expect.objectContaining({
        taskId: childTask.taskId,
        workflowId: childTask.subWorkflowId,
        requestedAt: run.now,
      }),
    ]);
    // The child reports as it always does, and the parent carries on.
    run.complete('child', { receipt: 'r-1' });
    expect(run.task('use_child')).toMatchObject({ status: 'SCHEDULED', inputData: { receipt: 'r-1' } });
  });

  it('repeats the request to retry the child at the next look at it, until the child reports', async () => {
    const { run, operate } = await start(loadFixture('sub-workflow'));
    run.fail('child', 'child failed');
    operate((execution, ctx) => retry(execution, { resumeSubworkflowTasks: true }, ctx));
    run.advance(61);
    expect(run.lastDecide.effects.filter((effect) => effect.type === 'retryChildWorkflow')).toHaveLength(1);
    expect(run.lastDecide.effects.some((effect) => effect.type === 'checkChildWorkflow')).toBe(false);
  });

  it('brings a DO_WHILE canceled by a failed body task back at the iteration it was in', async () => {
    const { run, operate } = await start(loadFixture('do-while'), {
      taskDefs: [{ name: 'step', retryCount: 0 }],
    });
    run.complete('step__1');
    run.fail('step__2', 'flaky');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.task('loop').status).toBe('CANCELED');
    operate((execution, ctx) => retry(execution, {}, ctx));
    expect(run.task('loop')).toMatchObject({
      status: 'IN_PROGRESS',
      retryCount: 1,
      outputData: { iteration: 2 },
    });
    expect(run.task('step__2')).toMatchObject({ status: 'SCHEDULED', retryCount: 1, inputData: { n: 2 } });
    run.complete('step__2');
    run.complete('step__3');
    expect(run.task('loop').status).toBe('COMPLETED');
    expect(run.task('after_loop').status).toBe('SCHEDULED');
  });

  it('refuses a workflow that has not ended unsuccessfully, or has nothing to retry', async () => {
    const { run, operate } = await start(chain);
    const retried = () => refused(operate((execution, ctx) => retry(execution, {}, ctx)));
    expect(retried()).toBe(
      'Workflow wf-1 is RUNNING; only a FAILED, TIMED_OUT or TERMINATED workflow can be retried',
    );
    for (const ref of ['a', 'b', 'c']) run.complete(ref);
    expect(retried()).toMatch(/is COMPLETED; only a FAILED/);

    const terminated = await start(loadFixture('terminate-failure'));
    terminated.run.complete('check', { ok: false, why: 'no stock' });
    expect(terminated.run.workflow.status).toBe('FAILED');
    expect(refused(terminated.operate((execution, ctx) => retry(execution, {}, ctx)))).toBe(
      'Workflow wf-1 has no FAILED, TIMED_OUT or CANCELED task to retry; restart it to run it again from the beginning',
    );
  });
});

describe('rerun', () => {
  it('reruns from a middle task with new input: later tasks go first, then the task runs again', async () => {
    const { run, operate, carryOn } = await start(chain, { input: { order: 1 } });
    for (const [ref, n] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      run.complete(ref, { n });
    expect(run.workflow.output).toEqual({ last: 3 });
    const b = run.task('b');

    operate((execution, ctx) =>
      rerun(
        execution,
        { reRunFromTaskId: b.taskId, taskInput: { extra: true }, workflowInput: { order: 2 } },
        ctx,
      ),
    );
    expect(run.workflow).toMatchObject({ status: 'RUNNING', input: { order: 2 }, output: {} });
    // The removal is committed before anything is scheduled: no item is deleted and re-created at once.
    expect(run.lastDecide.removedTaskIds).toEqual(['wf-1:c:0:0']);
    expect(run.lastDecide.changedTasks).toEqual([]);
    carryOn();
    expect(run.workflow.clearing).toBeUndefined();
    expect(run.refs()).toEqual(['a', 'b', 'b']);
    expect(run.task('b')).toMatchObject({
      status: 'SCHEDULED',
      retryCount: 1,
      retriedTaskId: b.taskId,
      inputData: { from: 1, order: 1, extra: true },
    });
    run.complete('b', { n: 20 });
    run.complete('c', { n: 30 });
    expect(run.workflow).toMatchObject({ status: 'COMPLETED', output: { last: 30 } });
  });

  it('keeps what ran in a parallel branch and brings the JOIN back to wait for the rerun task', async () => {
    const { run, operate, carryOn } = await start(loadFixture('fan-in-out'));
    for (const ref of ['t1', 't2', 't3', 't4']) run.complete(ref, { from: ref });
    expect(run.workflow.status).toBe('COMPLETED');
    const t2 = run.task('t2');
    operate((execution, ctx) => rerun(execution, { reRunFromTaskId: run.task('t1').taskId }, ctx));
    carryOn();
    expect(run.statuses()).toEqual({
      fork: 'COMPLETED',
      t1: 'SCHEDULED',
      t2: 'COMPLETED',
      join: 'IN_PROGRESS',
    });
    expect(run.task('t2')).toEqual(t2);
    run.complete('t1', { from: 't1 again' });
    run.complete('t3', { from: 't3 again' });
    expect(run.task('join').outputData).toEqual({ t3: { from: 't3 again' }, t2: { from: 't2' } });
    run.complete('t4');
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('reruns a JOIN: the branch tasks created after it still come before it in the flow and are kept', async () => {
    const { run, operate, carryOn } = await start(loadFixture('fan-in-out'));
    for (const ref of ['t1', 't2', 't3', 't4']) run.complete(ref, { from: ref });
    const branches = ['t1', 't2', 't3'].map((ref) => run.task(ref));
    operate((execution, ctx) => rerun(execution, { reRunFromTaskId: run.task('join').taskId }, ctx));
    carryOn();
    expect(['t1', 't2', 't3'].map((ref) => run.task(ref))).toEqual(branches);
    expect(run.task('join')).toMatchObject({
      status: 'COMPLETED',
      retryCount: 1,
      outputData: { t3: { from: 't3' }, t2: { from: 't2' } },
    });
    expect(run.task('t4')).toMatchObject({ status: 'SCHEDULED', taskId: 'wf-1:t4:0:0:g1' });
    run.complete('t4');
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('runs again what failed in a branch it keeps, so the JOIN is not left waiting for it', async () => {
    const { run, operate, carryOn } = await start(loadFixture('fan-in-out'), {
      taskDefs: [{ name: 't2', retryCount: 0 }],
    });
    run.complete('t1');
    run.fail('t2', 'disk full');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.task('t3').status).toBe('CANCELED');
    operate((execution, ctx) => rerun(execution, { reRunFromTaskId: run.task('t3').taskId }, ctx));
    carryOn();
    expect(run.task('t3')).toMatchObject({ status: 'SCHEDULED', retryCount: 1 });
    expect(run.task('t2')).toMatchObject({ status: 'SCHEDULED', retryCount: 1 });
    run.complete('t3', { c: 3 });
    run.complete('t2', { b: 2 });
    expect(run.task('join')).toMatchObject({
      status: 'COMPLETED',
      outputData: { t3: { c: 3 }, t2: { b: 2 } },
    });
    run.complete('t4');
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('removes the steps after the JOIN of a rerun branch task even when a skipped JOIN let them start first', async () => {
    const { run, operate, carryOn } = await start(loadFixture('fan-in-out'));
    operate((execution, ctx) => skipTask(execution, 'join', {}, ctx));
    run.complete('t4', { early: true });
    run.complete('t1');
    run.complete('t3');
    run.complete('t2');
    expect(run.workflow.status).toBe('COMPLETED');
    // t4 was created before t3, yet follows it in the flow.
    expect(run.task('t4').seq).toBeLessThan(run.task('t3').seq);
    operate((execution, ctx) => rerun(execution, { reRunFromTaskId: run.task('t3').taskId }, ctx));
    carryOn();
    expect(run.workflow.tasks.filter((task) => task.referenceTaskName === 't4')).toEqual([]);
    expect(run.statuses()).toMatchObject({
      t1: 'COMPLETED',
      t2: 'COMPLETED',
      t3: 'SCHEDULED',
      join: 'IN_PROGRESS',
    });
    run.complete('t3', { again: true });
    expect(run.task('join')).toMatchObject({ status: 'COMPLETED', outputData: { t3: { again: true } } });
    expect(run.workflow.tasks.filter((task) => task.referenceTaskName === 't4')).toHaveLength(1);
    run.complete('t4');
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('runs a DO_WHILE again from the rerun iteration, forgetting the iterations after it', async () => {
    const { run, operate, carryOn } = await start(loadFixture('do-while'));
    for (const ref of ['step__1', 'step__2', 'step__3', 'after_loop']) run.complete(ref, { from: ref });
    expect(run.workflow.status).toBe('COMPLETED');
    operate((execution, ctx) => rerun(execution, { reRunFromTaskId: run.task('step__2').taskId }, ctx));
    carryOn();
    expect(run.statuses()).toEqual({ loop: 'IN_PROGRESS', step__1: 'COMPLETED', step__2: 'SCHEDULED' });
    expect(run.task('loop').outputData).toEqual({ iteration: 2, '1': { step: { from: 'step__1' } } });
    run.complete('step__2', { from: 'again' });
    run.complete('step__3');
    expect(run.task('loop')).toMatchObject({
      status: 'COMPLETED',
      outputData: { '2': { step: { from: 'again' } } },
    });
    run.complete('after_loop');
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('reruns the newest attempt when named an attempt that a retry replaced', async () => {
    const { run, operate, carryOn } = await start(chain, { taskDefs: [{ name: 'a', retryCount: 1 }] });
    const firstA = run.task('a');
    run.fail('a', 'flaky');
    expect(run.task('a')).toMatchObject({ status: 'SCHEDULED', retryCount: 1 });
    // The retry's attempt is still pending when the rerun names the failed one.
    operate((execution, ctx) => rerun(execution, { reRunFromTaskId: firstA.taskId }, ctx));
    carryOn();
    const attemptsOfA = run.workflow.tasks.filter((task) => task.referenceTaskName === 'a');
    expect(attemptsOfA.filter((task) => !isTerminalTask(task.status))).toEqual([
      expect.objectContaining({ status: 'SCHEDULED', retryCount: 2 }),
    ]);
    run.complete('a', { n: 10 });
    expect(run.workflow.tasks.filter((task) => task.referenceTaskName === 'b')).toEqual([
      expect.objectContaining({ status: 'SCHEDULED', inputData: expect.objectContaining({ from: 10 }) }),
    ]);
  });

  it('answers which field is wrong for a task that is not in the workflow', async () => {
    const { operate } = await start(chain);
    expect(operate((execution, ctx) => rerun(execution, { reRunFromTaskId: 'nope' }, ctx))).toEqual({
      kind: 'illegal',
      reason: 'Task nope is not a task of workflow wf-1',
      field: 'reRunFromTaskId',
    });
  });

  it('reruns a running workflow from its first task with new input when no task is named', async () => {
    const { run, operate, carryOn } = await start(chain, { input: { order: 1 } });
    run.complete('a', { n: 1 });
    operate((execution, ctx) => rerun(execution, { workflowInput: { order: 5 } }, ctx));
    carryOn();
    expect(run.refs()).toEqual(['a']);
    expect(run.task('a').status).toBe('SCHEDULED');
    expect(run.workflow.input).toEqual({ order: 5 });
  });
});

describe('restart', () => {
  it('removes more tasks than one commit holds over several decides, then starts afresh', async () => {
    const dynamicFork = loadFixture('dynamic-fork');
    const { run, operate, carryOn } = await start(dynamicFork, { maxTaskWrites: 30 });
    const refs = Array.from({ length: 60 }, (_, i) => `resize_${i}`);
    run.complete('prepare', {
      dynamicTasks: refs.map((ref) => ({ name: 'resize', taskReferenceName: ref })),
      dynamicTasksInput: {},
    });
    carryOn();
    for (const ref of refs) run.complete(ref);
    carryOn();
    expect(run.workflow.status).toBe('COMPLETED');
    const taskCount = run.workflow.tasks.length;
    expect(taskCount).toBe(63);

    run.now += 1000;
    expect(operate((execution, ctx) => restart(execution, {}, ctx)).kind).toBe('done');
    expect(run.workflow).toMatchObject({
      status: 'RUNNING',
      startTime: run.now,
      output: {},
      clearing: { afterSeq: 0 },
    });
    const removedPerDecide = [run.lastDecide.removedTaskIds.length];
    const scheduledWhileClearing: string[] = [];
    while (run.lastDecide.effects.some((effect) => effect.type === 'continueDecide')) {
      run.decide();
      removedPerDecide.push(run.lastDecide.removedTaskIds.length);
      if (run.workflow.clearing)
        scheduledWhileClearing.push(...run.lastDecide.changedTasks.map((t) => t.taskId));
    }
    expect(removedPerDecide).toEqual([30, 30, 3, 0]);
    expect(scheduledWhileClearing).toEqual([]);
    expect(run.refs()).toEqual(['prepare']);
    expect(run.task('prepare')).toMatchObject({ status: 'SCHEDULED', retryCount: 0, seq: 1 });
    expect(run.workflow.clearing).toBeUndefined();
  });

  it('gives the tasks of each new run ids no removed task had, so a new child and no late result mix in', async () => {
    const { run, operate, carryOn } = await start(loadFixture('sub-workflow'));
    const first = run.task('child');
    run.fail('child', 'child failed');
    expect(run.workflow.status).toBe('FAILED');
    operate((execution, ctx) => restart(execution, {}, ctx));
    carryOn();
    const second = run.task('child');
    expect(run.workflow.generation).toBe(1);
    expect(second).toMatchObject({ status: 'IN_PROGRESS', retryCount: 0 });
    expect(second.taskId).toBe(`${first.taskId}:g1`);
    expect(second.subWorkflowId).not.toBe(first.subWorkflowId);
    expect(run.effectsOf('startChildWorkflow').at(-1)).toMatchObject({ workflowId: second.subWorkflowId });
    expect(run.workflow.tasks.some((task) => task.taskId === first.taskId)).toBe(false);

    run.fail('child', 'failed again');
    operate((execution, ctx) => rerun(execution, {}, ctx));
    carryOn();
    expect(run.workflow.generation).toBe(2);
    expect(run.task('child').taskId).toBe(`${first.taskId}:g2`);
  });

  it('restarts on the latest definition when one is given', async () => {
    const { run, operate, carryOn } = await start(chain);
    for (const ref of ['a', 'b', 'c']) run.complete(ref);
    const latest = workflowOf([simple('z')], { version: 2, variables: { fresh: true } });
    const verdict = operate((execution, ctx) => restart(execution, { latestDefinition: latest }, ctx));
    expect(verdict.kind === 'done' && verdict.result.definition).toBe(latest);
    expect(run.workflow).toMatchObject({ workflowVersion: 2, variables: { fresh: true } });
    // The first tasks of the new definition come only from a decide that loads it.
    expect(run.lastDecide.changedTasks).toEqual([]);
    carryOn();
    expect(run.refs()).toEqual(['z']);
  });

  it('refuses a workflow still running, and a COMPLETED one whose definition is not restartable', async () => {
    const { run, operate } = await start({ ...chain, restartable: false });
    const restarted = () => refused(operate((execution, ctx) => restart(execution, {}, ctx)));
    expect(restarted()).toBe(
      'Workflow wf-1 is RUNNING; only a COMPLETED, FAILED, TIMED_OUT or TERMINATED workflow can be restarted',
    );
    for (const ref of ['a', 'b', 'c']) run.complete(ref);
    expect(restarted()).toBe('Workflow wf-1 is COMPLETED and its definition wf version 1 is not restartable');
  });
});
