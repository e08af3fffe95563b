import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RECONCILE_GRACE_MS } from '../../lambdas/engine/reconcile';
import { startWorkflow } from '../../lambdas/engine/start-workflow';
import { createReconcileHandler } from '../../lambdas/handlers/reconcile';
import { makeEngine } from '../support/engine';
import { loadFixture } from '../support/scenario';

const startFanInOut = async () => {
  const engine = await makeEngine();
  await engine.metadata.putWorkflowDef(loadFixture('fan-in-out'));
  const workflowId = await startWorkflow(engine.deps, { name: 'fan_in_out', input: {} });
  await engine.drain();
  return { ...engine, workflowId, reconcile: createReconcileHandler(engine.deps) };
};

beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the reconcile handler', () => {
  it('rescues a workflow whose result was acknowledged but whose decide request was lost', async () => {
    const engine = await startFanInOut();
    const [t2] = await engine.poll('t2');
    await engine.complete(t2!.taskId, engine.workflowId);
    engine.decideQueue.requests.length = 0; // the decide request is lost
    engine.clock.advance(RECONCILE_GRACE_MS + 1);

    expect(await engine.reconcile({ source: 'aws.scheduler' })).toEqual({ rescued: 1 });
    expect(console.log).toHaveBeenCalledWith(JSON.stringify({ message: 'reconcile', rescued: 1 }));
    expect(engine.decideQueue.requests).toEqual([{ workflowId: engine.workflowId, delaySeconds: 0 }]);
    await engine.drain();
    const t2After = (await engine.store.load(engine.workflowId))!.workflow.tasks.find(
      (t) => t.taskId === t2!.taskId,
    );
    expect(t2After?.executed).toBe(true);
    expect(await engine.reconcile({})).toEqual({ rescued: 0 });
  });

  it('leaves a change alone while its decide request may still be on its way', async () => {
    const engine = await startFanInOut();
    const [t2] = await engine.poll('t2');
    await engine.complete(t2!.taskId, engine.workflowId);
    engine.decideQueue.requests.length = 0;
    engine.clock.advance(RECONCILE_GRACE_MS - 1_000);
    expect(await engine.reconcile({})).toEqual({ rescued: 0 });
  });

  it('rescues 0 for healthy idle workflows', async () => {
    const engine = await startFanInOut();
    await startWorkflow(engine.deps, { name: 'fan_in_out', input: {} });
    await engine.drain();
    engine.clock.advance(5 * 60_000);
    expect(await engine.reconcile(undefined)).toEqual({ rescued: 0 });
    expect(engine.decideQueue.requests).toEqual([]);
    expect(console.log).toHaveBeenCalledWith(JSON.stringify({ message: 'reconcile', rescued: 0 }));
  });
});
