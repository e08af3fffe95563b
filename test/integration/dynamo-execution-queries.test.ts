/**
 * ExecutionQueries on DynamoDB's search indexes (moto) and on the in-memory fake: the same
 * contract for both, plus what only the table layout shows (which head attributes carry the keys).
 */
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTable } from '../../lambdas/adapters/dynamodb/ensure-table';
import { DynamoExecutionStore } from '../../lambdas/adapters/dynamodb/execution-store';
import { executionTableDefinition } from '../../lambdas/adapters/dynamodb/execution-table';
import { DynamoExecutionQueries } from '../../lambdas/adapters/dynamodb/search-queries';
import type { WorkflowDef } from '../../lambdas/core/model';
import { createWorkflow } from '../../lambdas/core/start';
import { InMemoryExecutionQueries } from '../fakes/in-memory-execution-queries';
import { InMemoryExecutionStore } from '../fakes/in-memory-execution-store';
import { motoClients, useMoto } from '../support/moto';
import { describeExecutionQueriesContract } from './execution-queries.contract';

const moto = useMoto();
let client: DynamoDBClient;
let tables = 0;

beforeEach(() => {
  client ??= motoClients(moto.endpoint).dynamodb;
});
afterAll(() => client?.destroy());

/** A fresh table per test: moto copies a whole table per transaction, so small tables stay fast. */
const freshTable = async () => {
  const tableName = `queries-${process.pid}-${++tables}`;
  await ensureTable(client, executionTableDefinition(tableName));
  return {
    tableName,
    store: new DynamoExecutionStore({ client, tableName }),
    queries: new DynamoExecutionQueries({ client, tableName }),
  };
};

describeExecutionQueriesContract('DynamoExecutionQueries on moto', freshTable);

describeExecutionQueriesContract('InMemoryExecutionQueries', async () => {
  const store = new InMemoryExecutionStore();
  return { store, queries: new InMemoryExecutionQueries(store) };
});

describe('the search keys on #HEAD', () => {
  const definition: WorkflowDef = {
    name: 'keyed',
    version: 3,
    tasks: [{ name: 'work', taskReferenceName: 'work', type: 'SIMPLE' }],
  };
  const T0 = Date.UTC(2026, 10, 24, 9);

  const head = async (tableName: string, workflowId: string) =>
    (
      await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: `WF#${workflowId}` }, sk: { S: '#HEAD' } },
          ConsistentRead: true,
        }),
      )
    ).Item!;

  it('derives every search key from the workflow, and moves the status keys with a commit', async () => {
    const { tableName, store } = await freshTable();
    const workflow = createWorkflow(
      definition,
      { name: 'keyed', input: {}, correlationId: 'c-9' },
      { workflowId: 'wf-k', now: T0 },
    );
    await store.create({ workflow, definition });
    const created = await head(tableName, 'wf-k');
    const shard = created.statusKey!.S!.split('#')[1];
    expect(created).toMatchObject({
      typeKey: { S: `keyed#RUNNING#${shard}` },
      statusKey: { S: `RUNNING#${shard}` },
      startKey: { S: `${String(T0).padStart(13, '0')}#wf-k` },
      workflowVersion: { N: '3' },
      correlationKey: { S: 'c-9' },
    });
    await store.commit({
      workflowId: 'wf-k',
      expectedVersion: 0,
      workflow: { ...workflow, status: 'TERMINATED', endTime: T0 + 1 },
      tasks: [],
      removedTaskIds: [],
    });
    const ended = await head(tableName, 'wf-k');
    expect(ended).toMatchObject({
      typeKey: { S: `keyed#TERMINATED#${shard}` },
      statusKey: { S: `TERMINATED#${shard}` },
      startKey: created.startKey,
      correlationKey: { S: 'c-9' },
    });
  });

  it('leaves a correlation id too long for a key out of the index, and the start still succeeds', async () => {
    const { tableName, store, queries } = await freshTable();
    const long = 'c'.repeat(3_000);
    const workflow = createWorkflow(
      definition,
      { name: 'keyed', input: {}, correlationId: long },
      { workflowId: 'wf-long', now: T0 },
    );
    expect(await store.create({ workflow, definition })).toBe('created');
    expect((await head(tableName, 'wf-long')).correlationKey).toBeUndefined();
    expect(await queries.correlatedWorkflows('keyed', long, true)).toEqual([]);
    expect(
      (await queries.searchWorkflows({ workflowTypes: ['keyed'] }, { start: 0, size: 5 }, 'ASC')).results,
    ).toHaveLength(1);
  });
});
