import { describe, expect, it } from 'vitest';
import { decideWorkflow, LEASE_MS, terminateWorkflow } from '../../lambdas/engine/decide-workflow';
import { startWorkflow } from '../../lambdas/engine/start-workflow';
import { updateTask } from '../../lambdas/engine/update-task';
import { makeEngine } from '../support/engine';
import { loadFixture } from '../support/scenario';

const startFanInOut = async () => {
  const engine = await makeEngine();
  await engine.metadata.putWorkflowDef(loadFixture('fan-in-out'));
  const workflowId = await startWorkflow(engine.deps, { name: 'fan_in_out', input: {} });
  await engine.drain();
  return { ...engine, workflowId };
};

const statuses = async (engine: Awaited<ReturnType<typeof startFanInOut>>) => {
  const stored = await engine.store.load(engine.workflowId);
  return Object.fromEntries(stored!.workflow.tasks.map((task) => [task.referenceTaskName, task.status]));
};

describe('decideWorkflow over the ports', () => {
  it('runs the fan-in/out workflow to COMPLETED through start, poll, update and decide', async () => {
    const engine = await startFanInOut();
    for (const taskType of ['t1', 't2', 't3', 't4']) {
      const [task] = await engine.poll(taskType);
      expect(task, `${taskType} pollable`).toBeDefined();
      expect(await engine.poll(taskType)).toEqual([]);
      await engine.complete(task!.taskId, engine.workflowId, { from: taskType });
      await engine.drain();
    }
    const stored = await engine.store.load(engine.workflowId);
    expect(stored?.workflow.status).toBe('COMPLETED');
    expect(stored?.workflow.output).toEqual({ from: 't4' });
  });

  it('writes nothing for a duplicate decide request', async () => {
    const engine = await startFanInOut();
    const before = await engine.store.load(engine.workflowId);
    expect(await decideWorkflow(engine.deps, engine.workflowId)).toEqual({ kind: 'unchanged' });
    expect((await engine.store.load(engine.workflowId))?.version).toBe(before?.version);
  });

  it('keeps an acknowledged result findable by the reconcile until a decide has acted on it', async () => {
    const engine = await startFanInOut();
    const [task] = await engine.poll('t2');
    await engine.complete(task!.taskId, engine.workflowId);
    engine.decideQueue.requests.length = 0;
    expect(await engine.store.findOverdue(engine.clock.now() + 60_000, 30_000, 10)).toEqual([
      engine.workflowId,
    ]);
    await decideWorkflow(engine.deps, engine.workflowId);
    expect(await engine.store.findOverdue(engine.clock.now() + 60_000, 30_000, 10)).toEqual([]);
  });

  it('schedules the task after the JOIN when the last branch completes while another decide holds the lease', async () => {
    const engine = await startFanInOut();
    for (const taskType of ['t1', 't2', 't3']) {
      const [task] = await engine.poll(taskType);
      if (taskType === 't3')
        await engine.store.acquireLease(engine.workflowId, 'decider-2', engine.clock.now(), LEASE_MS);
      await engine.complete(task!.taskId, engine.workflowId);
      await engine.drain();
    }
    expect((await statuses(engine)).t4).toBe('SCHEDULED');
    expect(await engine.poll('t4')).toHaveLength(1);
  });

  it('hands the decide back when its commit races another decide that holds the lease', async () => {
    const engine = await startFanInOut();
    const [task] = await engine.poll('t2');
    await engine.complete(task!.taskId, engine.workflowId);
    // Another decider takes the lease and commits between this decide's read and its commit.
    const store = engine.store;
    const commit = store.commit.bind(store);
    let raced = false;
    store.commit = async (request) => {
      if (!raced) {
        raced = true;
        const other = await store.acquireLease(engine.workflowId, 'decider-2', engine.clock.now(), LEASE_MS);
        const current = await store.load(engine.workflowId);
        if (other.kind === 'acquired') {
          await commit({
            ...request,
            expectedVersion: current!.version,
            tasks: [],
            lease: undefined,
            removedTaskIds: [],
          });
          await store.acquireLease(engine.workflowId, 'decider-2', engine.clock.now(), LEASE_MS);
        }
      }
      return commit(request);
    };
    expect(await decideWorkflow(engine.deps, engine.workflowId)).toMatchObject({ kind: 'retryLater' });
    engine.clock.advance(LEASE_MS + 1);
    expect(await decideWorkflow(engine.deps, engine.workflowId)).toMatchObject({ kind: 'decided' });
    const stored = await store.load(engine.workflowId);
    expect(stored?.workflow.tasks.find((t) => t.referenceTaskName === 't2')?.executed).toBe(true);
  });

  it('fences a lease holder that froze past its lease: its commit cannot overwrite newer state', async () => {
    const engine = await startFanInOut();
    const frozen = await engine.store.acquireLease(engine.workflowId, 'frozen', engine.clock.now(), LEASE_MS);
    const seenByFrozen = await engine.store.load(engine.workflowId);
    engine.clock.advance(LEASE_MS + 1);
    const [task] = await engine.poll('t2');
    await engine.complete(task!.taskId, engine.workflowId);
    expect(await engine.drain()).toEqual([{ kind: 'decided', changedTasks: 1, effects: 0 }]);
    if (frozen.kind !== 'acquired') throw new Error('lease not taken');
    const late = await engine.store.commit({
      workflowId: engine.workflowId,
      expectedVersion: seenByFrozen!.version,
      lease: frozen.lease,
      workflow: { ...seenByFrozen!.workflow, status: 'FAILED' },
      tasks: [],
      removedTaskIds: [],
    });
    expect(late.kind).toBe('conflict');
    expect((await engine.store.load(engine.workflowId))?.workflow.status).toBe('RUNNING');
  });

  it('terminates through the decide path, canceling active tasks so no worker can poll them', async () => {
    const engine = await startFanInOut();
    expect(await terminateWorkflow(engine.deps, engine.workflowId, 'operator said so')).toMatchObject({
      kind: 'decided',
    });
    const stored = await engine.store.load(engine.workflowId);
    expect(stored?.workflow).toMatchObject({
      status: 'TERMINATED',
      reasonForIncompletion: 'operator said so',
    });
    expect(await statuses(engine)).toEqual({
      fork: 'COMPLETED',
      t1: 'CANCELED',
      t2: 'CANCELED',
      join: 'CANCELED',
    });
    expect(await engine.poll('t1')).toEqual([]);
  });

  it('gives tasks a dynamic fork names at run time their registered definitions', async () => {
    const engine = await makeEngine();
    await engine.metadata.putWorkflowDef(loadFixture('dynamic-fork'));
    await engine.metadata.putTaskDef({ name: 'resize', responseTimeoutSeconds: 600, retryCount: 0 });
    const workflowId = await startWorkflow(engine.deps, { name: 'dynamic_fork', input: {} });
    await engine.drain();
    const [prepare] = await engine.poll('prepare');
    await engine.complete(prepare!.taskId, workflowId, {
      dynamicTasks: [{ name: 'resize', taskReferenceName: 'small' }],
      dynamicTasksInput: {},
    });
    await engine.drain();
    const stored = await engine.store.load(workflowId);
    expect(
      stored?.workflow.tasks.find((task) => task.referenceTaskName === 'small')?.responseTimeoutSeconds,
    ).toBe(600);
  });

  it("repeats a child's notification to its parent that a crash after the child's last commit lost", async () => {
    const engine = await makeEngine();
    await engine.metadata.putWorkflowDef(loadFixture('sub-workflow'));
    await engine.metadata.putWorkflowDef({
      name: 'child_flow',
      version: 1,
      tasks: [{ name: 'pay', taskReferenceName: 'pay' }],
      outputParameters: { receipt: '${pay.output.receipt}' },
    });
    const parentId = await startWorkflow(engine.deps, { name: 'parent_flow', input: { order: 1 } });
    await engine.drain();
    const [pay] = await engine.poll('pay');
    // The child's final decide commits, then dies before its parent hears of it.
    const putTask = engine.store.putTask.bind(engine.store);
    engine.store.putTask = async (workflowId, task, revision) => {
      if (workflowId === parentId) throw new Error('crashed before the notification');
      return putTask(workflowId, task, revision);
    };
    await engine.complete(pay!.taskId, pay!.workflowInstanceId, { receipt: 'r-1' });
    await expect(engine.drain()).rejects.toThrow('crashed before the notification');
    engine.store.putTask = putTask;
    expect((await engine.store.load(pay!.workflowInstanceId))?.workflow.status).toBe('COMPLETED');

    engine.clock.advance(60_000);
    await decideWorkflow(engine.deps, parentId);
    await engine.drain();
    const parent = await engine.store.load(parentId);
    expect(parent?.workflow.tasks.find((task) => task.referenceTaskName === 'child')).toMatchObject({
      status: 'COMPLETED',
      outputData: { receipt: 'r-1' },
    });
    expect(parent?.workflow.tasks.find((task) => task.referenceTaskName === 'use_child')?.status).toBe(
      'SCHEDULED',
    );
  });

  it("starts a child whose start a crash after the parent's commit lost", async () => {
    const engine = await makeEngine();
    await engine.metadata.putWorkflowDef(loadFixture('sub-workflow'));
    await engine.metadata.putWorkflowDef({
      name: 'child_flow',
      version: 1,
      tasks: [{ name: 'pay', taskReferenceName: 'pay' }],
    });
    const create = engine.store.create.bind(engine.store);
    let lost = false;
    engine.store.create = async (execution) => {
      if (execution.workflow.parentWorkflowId && !lost) {
        lost = true;
        throw new Error('crashed before the child was created');
      }
      return create(execution);
    };
    const parentId = await startWorkflow(engine.deps, { name: 'parent_flow', input: {} });
    await expect(engine.drain()).rejects.toThrow('crashed before the child was created');
    expect(await engine.poll('pay')).toEqual([]);
    engine.clock.advance(60_000);
    await decideWorkflow(engine.deps, parentId);
    expect(await engine.poll('pay')).toEqual([]);
    await engine.drain();
    expect(await engine.poll('pay')).toHaveLength(1);
  });

  it('starts the failure workflow in the commit that fails the workflow, so a crash right after loses nothing', async () => {
    const engine = await makeEngine();
    await engine.metadata.putWorkflowDef({
      name: 'checkout',
      version: 1,
      failureWorkflow: 'cleanup',
      tasks: [{ name: 'charge', taskReferenceName: 'charge' }],
    });
    await engine.metadata.putWorkflowDef({
      name: 'cleanup',
      version: 1,
      tasks: [
        {
          name: 'refund',
          taskReferenceName: 'refund',
          inputParameters: { id: '${workflow.input.workflowId}' },
        },
      ],
    });
    const workflowId = await startWorkflow(engine.deps, { name: 'checkout', input: {} });
    await engine.drain();
    const [charge] = await engine.poll('charge');
    // Every call after the commit fails, as if the decide died the moment its commit landed.
    const requestDecide = engine.decideQueue.requestDecide.bind(engine.decideQueue);
    engine.decideQueue.requestDecide = async () => {
      throw new Error('crashed after the commit');
    };
    await expect(
      updateTask(
        engine.deps,
        {
          workflowInstanceId: workflowId,
          taskId: charge!.taskId,
          status: 'FAILED_WITH_TERMINAL_ERROR',
          reasonForIncompletion: 'card declined',
        },
        'now',
      ),
    ).rejects.toThrow('crashed after the commit');
    engine.decideQueue.requestDecide = requestDecide;
    expect((await engine.store.load(workflowId))?.workflow.status).toBe('FAILED');
    const failureId = `${workflowId}.failure`;
    expect((await engine.store.load(failureId))?.workflow.status).toBe('RUNNING');
    // Its first decide request was lost too; the reconcile finds it, due since its creation.
    expect(await engine.store.findOverdue(engine.clock.now() + 30_000, 30_000, 10)).toEqual([failureId]);
    await decideWorkflow(engine.deps, failureId);
    const [refund] = await engine.poll('refund');
    expect(refund?.inputData).toEqual({ id: workflowId });
  });

  it('fails the workflow all the same when its failure workflow is not registered', async () => {
    const engine = await makeEngine();
    await engine.metadata.putWorkflowDef({
      name: 'checkout',
      version: 1,
      failureWorkflow: 'never_registered',
      tasks: [{ name: 'charge', taskReferenceName: 'charge' }],
    });
    const workflowId = await startWorkflow(engine.deps, { name: 'checkout', input: {} });
    await engine.drain();
    const [charge] = await engine.poll('charge');
    await updateTask(engine.deps, {
      workflowInstanceId: workflowId,
      taskId: charge!.taskId,
      status: 'FAILED_WITH_TERMINAL_ERROR',
    });
    await engine.drain();
    expect((await engine.store.load(workflowId))?.workflow.status).toBe('FAILED');
    expect(await engine.store.load(`${workflowId}.failure`)).toBeUndefined();
  });
});
