import { describe, expect, it } from 'vitest';
import { terminateWorkflow } from '../../lambdas/engine/decide-workflow';
import { startWorkflow } from '../../lambdas/engine/start-workflow';
import { makeEngine } from '../support/engine';
import { simple, workflowOf } from '../support/steps';

const setUp = async () => {
  const engine = await makeEngine();
  await engine.metadata.putWorkflowDef(workflowOf([simple('a')]));
  return engine;
};

const startWith = (
  engine: Awaited<ReturnType<typeof setUp>>,
  strategy?: 'FAIL' | 'RETURN_EXISTING' | 'FAIL_ON_RUNNING',
) =>
  startWorkflow(engine.deps, {
    name: 'wf',
    input: {},
    idempotencyKey: 'order-7',
    idempotencyStrategy: strategy,
  });

describe('a start with an idempotency key', () => {
  it('FAIL (the default): a second start with the key is refused with 409 naming the holder', async () => {
    const engine = await setUp();
    const first = await startWith(engine);
    await expect(startWith(engine)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(`held by workflow ${first}`),
    });
    expect(engine.decideQueue.requests.map((request) => request.workflowId)).toEqual([first]);
  });

  it('RETURN_EXISTING: a second start answers with the first workflow and creates nothing', async () => {
    const engine = await setUp();
    const first = await startWith(engine, 'RETURN_EXISTING');
    expect(await startWith(engine, 'RETURN_EXISTING')).toBe(first);
    expect(engine.decideQueue.requests).toHaveLength(1);
  });

  it('FAIL_ON_RUNNING: refused while the holder runs, a new workflow once it has ended', async () => {
    const engine = await setUp();
    const first = await startWith(engine, 'FAIL_ON_RUNNING');
    await engine.drain();
    await expect(startWith(engine, 'FAIL_ON_RUNNING')).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('still running'),
    });
    await terminateWorkflow(engine.deps, first, 'done with it');
    const second = await startWith(engine, 'FAIL_ON_RUNNING');
    expect(second).not.toBe(first);
    await expect(startWith(engine, 'FAIL_ON_RUNNING')).rejects.toMatchObject({ name: 'ConflictError' });
  });

  it('two concurrent starts with one key create one workflow', async () => {
    const engine = await setUp();
    const outcomes = await Promise.allSettled([
      startWith(engine, 'RETURN_EXISTING'),
      startWith(engine, 'RETURN_EXISTING'),
    ]);
    const ids = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'refused'));
    expect(ids[0]).toBe(ids[1]);
    expect(engine.decideQueue.requests).toHaveLength(1);
  });

  it('leaves starts without a key alone', async () => {
    const engine = await setUp();
    const first = await startWorkflow(engine.deps, { name: 'wf', input: {} });
    const second = await startWorkflow(engine.deps, { name: 'wf', input: {} });
    expect(first).not.toBe(second);
  });
});
