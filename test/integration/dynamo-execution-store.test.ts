/**
 * DynamoExecutionStore against moto: the ExecutionStore contract, plus what only the DynamoDB
 * layout can show (item sizes, index entries, the transaction limit, consumed capacity).
 * Fails, never skips, when moto cannot start: see test/support/moto.ts.
 */
import { type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { judgeCancellation, planCommit } from '../../lambdas/adapters/dynamodb/commit-transaction';
import { ensureTable } from '../../lambdas/adapters/dynamodb/ensure-table';
import { DynamoExecutionStore } from '../../lambdas/adapters/dynamodb/execution-store';
import { executionTableDefinition } from '../../lambdas/adapters/dynamodb/execution-table';
import { decide } from '../../lambdas/core/decide';
import type { WorkflowDef } from '../../lambdas/core/model';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import { createWorkflow } from '../../lambdas/core/start';
import { describeExecutionStoreContract } from '../contract/execution-store.contract';
import { motoClients, useMoto } from '../support/moto';

const moto = useMoto();
let client: DynamoDBClient;
let tables = 0;

beforeEach(() => {
  client ??= motoClients(moto.endpoint).dynamodb;
});
afterAll(() => client?.destroy());

/** A fresh table per store: moto copies a whole table per transaction, so small tables stay fast. */
const freshStore = async (
  options: { shards?: number; finishedRetentionDays?: number } = {},
): Promise<DynamoExecutionStore> => {
  const tableName = `executions-${process.pid}-${++tables}`;
  await ensureTable(client, executionTableDefinition(tableName));
  return new DynamoExecutionStore({ client, tableName, ...options });
};

describeExecutionStoreContract('DynamoExecutionStore on moto', (options) => freshStore(options));

const T0 = Date.UTC(2026, 10, 24, 9);

const forkDef: WorkflowDef = {
  name: 'layout_fork',
  version: 1,
  tasks: [
    {
      name: 'fork',
      taskReferenceName: 'fork',
      type: 'FORK_JOIN',
      forkTasks: [
        [
          {
            name: 'layout_worker',
            taskReferenceName: 'left',
            type: 'SIMPLE',
            inputParameters: { side: 'l' },
          },
        ],
        [
          {
            name: 'layout_worker',
            taskReferenceName: 'right',
            type: 'SIMPLE',
            inputParameters: { side: 'r' },
          },
        ],
      ],
    },
    { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: ['left', 'right'] },
  ],
};

describe('DynamoExecutionStore item layout', () => {
  const startFork = async (store: DynamoExecutionStore, workflowId: string) => {
    const scripts = await loadScriptRuntime();
    const workflow = createWorkflow(forkDef, { name: forkDef.name, input: {} }, { workflowId, now: T0 });
    await store.create({ workflow, definition: forkDef });
    const stored = (await store.load(workflowId))!;
    const result = decide(
      { workflow: stored.workflow, definition: stored.definition },
      { now: T0, taskDefs: () => undefined, scripts },
    );
    const outcome = await store.commit({
      workflowId,
      expectedVersion: stored.version,
      workflow: result.next,
      tasks: result.changedTasks.map((task) => ({ task })),
      removedTaskIds: [],
    });
    expect(outcome.kind).toBe('committed');
  };

  const items = async (tableName: string, workflowId: string) =>
    (
      await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `WF#${workflowId}` } },
        }),
      )
    ).Items ?? [];

  it('keeps one partition per workflow: head, body, definition and one item per task', async () => {
    const store = await freshStore();
    await startFork(store, 'wf-layout');
    const tableName = (store as unknown as { context: { tableName: string } }).context.tableName;
    const found = await items(tableName, 'wf-layout');
    expect(found.map((item) => item.sk!.S).sort()).toEqual([
      '#BODY',
      '#DEF',
      '#HEAD',
      'T#fork:0:0',
      'T#join:0:0',
      'T#left:0:0',
      'T#right:0:0',
    ]);
    const bySk = Object.fromEntries(found.map((item) => [item.sk!.S!, item]));
    // Decider steps leave their (possibly large) step to the definition; worker steps keep theirs.
    expect(bySk['T#fork:0:0']!.task!.M!.workflowTask).toBeUndefined();
    expect(bySk['T#join:0:0']!.task!.M!.workflowTask).toBeUndefined();
    expect(bySk['T#left:0:0']!.task!.M!.workflowTask).toBeDefined();
    // Worker tasks waiting for a poll are in the pollable index; nothing is pending a decide.
    expect(bySk['T#left:0:0']!.queueSort!.S).toBe(`${String(T0).padStart(13, '0')}#wf-layout:left:0:0`);
    expect(bySk['T#join:0:0']!.queueKey).toBeUndefined();
    expect(found.filter((item) => item.rcShard && item.sk!.S !== '#HEAD')).toEqual([]);
  });

  it('marks a result as decide pending on the task item itself, in the same single write', async () => {
    const store = await freshStore();
    await startFork(store, 'wf-marker');
    const { task, revision } = (await store.getTask('wf-marker', 'wf-marker:left:0:0'))!;
    expect(
      await store.putTask('wf-marker', { ...task, status: 'COMPLETED', updateTime: T0 + 7 }, revision),
    ).toBe('written');
    const tableName = (store as unknown as { context: { tableName: string } }).context.tableName;
    const item = (
      await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: 'WF#wf-marker' }, sk: { S: 'T#left:0:0' } },
        }),
      )
    ).Item!;
    expect(item.rcShard!.S).toMatch(/^T\d+$/);
    expect(item.rcDue!.N).toBe(String(T0 + 7));
    expect(item.queueKey).toBeUndefined();
  });

  it('retires the marker of a result its workflow ended without acting on', async () => {
    const store = await freshStore();
    await startFork(store, 'wf-ended');
    const stored = (await store.load('wf-ended'))!;
    const left = stored.workflow.tasks.find((task) => task.referenceTaskName === 'left')!;
    const outcome = await store.commit({
      workflowId: 'wf-ended',
      expectedVersion: stored.version,
      workflow: { ...stored.workflow, status: 'FAILED', nextDeadline: 0 },
      tasks: [
        {
          task: { ...left, status: 'COMPLETED', executed: false, updateTime: T0 + 1 },
          expectedRevision: stored.taskRevisions.get(left.taskId),
        },
      ],
      removedTaskIds: [],
    });
    expect(outcome.kind).toBe('committed');
    const tableName = (store as unknown as { context: { tableName: string } }).context.tableName;
    const marker = async () =>
      (
        await client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: { pk: { S: 'WF#wf-ended' }, sk: { S: 'T#left:0:0' } },
          }),
        )
      ).Item?.rcShard;
    expect(await marker()).toBeDefined();
    expect(await store.findOverdue(T0 + 3_600_000, 30_000, 10)).toEqual([]);
    expect(await marker()).toBeUndefined();
    expect(store.usage.byOperation['findOverdue.retire']?.calls).toBe(1);
    // The task itself is untouched: only its index attributes went.
    expect((await store.getTask('wf-ended', left.taskId))!.task.status).toBe('COMPLETED');
  });

  it('counts the capacity of every call', async () => {
    const store = await freshStore();
    await startFork(store, 'wf-meter');
    expect(store.usage.calls).toBe(3);
    expect(Object.keys(store.usage.byOperation).sort()).toEqual(['commit', 'create', 'load']);
    expect(store.usage.estimatedWriteUnits).toBeGreaterThan(0);
    expect(store.usage.estimatedReadUnits).toBe(1);
  });
});

describe('reading a canceled commit', () => {
  // moto never cancels for these reasons (it serves one request at a time), so they are checked here.
  const workflow = createWorkflow(
    forkDef,
    { name: forkDef.name, input: {} },
    { workflowId: 'wf-x', now: T0 },
  );
  const plan = planCommit(
    { workflowId: 'wf-x', expectedVersion: 3, workflow, tasks: [], removedTaskIds: ['wf-x:gone:0:0'] },
    { shards: 4, shapeOf: () => undefined },
  );

  it('names the head and the version it found when the version check failed', () => {
    expect(
      judgeCancellation(
        [
          { Code: 'ConditionalCheckFailed', Item: { version: { N: '4' }, epoch: { N: '2' } } },
          { Code: 'None' },
        ],
        plan.actions,
      ),
    ).toEqual({ kind: 'conflict', reason: 'version 4, expected 3' });
  });

  it('treats a concurrent transaction on one of the items as a conflict to retry', () => {
    expect(judgeCancellation([{ Code: 'None' }, { Code: 'TransactionConflict' }], plan.actions)).toEqual({
      kind: 'conflict',
      reason: 'a concurrent transaction was writing task wf-x:gone:0:0',
    });
  });

  it('treats anything else as an error, not a conflict', () => {
    expect(
      judgeCancellation(
        [{ Code: 'ValidationError', Message: 'Item size has exceeded the maximum allowed size' }],
        plan.actions,
      ),
    ).toEqual({ kind: 'error', reason: 'ValidationError: Item size has exceeded the maximum allowed size' });
  });
});
