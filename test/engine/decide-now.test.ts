import { describe, expect, it } from 'vitest';
import { LEASE_MS } from '../../lambdas/engine/decide-workflow';
import { startWorkflow } from '../../lambdas/engine/start-workflow';
import { updateTask } from '../../lambdas/engine/update-task';
import type { CommitOutcome, DecideCommit } from '../../lambdas/ports';
import { makeEngine } from '../support/engine';
import { loadFixture } from '../support/scenario';
import { simple, workflowOf } from '../support/steps';

/** A chain t1 → t2: its results are decided inline. */
const startFanInOut = async () => {
  const engine = await makeEngine();
  await engine.metadata.putWorkflowDef(workflowOf([simple('t1'), simple('t2')]));
  const workflowId = await startWorkflow(engine.deps, { name: 'wf', input: {} });
  await engine.drain();
  return { ...engine, workflowId };
};

const completeNow = (engine: Awaited<ReturnType<typeof startFanInOut>>, taskId: string) =>
  updateTask(
    engine.deps,
    { workflowInstanceId: engine.workflowId, taskId, status: 'COMPLETED', outputData: {} },
    'now',
  );

describe("a result recorded with mode 'now'", () => {
  it('is decided in the same call: the next task is pollable and no decide request is sent', async () => {
    const engine = await startFanInOut();
    const [t1] = await engine.poll('t1');
    await completeNow(engine, t1!.taskId);
    expect(engine.decideQueue.requests).toEqual([]);
    const stored = await engine.store.load(engine.workflowId);
    expect(stored!.workflow.tasks.find((task) => task.taskId === t1!.taskId)?.executed).toBe(true);
    expect(await engine.poll('t2')).toHaveLength(1);
  });

  it('commits on the version it read even while another decide holds the lease, leaving that lease alone', async () => {
    const engine = await startFanInOut();
    const [t1] = await engine.poll('t1');
    await engine.store.acquireLease(engine.workflowId, 'decider-2', engine.clock.now(), LEASE_MS);
    await completeNow(engine, t1!.taskId);
    expect(engine.decideQueue.requests).toEqual([]);
    expect((await engine.store.load(engine.workflowId))!.lease?.owner).toBe('decider-2');
    expect(await engine.poll('t2')).toHaveLength(1);
  });

  it('goes to the decide queue when its commit loses a race, and leaves no lease behind', async () => {
    const engine = await startFanInOut();
    const [t1] = await engine.poll('t1');
    const commit = engine.store.commit.bind(engine.store);
    let lost = false;
    engine.store.commit = async (attempt: DecideCommit): Promise<CommitOutcome> => {
      if (lost) return commit(attempt);
      lost = true;
      return { kind: 'conflict', reason: 'a concurrent decide committed first' };
    };
    await completeNow(engine, t1!.taskId);
    expect(engine.decideQueue.requests).toHaveLength(1);
    expect((await engine.store.load(engine.workflowId))!.lease).toBeUndefined();
    await engine.drain();
    expect(await engine.poll('t2')).toHaveLength(1);
  });

  it('goes to the decide queue when the decide fails, and the result stays recorded', async () => {
    const engine = await startFanInOut();
    const [t1] = await engine.poll('t1');
    const load = engine.store.load.bind(engine.store);
    let failed = false;
    engine.store.load = async (workflowId: string) => {
      if (failed) return load(workflowId);
      failed = true;
      throw new Error('ProvisionedThroughputExceededException');
    };
    const update = await completeNow(engine, t1!.taskId);
    expect(update.kind).toBe('updated');
    expect(engine.decideQueue.requests).toHaveLength(1);
    await engine.drain();
    expect(await engine.poll('t2')).toHaveLength(1);
  });

  it('goes to the decide queue for a task in a fork, whose siblings tend to end together', async () => {
    const engine = await makeEngine();
    await engine.metadata.putWorkflowDef(loadFixture('fan-in-out'));
    const workflowId = await startWorkflow(engine.deps, { name: 'fan_in_out', input: {} });
    await engine.drain();
    const [t1] = await engine.poll('t1');
    expect(t1?.inFork).toBe(true);
    await updateTask(
      engine.deps,
      { workflowInstanceId: workflowId, taskId: t1!.taskId, status: 'COMPLETED' },
      'now',
    );
    expect(engine.decideQueue.requests.map((request) => request.workflowId)).toEqual([workflowId]);
    await engine.drain();
    expect(await engine.poll('t3')).toHaveLength(1);
  });
});
