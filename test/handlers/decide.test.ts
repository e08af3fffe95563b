import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LEASE_MS } from '../../lambdas/engine/decide-workflow';
import { startWorkflow } from '../../lambdas/engine/start-workflow';
import { createDecideHandler } from '../../lambdas/handlers/decide';
import { makeEngine } from '../support/engine';
import { loadFixture } from '../support/scenario';

const record = (messageId: string, workflowId: string) => ({
  messageId,
  body: JSON.stringify({ workflowId }),
});

/** Two started workflows whose first decide requests are still queued. */
const startTwo = async () => {
  const engine = await makeEngine();
  await engine.metadata.putWorkflowDef(loadFixture('single-task'));
  const first = await startWorkflow(engine.deps, { name: 'single_task' });
  const second = await startWorkflow(engine.deps, { name: 'single_task' });
  engine.decideQueue.requests.length = 0;
  const loads: string[] = [];
  const load = engine.store.load.bind(engine.store);
  engine.store.load = (workflowId) => {
    loads.push(workflowId);
    return load(workflowId);
  };
  return { ...engine, first, second, loads };
};

/**
 * Makes every commit for `workflowId` lose a race, as when another decide commits in between; with
 * the lease held elsewhere, the decide then answers retryLater. Returns the real commit.
 */
const loseCommitsOf = (engine: Awaited<ReturnType<typeof startTwo>>, workflowId: string) => {
  const commit = engine.store.commit.bind(engine.store);
  engine.store.commit = async (request) =>
    request.workflowId === workflowId ? { kind: 'conflict', reason: 'raced' } : commit(request);
  return commit;
};

beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the decide handler', () => {
  it('decides each workflow of a batch once, however many records ask for it', async () => {
    const engine = await startTwo();
    const handler = createDecideHandler(engine.deps);
    const event = {
      Records: [record('m1', engine.first), record('m2', engine.second), record('m3', engine.first)],
    };
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(engine.loads.sort()).toEqual([engine.first, engine.second].sort());
    expect(await engine.poll('slow', 2)).toHaveLength(2);
  });

  it('hands a workflow whose lease is taken back to the queue with a 1–3 s delay, and counts the record done', async () => {
    const engine = await startTwo();
    await engine.store.acquireLease(engine.first, 'decider-2', engine.clock.now(), LEASE_MS);
    const event = { Records: [record('m1', engine.first)] };
    const commit = loseCommitsOf(engine, engine.first);
    expect(await createDecideHandler(engine.deps, () => 0)(event)).toEqual({ batchItemFailures: [] });
    expect(await createDecideHandler(engine.deps, () => 0.999)(event)).toEqual({ batchItemFailures: [] });
    expect(engine.decideQueue.requests).toEqual([
      { workflowId: engine.first, delaySeconds: 1 },
      { workflowId: engine.first, delaySeconds: 3 },
    ]);
    // Once the other holder's lease has lapsed, the handed-back request is decided.
    engine.store.commit = commit;
    engine.clock.advance(LEASE_MS + 1);
    await engine.drain();
    expect(await engine.poll('slow')).toHaveLength(1);
  });

  it('reports only the record whose workflow could be neither decided nor handed back', async () => {
    const engine = await startTwo();
    await engine.store.acquireLease(engine.first, 'decider-2', engine.clock.now(), LEASE_MS);
    loseCommitsOf(engine, engine.first);
    engine.decideQueue.requestDecide = async () => {
      throw new Error('SQS is throttling');
    };
    const event = { Records: [record('m1', engine.first), record('m2', engine.second)] };
    expect(await createDecideHandler(engine.deps)(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm1' }],
    });
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('SQS is throttling'));
    expect(await engine.poll('slow', 2)).toHaveLength(1);
  });

  it('reports a record whose decide failed unexpectedly, and decides the others', async () => {
    const engine = await startTwo();
    const load = engine.store.load;
    engine.store.load = async (workflowId) => {
      if (workflowId === engine.first) throw new Error('ProvisionedThroughputExceededException');
      return load(workflowId);
    };
    const event = {
      Records: [record('m1', engine.first), record('m2', engine.second), record('m3', engine.first)],
    };
    expect(await createDecideHandler(engine.deps)(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm1' }],
    });
    expect(await engine.poll('slow', 2)).toHaveLength(1);
  });

  it('reports a message that carries no workflowId, so that it reaches the DLQ', async () => {
    const engine = await startTwo();
    const event = {
      Records: [
        { messageId: 'bad', body: 'not json' },
        { messageId: 'empty', body: '{}' },
      ],
    };
    expect(await createDecideHandler(engine.deps)(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'bad' }, { itemIdentifier: 'empty' }],
    });
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('message empty lacks workflowId'));
  });
});
