/**
 * DynamoTaskLogStore and DynamoPollDataStore against moto, in the executions table beside real
 * executions: their items stay out of the workflow's partition and out of both indexes, and the
 * poll data is written at most once per interval per worker. Fails, never skips, without moto.
 */
import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureTable } from '../../lambdas/adapters/dynamodb/ensure-table';
import { DynamoExecutionStore } from '../../lambdas/adapters/dynamodb/execution-store';
import { executionTableDefinition } from '../../lambdas/adapters/dynamodb/execution-table';
import {
  DynamoPollDataStore,
  POLL_WRITE_INTERVAL_MS,
  pollPk,
} from '../../lambdas/adapters/dynamodb/poll-data-store';
import { DynamoTaskLogStore, logPk } from '../../lambdas/adapters/dynamodb/task-log-store';
import { decide } from '../../lambdas/core/decide';
import type { WorkflowDef } from '../../lambdas/core/model';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import { createWorkflow } from '../../lambdas/core/start';
import type { TaskExecLog } from '../../lambdas/ports';
import { uniqueName } from '../support/aws-endpoint';
import { motoClients, useMoto } from '../support/moto';

const moto = useMoto();
let client: DynamoDBClient;
let tables = 0;

beforeEach(() => {
  client ??= motoClients(moto.endpoint).dynamodb;
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(() => client?.destroy());

const T0 = Date.UTC(2026, 10, 24, 9);

const freshTable = async (): Promise<string> => {
  const tableName = uniqueName(`executions-admin-${++tables}`);
  await ensureTable(client, executionTableDefinition(tableName));
  return tableName;
};

const partition = async (tableName: string, pk: string) =>
  (
    await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
      }),
    )
  ).Items ?? [];

const collect = async (lines: AsyncIterable<TaskExecLog>): Promise<TaskExecLog[]> => {
  const all: TaskExecLog[] = [];
  for await (const line of lines) all.push(line);
  return all;
};

const oneTaskDef: WorkflowDef = {
  name: 'logged',
  version: 1,
  tasks: [{ name: 'work', taskReferenceName: 'work', type: 'SIMPLE' }],
};

/** A started, decided execution with one SCHEDULED worker task (in the pollable index). */
const startExecution = async (store: DynamoExecutionStore, workflowId: string) => {
  const workflow = createWorkflow(oneTaskDef, { name: 'logged', input: {} }, { workflowId, now: T0 });
  await store.create({ workflow, definition: oneTaskDef });
  const stored = (await store.load(workflowId))!;
  const result = decide(
    { workflow: stored.workflow, definition: stored.definition },
    { now: T0, taskDefs: () => undefined, scripts: await loadScriptRuntime() },
  );
  await store.commit({
    workflowId,
    expectedVersion: stored.version,
    workflow: result.next,
    tasks: result.changedTasks.map((task) => ({ task })),
    removedTaskIds: [],
  });
};

describe('DynamoTaskLogStore on moto', () => {
  it('keeps log lines out of the workflow’s partition and out of both indexes', async () => {
    const tableName = await freshTable();
    const executions = new DynamoExecutionStore({ client, tableName });
    const logs = new DynamoTaskLogStore({ client, tableName });
    await startExecution(executions, 'wf-logs');
    const before = await partition(tableName, 'WF#wf-logs');
    const taskId = 'wf-logs:work:0:0';
    const lines = Array.from({ length: 40 }, (_, i) => ({ taskId, log: `line ${i}`, createdTime: T0 + i }));
    await logs.appendTaskLogs('wf-logs', lines);

    expect((await partition(tableName, 'WF#wf-logs')).map((item) => item.sk?.S)).toEqual(
      before.map((item) => item.sk?.S),
    );
    const logItems = await partition(tableName, logPk('wf-logs'));
    expect(logItems).toHaveLength(40);
    for (const item of logItems) {
      expect(Object.keys(item).sort()).toEqual(['createdTime', 'log', 'pk', 'sk', 'taskId']);
    }
    const loaded = (await executions.load('wf-logs'))!;
    expect(loaded.workflow.tasks.map((task) => task.taskId)).toEqual([taskId]);
    expect(await executions.claimTasks('work', 5, 'worker', T0 + 1)).toHaveLength(1);
  });

  it('answers one task’s lines newest first across pages, keeping the order of lines of one millisecond', async () => {
    const tableName = await freshTable();
    const logs = new DynamoTaskLogStore({ client, tableName });
    const taskId = 'wf-1:work:0:0';
    // More than one BatchWriteItem (25) and more than one page of reading (100).
    const sameInstant = Array.from({ length: 60 }, (_, i) => ({ taskId, log: `same ${i}`, createdTime: T0 }));
    const later = Array.from({ length: 150 }, (_, i) => ({
      taskId,
      log: `later ${i}`,
      createdTime: T0 + 1 + i,
    }));
    await logs.appendTaskLogs('wf-1', sameInstant);
    await logs.appendTaskLogs('wf-1', later);

    const read = await collect(logs.newestTaskLogs('wf-1', taskId));
    expect(read).toHaveLength(210);
    expect(read.map((line) => line.log).reverse()).toEqual(
      [...sameInstant, ...later].map((line) => line.log),
    );
    expect(read[0]).toEqual({ taskId, log: 'later 149', createdTime: T0 + 150 });
  });

  it('answers only the task asked for, even when another task’s key range starts with its own', async () => {
    const tableName = await freshTable();
    const logs = new DynamoTaskLogStore({ client, tableName });
    // A reference holding "#" puts wf-2:a:0:0#b:0:0's lines inside the range of wf-2:a:0:0.
    await logs.appendTaskLogs('wf-2', [
      { taskId: 'wf-2:a:0:0', log: 'mine', createdTime: T0 },
      { taskId: 'wf-2:a:0:0#b:0:0', log: 'not mine', createdTime: T0 + 1 },
      { taskId: 'wf-2:a:0:1', log: 'the retry', createdTime: T0 + 2 },
    ]);
    expect((await collect(logs.newestTaskLogs('wf-2', 'wf-2:a:0:0'))).map((line) => line.log)).toEqual([
      'mine',
    ]);
    expect(await collect(logs.newestTaskLogs('wf-2', 'wf-2:none:0:0'))).toEqual([]);
    expect(await collect(logs.newestTaskLogs('wf-3', 'wf-2:a:0:0'))).toEqual([]);
  });

  it('removes every line of a workflow, over several batches, and no other workflow’s', async () => {
    const tableName = await freshTable();
    const logs = new DynamoTaskLogStore({ client, tableName });
    const lines = (workflowId: string, count: number) =>
      Array.from({ length: count }, (_, index) => ({
        taskId: `${workflowId}:t${index % 3}:0:0`,
        log: `line ${index}`,
        createdTime: T0 + index,
      }));
    await logs.appendTaskLogs('wf-gone', lines('wf-gone', 60));
    await logs.appendTaskLogs('wf-kept', lines('wf-kept', 2));
    await logs.removeTaskLogs('wf-gone');
    for (const task of ['t0', 't1', 't2']) {
      expect(await collect(logs.newestTaskLogs('wf-gone', `wf-gone:${task}:0:0`))).toEqual([]);
    }
    expect(await collect(logs.newestTaskLogs('wf-kept', 'wf-kept:t0:0:0'))).toHaveLength(1);
    await logs.removeTaskLogs('wf-none');
  });
});

describe('DynamoPollDataStore on moto', () => {
  const putsOf = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls.filter(([command]) => command instanceof PutItemCommand).length;

  it('records the last poll per task type and worker, as Conductor’s PollData', async () => {
    const tableName = await freshTable();
    const polls = new DynamoPollDataStore({ client, tableName });
    await polls.recordPoll({ queueName: 'work', workerId: 'a', domain: 'eu', lastPollTime: T0 });
    await polls.recordPoll({ queueName: 'work', workerId: 'b', lastPollTime: T0 + 5 });
    await polls.recordPoll({ queueName: 'work', lastPollTime: T0 + 6 });
    await polls.recordPoll({ queueName: 'other', workerId: 'a', lastPollTime: T0 + 7 });
    const listed = await polls.listPollData('work');
    expect(listed.sort((x, y) => x.lastPollTime - y.lastPollTime)).toEqual([
      { queueName: 'work', workerId: 'a', domain: 'eu', lastPollTime: T0 },
      { queueName: 'work', workerId: 'b', lastPollTime: T0 + 5 },
      { queueName: 'work', lastPollTime: T0 + 6 },
    ]);
    expect(await polls.listPollData('never')).toEqual([]);
    for (const item of await partition(tableName, pollPk('work'))) {
      expect(item.queueKey).toBeUndefined();
      expect(item.rcShard).toBeUndefined();
    }
  });

  it(`writes one worker’s entry at most once per ${POLL_WRITE_INTERVAL_MS / 1000} s per process`, async () => {
    const tableName = await freshTable();
    const polls = new DynamoPollDataStore({ client, tableName });
    const sends = vi.spyOn(client, 'send');
    await Promise.all([
      polls.recordPoll({ queueName: 'work', workerId: 'a', lastPollTime: T0 }),
      polls.recordPoll({ queueName: 'work', workerId: 'a', lastPollTime: T0 }),
    ]);
    await polls.recordPoll({
      queueName: 'work',
      workerId: 'a',
      lastPollTime: T0 + POLL_WRITE_INTERVAL_MS - 1,
    });
    expect(putsOf(sends)).toBe(1);
    await polls.recordPoll({ queueName: 'work', workerId: 'b', lastPollTime: T0 + 1 });
    expect(putsOf(sends)).toBe(2);
    await polls.recordPoll({ queueName: 'work', workerId: 'a', lastPollTime: T0 + POLL_WRITE_INTERVAL_MS });
    expect(putsOf(sends)).toBe(3);
    const a = (await polls.listPollData('work')).find((poll) => poll.workerId === 'a');
    expect(a?.lastPollTime).toBe(T0 + POLL_WRITE_INTERVAL_MS);
  });

  it('tries again on the next poll when a write failed', async () => {
    const tableName = await freshTable();
    const polls = new DynamoPollDataStore({ client, tableName });
    vi.spyOn(client, 'send').mockRejectedValueOnce(new Error('throttled') as never);
    await expect(polls.recordPoll({ queueName: 'work', workerId: 'a', lastPollTime: T0 })).rejects.toThrow(
      'throttled',
    );
    vi.restoreAllMocks();
    await polls.recordPoll({ queueName: 'work', workerId: 'a', lastPollTime: T0 + 1 });
    expect(await polls.listPollData('work')).toEqual([
      { queueName: 'work', workerId: 'a', lastPollTime: T0 + 1 },
    ]);
  });
});
