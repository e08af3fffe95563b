/**
 * Idempotent starts on moto, through the HTTP API: the key is claimed in the transaction that
 * creates the execution, so concurrent starts with one key create one workflow. Fails, never
 * skips, when moto cannot start.
 */
import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/local-runtime-api';

const baton = useLocalRuntime({ prefix: `idempotent-${process.pid}` });

const start = (idempotencyKey: string, idempotencyStrategy: string) =>
  fetch(`${baton.api.baseUrl}/api/workflow`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'idempotent_order', input: {}, idempotencyKey, idempotencyStrategy }),
  }).then(async (response) => ({ status: response.status, body: await response.text() }));

describe('idempotent starts on moto', () => {
  it('creates one workflow from concurrent starts with one key, and refuses or returns it after', async () => {
    await baton.api.registerWorkflow({
      name: 'idempotent_order',
      version: 1,
      tasks: [{ name: 'idempotent_work', taskReferenceName: 'work', type: 'SIMPLE' }],
    });
    const answers = await Promise.all(Array.from({ length: 8 }, () => start('order-42', 'RETURN_EXISTING')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    const ids = new Set(answers.map((answer) => answer.body));
    expect(ids.size).toBe(1);

    const refused = await start('order-42', 'FAIL');
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body)).toMatchObject({
      status: 409,
      message: expect.stringContaining([...ids][0]!),
    });

    const [task] = await baton.api.poll('idempotent_work', 5, 'w-1', 2_000);
    expect(task?.workflowInstanceId).toBe([...ids][0]);
    expect(await baton.api.poll('idempotent_work', 5, 'w-1', 0)).toEqual([]);
  }, 60_000);
});
