import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { sweepExpired } from '../../infra/local/local-ttl';
import { batonResources } from '../../infra/resources';
import type { Task, Workflow, WorkflowDef } from '../../lambdas/core/model';
import { createExpiryHandler } from '../../lambdas/handlers/expire';
import { DEFAULT_FINISHED_RETENTION_DAYS } from '../../lambdas/shared/retention';
import { createExpiryDeps } from '../../lambdas/shared/wiring';
import { type BatonApi, sleep, useLocalRuntime } from '../support/local-runtime-api';

/**
 * Retention over the whole path on moto: a workflow that ended carries its expiry, and once that
 * has passed, TTL's deletion of its head (played by the local runtime's TTL, as DynamoDB would)
 * makes the expiry handler remove the rest: tasks, body, definition, task logs and idempotency key.
 * Running, paused-for-good and reopened workflows are never touched.
 */
const prefix = `retention-${process.pid}`;
const baton = useLocalRuntime({ prefix });
const resources = batonResources(prefix);
const DAY_MS = 86_400_000;

const definition: WorkflowDef = {
  name: 'retention_flow',
  version: 1,
  schemaVersion: 2,
  ownerEmail: 'team@example.com',
  tasks: [{ name: 'retention_task', taskReferenceName: 'only', type: 'SIMPLE' }],
} as WorkflowDef;

const call = async (api: BatonApi, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
};

const startWithKey = async (api: BatonApi, key: string) => {
  const started = await call(api, 'POST', '/api/workflow', {
    name: definition.name,
    input: {},
    idempotencyKey: key,
    idempotencyStrategy: 'FAIL',
  });
  return started;
};

const pollOne = async (api: BatonApi, workflowId: string): Promise<Task> => {
  const giveUpAt = Date.now() + 10_000;
  for (;;) {
    const workflow = await api.getWorkflow(workflowId);
    const scheduled = workflow.tasks.find((task) => task.status === 'SCHEDULED');
    if (scheduled) {
      const [claimed] = await api.poll('retention_task', 1, 'retention-worker');
      // Another workflow's task may come first; it is simply left unanswered.
      if (claimed?.workflowInstanceId === workflowId) return claimed;
    }
    if (Date.now() > giveUpAt) throw new Error(`no task of ${workflowId} became pollable`);
    await sleep(50);
  }
};

const waitForStatus = async (api: BatonApi, workflowId: string, status: string): Promise<Workflow> => {
  const giveUpAt = Date.now() + 10_000;
  for (;;) {
    const workflow = await api.getWorkflow(workflowId);
    if (workflow.status === status) return workflow;
    if (Date.now() > giveUpAt) throw new Error(`${workflowId} stayed ${workflow.status}, wanted ${status}`);
    await sleep(50);
  }
};

describe('retention of ended executions', () => {
  it('removes an ended execution with everything it owns once its retention passed, and nothing else', async () => {
    const { api, runtime } = baton;
    await api.registerTaskDefs([{ name: 'retention_task', retryCount: 0, ownerEmail: 'team@example.com' }]);
    await api.registerWorkflow(definition);

    // Ended: completed, with a task log and an idempotency key.
    const started = await startWithKey(api, 'order-17');
    expect(started.status).toBe(200);
    const ended = started.text;
    const endedTask = await pollOne(api, ended);
    expect((await call(api, 'POST', `/api/tasks/${endedTask.taskId}/log`, 'charged the card')).status).toBe(
      200,
    );
    await api.complete(endedTask, 'retention-worker', { charged: true });
    const completed = await waitForStatus(api, ended, 'COMPLETED');
    // Running: its task never answered.
    const running = await api.startWorkflow(definition.name);
    await waitForStatus(api, running, 'RUNNING');
    // Reopened: failed, then retried, so it runs again.
    const reopened = await api.startWorkflow(definition.name);
    const failing = await pollOne(api, reopened);
    await api.updateTask({
      workflowInstanceId: reopened,
      taskId: failing.taskId,
      status: 'FAILED_WITH_TERMINAL_ERROR',
      reasonForIncompletion: 'bad card',
      outputData: {},
      workerId: 'retention-worker',
    });
    await waitForStatus(api, reopened, 'FAILED');
    expect((await call(api, 'POST', `/api/workflow/${reopened}/retry`)).status).toBe(204);
    await waitForStatus(api, reopened, 'RUNNING');

    const store = runtime.deps.store;
    expect((await store.load(ended))!.expiresAt).toBe(
      Math.floor(completed.endTime / 1000) + DEFAULT_FINISHED_RETENTION_DAYS * 86_400,
    );
    expect((await store.load(running))!.expiresAt).toBeUndefined();
    expect((await store.load(reopened))!.expiresAt).toBeUndefined();

    const { dynamodb } = runtime.clients;
    const expiry = resources.streams.expiry;
    const sweep = (afterDays: number) =>
      sweepExpired({
        client: dynamodb,
        tableName: resources.tables.state.TableName!,
        attribute: resources.timeToLive.state!,
        consumer: createExpiryHandler(createExpiryDeps(runtime.config, dynamodb)),
        filterPattern: expiry.filterPattern,
        now: () => completed.endTime + afterDays * DAY_MS,
      });
    const partition = async (pk: string) =>
      (
        await dynamodb.send(
          new QueryCommand({
            TableName: resources.tables.state.TableName!,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: pk } },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];

    // A day early, nothing goes.
    expect(await sweep(DEFAULT_FINISHED_RETENTION_DAYS - 1)).toBe(0);
    expect((await call(api, 'GET', `/api/workflow/${ended}`)).status).toBe(200);

    expect(await sweep(DEFAULT_FINISHED_RETENTION_DAYS + 1)).toBe(1);
    const gone = await call(api, 'GET', `/api/workflow/${ended}`);
    expect(gone.status).toBe(404);
    expect(await partition(`WF#${ended}`)).toEqual([]);
    expect(await partition(`LOG#${ended}`)).toEqual([]);
    expect((await call(api, 'GET', `/api/tasks/${endedTask.taskId}`)).status).toBe(404);
    // The key is free again: a FAIL start with it creates a new workflow.
    const again = await startWithKey(api, 'order-17');
    expect(again.status).toBe(200);
    expect(again.text).not.toBe(ended);

    for (const kept of [running, reopened]) {
      const workflow = await api.getWorkflow(kept);
      expect(workflow.status).toBe('RUNNING');
      expect(workflow.tasks.length).toBeGreaterThan(0);
    }
    // Even a century on, a running workflow stays.
    expect(await sweep(36_500)).toBe(0);
  });
});
