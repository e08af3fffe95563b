// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.

import { describe, expect, it } from 'vitest';
import type { Task, WorkflowDef } from '../../lambdas/core/model';
import { decideWorkflow, LEASE_MS, terminateWorkflow } from '../../lambdas/engine/decide-workflow';
import {
  pauseWorkflow,
  removeWorkflow,
  requestDecide,
  rerunWorkflow,
  restartWorkflow,
  resumeWorkflow,
  retryWorkflow,
  skipWorkflowTask,
} from '../../lambdas/engine/operate-workflow';
import { startWorkflow } from '../../lambdas/engine/start-workflow';
import { updateTask } from '../../lambdas/engine/update-task';
import type { DecideCommit } from '../../lambdas/ports';
import { ConflictError, NotFoundError, ValidationError } from '../../lambdas/shared/errors';
import { makeEngine } from '../support/engine';
import { loadFixture } from '../support/scenario';

type Engine = Awaited<ReturnType<typeof makeEngine>>;

const chain: WorkflowDef = {
  name: 'chain',
  version: 1,
  tasks: [
    { name: 'a', taskReferenceName: 'a' },
    { name: 'b', taskReferenceName: 'b', inputParameters: { from: '${a.output.n}' } },
  ],
  outputParameters: { last: '${b.output.n}' },
};

const startChain = async () => {
  const engine = await makeEngine();
  await engine.metadata.putWorkflowDef(chain);
  const workflowId = await startWorkflow(engine.deps, { name: 'chain', input: {} });
  await engine.drain();
  return { ...engine, workflowId };
};

const load = async (engine: Engine, workflowId: string) => (await engine.store.load(workflowId))!.workflow;

const taskOf = async (engine: Engine, workflowId: string, ref: string): Promise<Task | undefined> =>
  (await load(engine, workflowId)).tasks.filter((task) => task.referenceTaskName === ref).at(-1);

/** Polls one task of `taskType` and completes it; the decide request goes to the queue. */
const work = async (engine: Engine, taskType: string, outputData: Record<string, unknown> = {}) => {
  const [task] = await engine.poll(taskType);
  if (!task) throw new Error(`no ${taskType} task to poll`);
  await engine.complete(task.taskId, task.workflowInstanceId, outputData);
  return task;
};

describe('operations through the decide path', () => {
  it('pauses and resumes: tasks already scheduled stay pollable, a result waits for the resume', async () => {
    const engine = await startChain();
    const { workflowId } = engine;
    expect(await pauseWorkflow(engine.deps, workflowId)).toEqual({ kind: 'applied' });
    expect((await load(engine, workflowId)).status).toBe('PAUSED');
    await work(engine, 'a', { n: 4 });
    await engine.drain();
    expect(await taskOf(engine, workflowId, 'a')).toMatchObject({ heldByPause: true, executed: false });
    expect(await taskOf(engine, workflowId, 'b')).toBeUndefined();
    // A held result is no work for the reconcile.
    expect(await engine.store.findOverdue(engine.clock.now() + 3_600_000, 30_000, 10)).toEqual([]);

    expect(await resumeWorkflow(engine.deps, workflowId)).toEqual({ kind: 'applied' });
    await work(engine, 'b', { n: 5 });
    await engine.drain();
    expect(await load(engine, workflowId)).toMatchObject({ status: 'COMPLETED', output: { last: 5 } });
  });

  it('reports refusals as conflicts and unknown workflows as not found', async () => {
    const engine = await startChain();
    await expect(resumeWorkflow(engine.deps, engine.workflowId)).rejects.toThrow(ConflictError);
    await expect(pauseWorkflow(engine.deps, 'nope')).rejects.toThrow(NotFoundError);
    await expect(rerunWorkflow(engine.deps, engine.workflowId, { reRunFromTaskId: 'x' })).rejects.toThrow(
      ValidationError,
    );
    await expect(removeWorkflow(engine.deps, 'nope')).rejects.toThrow(NotFoundError);
    await expect(requestDecide(engine.deps, 'nope')).rejects.toThrow(NotFoundError);
  });

  it('applies a pause that raced a decide to the state that decide left, losing neither', async () => {
    const engine = await startChain();
    const { workflowId, store } = engine;
    await work(engine, 'a', { n: 1 });
    engine.decideQueue.requests.length = 0;
    const commit = store.commit.bind(store);
    let raced = false;
    store.commit = async (request: DecideCommit) => {
      if (!raced && request.workflow.status === 'PAUSED') {
        raced = true;
        // The decide of a's result commits between the pause's read and its commit.
        store.commit = commit;
        expect(await decideWorkflow(engine.deps, workflowId)).toMatchObject({ kind: 'decided' });
        store.commit = async (again: DecideCommit) => commit(again);
      }
      return commit(request);
    };
    expect(await pauseWorkflow(engine.deps, workflowId)).toEqual({ kind: 'applied' });
    expect(raced).toBe(true);
    const workflow = await load(engine, workflowId);
    expect(workflow.status).toBe('PAUSED');
    expect(workflow.tasks.map((task) => [task.referenceTaskName, task.status])).toEqual([
      ['a', 'COMPLETED'],
      ['b', 'SCHEDULED'],
    ]);
    expect((await taskOf(engine, workflowId, 'b'))?.inputData).toEqual({ from: 1 });
  });

  it('answers retryLater, changing nothing, while another decide keeps the lease', async () => {
    const engine = await startChain();
    engine.store.commit = async () => ({ kind: 'conflict', reason: 'another decide committed' });
    await engine.store.acquireLease(engine.workflowId, 'decider-2', engine.clock.now(), LEASE_MS);
    expect(await pauseWorkflow(engine.deps, engine.workflowId)).toEqual({
      kind: 'retryLater',
      reason: 'another decide holds the lease',
    });
    expect((await load(engine, engine.workflowId)).status).toBe('RUNNING');
  });

  it('skips a scheduled task and schedules the next with its output', async () => {
    const engine = await startChain();
    await skipWorkflowTask(engine.deps, engine.workflowId, 'a', { taskOutput: { n: 7 } });
    expect(await taskOf(engine, engine.workflowId, 'a')).toMatchObject({ status: 'SKIPPED' });
    expect(await engine.poll('a')).toEqual([]);
    expect((await taskOf(engine, engine.workflowId, 'b'))?.inputData).toEqual({ from: 7 });
  });

  it('retries a failed workflow and runs it to completion', async () => {
    const engine = await makeEngine();
    await engine.metadata.putWorkflowDef(chain);
    await engine.metadata.putTaskDef({ name: 'a', retryCount: 0 });
    const workflowId = await startWorkflow(engine.deps, { name: 'chain', input: {} });
    await engine.drain();
    const [a] = await engine.poll('a');
    await updateTask(engine.deps, { workflowInstanceId: workflowId, taskId: a!.taskId, status: 'FAILED' });
    await engine.drain();
    expect((await load(engine, workflowId)).status).toBe('FAILED');
    expect(await retryWorkflow(engine.deps, workflowId)).toEqual({ kind: 'applied' });
    await work(engine, 'a', { n: 1 });
    await engine.drain();
    await work(engine, 'b', { n: 2 });
    await engine.drain();
    expect(await load(engine, workflowId)).toMatchObject({ status: 'COMPLETED', output: { last: 2 } });
  });

  it('reruns from a task: the tasks after it are removed first, then it runs again', async () => {
    const engine = await startChain();
    const { workflowId } = engine;
    const a = await work(engine, 'a', { n: 1 });
    await engine.drain();
    await work(engine, 'b', { n: 2 });
    await engine.drain();
    await rerunWorkflow(engine.deps, workflowId, { reRunFromTaskId: a.taskId, taskInput: { again: true } });
    await engine.drain();
    expect((await taskOf(engine, workflowId, 'a'))?.inputData).toEqual({ again: true });
    await work(engine, 'a', { n: 10 });
    await engine.drain();
    await work(engine, 'b', { n: 20 });
    await engine.drain();
    expect(await load(engine, workflowId)).toMatchObject({ status: 'COMPLETED', output: { last: 20 } });
  });

  it('restarts on the latest definition, which the store keeps from then on', async () => {
    const engine = await startChain();
    const { workflowId } = engine;
    await terminateWorkflow(engine.deps, workflowId, 'wrong version');
    await engine.metadata.putWorkflowDef({
      ...chain,
      version: 2,
      tasks: [{ name: 'z', taskReferenceName: 'z' }],
    });
    expect(await restartWorkflow(engine.deps, workflowId, { useLatestDefinitions: true })).toEqual({
      kind: 'applied',
    });
    await engine.drain();
    const stored = (await engine.store.load(workflowId))!;
    expect(stored.definition.version).toBe(2);
    expect(stored.workflow).toMatchObject({ status: 'RUNNING', workflowVersion: 2 });
    expect(stored.workflow.tasks.map((task) => task.referenceTaskName)).toEqual(['z']);
  });

  it('removes a workflow: it is gone, and its worker’s later result gets 404', async () => {
    const engine = await startChain();
    const [a] = await engine.poll('a');
    await removeWorkflow(engine.deps, engine.workflowId);
    expect(await engine.store.load(engine.workflowId)).toBeUndefined();
    await expect(engine.complete(a!.taskId, engine.workflowId)).rejects.toThrow(NotFoundError);
  });

  it('decides on request', async () => {
    const engine = await startChain();
    const [a] = await engine.poll('a');
    await engine.store.putTask(engine.workflowId, { ...a!, status: 'COMPLETED' }, 2);
    await requestDecide(engine.deps, engine.workflowId);
    expect((await taskOf(engine, engine.workflowId, 'b'))?.status).toBe('SCHEDULED');
  });
});

describe('sub-workflows under operations', () => {
  const startParent = async () => {
    const engine = await makeEngine();
    await engine.metadata.putWorkflowDef(loadFixture('sub-workflow'));
    await engine.metadata.putWorkflowDef({
      name: 'child_flow',
      version: 1,
      tasks: [{ name: 'pay', taskReferenceName: 'pay' }],
      outputParameters: { receipt: '${pay.output.receipt}' },
    });
    await engine.metadata.putTaskDef({ name: 'pay', retryCount: 0 });
    const parentId = await startWorkflow(engine.deps, { name: 'parent_flow', input: { order: 1 } });
    await engine.drain();
    return { ...engine, parentId };
  };

  it('retries a failed child with resumeSubworkflowTasks, and the parent carries on when it completes', async () => {
    const engine = await startParent();
    const [pay] = await engine.poll('pay');
    const childId = pay!.workflowInstanceId;
    await updateTask(engine.deps, { workflowInstanceId: childId, taskId: pay!.taskId, status: 'FAILED' });
    await engine.drain();
    expect((await load(engine, engine.parentId)).status).toBe('FAILED');
    expect((await load(engine, childId)).status).toBe('FAILED');

    expect(await retryWorkflow(engine.deps, engine.parentId, { resumeSubworkflowTasks: true })).toEqual({
      kind: 'applied',
    });
    expect((await load(engine, childId)).status).toBe('RUNNING');
    expect(await taskOf(engine, engine.parentId, 'child')).toMatchObject({
      status: 'IN_PROGRESS',
      retryCount: 0,
    });
    await engine.drain();
    await work(engine, 'pay', { receipt: 'r-9' });
    await engine.drain();
    expect(await taskOf(engine, engine.parentId, 'child')).toMatchObject({
      status: 'COMPLETED',
      outputData: { receipt: 'r-9' },
    });
    expect((await taskOf(engine, engine.parentId, 'use_child'))?.status).toBe('SCHEDULED');
    // A repeated request to retry the child changes nothing: it has been retried since.
    engine.clock.advance(61_000);
    await decideWorkflow(engine.deps, engine.parentId);
    expect((await load(engine, childId)).tasks).toHaveLength(2);
  });

  it('terminates the children of a terminated workflow and cancels its tasks', async () => {
    const engine = await startParent();
    const child = (await taskOf(engine, engine.parentId, 'child'))!;
    await terminateWorkflow(engine.deps, engine.parentId, 'stop everything');
    expect(child.subWorkflowId).toBeDefined();
    expect(await taskOf(engine, engine.parentId, 'child')).toMatchObject({ status: 'CANCELED' });
    const childWorkflow = await load(engine, child.subWorkflowId!);
    expect(childWorkflow.status).toBe('TERMINATED');
    expect(childWorkflow.tasks.map((task) => task.status)).toEqual(['CANCELED']);
  });
});
