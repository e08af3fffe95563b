import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoExecutionStore } from '../../lambdas/adapters/dynamodb/execution-store';
import type { Task, Workflow, WorkflowDef } from '../../lambdas/core/model';
import type { DecideCommit } from '../../lambdas/ports';
import { type BatonApi, sleep, useLocalRuntime } from '../support/local-runtime-api';

/**
 * Operations racing the engine over the whole path (HTTP API → store on moto → decide queue →
 * decide handler), with the reconcile off: a pause while a fork's branches complete, a terminate
 * while a decide is between its read and its commit, a retry while the failed task's late result
 * arrives. Each must end in a legal state with no task attempt created or handed out twice.
 */
const baton = useLocalRuntime({ prefix: `operations-race-${process.pid}` });

const WIDTH = 10;
const branchRefs = Array.from({ length: WIDTH }, (_, index) => `branch_${index}`);

const forkDef: WorkflowDef = {
  name: 'race_fork',
  version: 1,
  schemaVersion: 2,
  ownerEmail: 'team@example.com',
  tasks: [
    {
      name: 'fork',
      taskReferenceName: 'fork',
      type: 'FORK_JOIN',
      forkTasks: branchRefs.map((ref) => [{ name: 'race_branch', taskReferenceName: ref, type: 'SIMPLE' }]),
    },
    { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: branchRefs },
    { name: 'race_finish', taskReferenceName: 'finish', type: 'SIMPLE' },
  ],
} as WorkflowDef;

const slowDef: WorkflowDef = {
  name: 'race_slow',
  version: 1,
  schemaVersion: 2,
  ownerEmail: 'team@example.com',
  tasks: [{ name: 'race_slow_task', taskReferenceName: 'slow', type: 'SIMPLE' }],
} as WorkflowDef;

let registered: Promise<void> | undefined;
const register = (api: BatonApi) => {
  registered ??= (async () => {
    const taskDef = (name: string, responseTimeoutSeconds: number) => ({
      name,
      retryCount: 0,
      responseTimeoutSeconds,
      ownerEmail: 'team@example.com',
    });
    await api.registerTaskDefs([
      taskDef('race_branch', 300),
      taskDef('race_finish', 300),
      taskDef('race_slow_task', 1),
    ]);
    await api.registerWorkflow(forkDef);
    await api.registerWorkflow(slowDef);
  })();
  return registered;
};

/** An operation endpoint; answers the status, throwing on anything but 2xx. */
const operate = async (api: BatonApi, method: string, path: string): Promise<number> => {
  const response = await fetch(`${api.baseUrl}${path}`, { method });
  if (!response.ok)
    throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response.status;
};

const waitForWorkflow = async (
  api: BatonApi,
  workflowId: string,
  done: (workflow: Workflow) => boolean,
  timeoutMs = 15_000,
): Promise<Workflow> => {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const workflow = await api.getWorkflow(workflowId);
    if (done(workflow)) return workflow;
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting on ${workflowId}: ${describe_(workflow)}`);
    await sleep(50);
  }
};

const describe_ = (workflow: Workflow) =>
  JSON.stringify({
    status: workflow.status,
    tasks: workflow.tasks.map(({ referenceTaskName, retryCount, status, executed, heldByPause }) => ({
      referenceTaskName,
      retryCount,
      status,
      executed,
      heldByPause,
    })),
  });

/** Tasks handed out to workers, by id: a second hand-out of one task is recorded as a duplicate. */
class Handouts {
  readonly seen = new Set<string>();
  readonly duplicates: string[] = [];

  async poll(api: BatonApi, taskType: string, count: number, workflowId: string, timeoutMs = 10_000) {
    const giveUpAt = Date.now() + timeoutMs;
    const found: Task[] = [];
    while (found.length < count && Date.now() < giveUpAt) {
      for (const task of await api.poll(taskType, count - found.length, 'race-worker')) {
        expect(task.workflowInstanceId).toBe(workflowId);
        if (this.seen.has(task.taskId)) this.duplicates.push(task.taskId);
        this.seen.add(task.taskId);
        found.push(task);
      }
      if (found.length < count) await sleep(20);
    }
    return found;
  }
}

/** S1: one task per (reference, iteration, attempt). */
const expectEachAttemptOnce = (workflow: Workflow) => {
  const keys = workflow.tasks.map((task) => `${task.referenceTaskName}/${task.iteration}/${task.retryCount}`);
  expect(new Set(keys).size, `S1: ${keys.join(', ')}`).toBe(keys.length);
};

const newest = (workflow: Workflow, ref: string) =>
  workflow.tasks.filter((task) => task.referenceTaskName === ref).at(-1);

describe('operations racing the engine, on moto', () => {
  it('pauses while fork branches complete; after the resume the workflow completes and nothing ran twice', async () => {
    const { api } = baton;
    await register(api);
    const handouts = new Handouts();
    const workflowId = await api.startWorkflow(forkDef.name, { case: 'pause' });
    const branches = await handouts.poll(api, 'race_branch', WIDTH, workflowId);
    expect(branches).toHaveLength(WIDTH);

    // Half the results are in; the pause races four more; the last comes once the workflow is
    // paused, so the JOIN cannot have completed before the pause.
    const complete = (task: Task) => api.complete(task, 'race-worker', { branch: task.referenceTaskName });
    for (const task of branches.slice(0, 5)) await complete(task);
    await Promise.all([
      ...branches.slice(5, 9).map(async (task, index) => {
        await sleep(index * 10);
        await complete(task);
      }),
      (async () => {
        await sleep(15);
        expect(await operate(api, 'PUT', `/api/workflow/${workflowId}/pause`)).toBe(200);
      })(),
    ]);
    await complete(branches[9]!);

    // Every result is recorded, either acted on before the pause or held for the resume.
    const paused = await waitForWorkflow(api, workflowId, (workflow) =>
      branchRefs.every((ref) => {
        const task = newest(workflow, ref);
        return task?.status === 'COMPLETED' && (task.executed || task.heldByPause === true);
      }),
    );
    expect(paused.status).toBe('PAUSED');
    expect(newest(paused, 'join')?.status).toBe('IN_PROGRESS');
    expect(newest(paused, 'finish')).toBeUndefined();
    expect(paused.tasks.filter((task) => task.heldByPause).length).toBeGreaterThan(0);
    // Held results stay held: nothing moves while paused.
    await sleep(500);
    const stillPaused = await api.getWorkflow(workflowId);
    expect(stillPaused.status).toBe('PAUSED');
    expect(newest(stillPaused, 'join')?.status).toBe(newest(paused, 'join')?.status);

    expect(await operate(api, 'PUT', `/api/workflow/${workflowId}/resume`)).toBe(200);
    const [finish] = await handouts.poll(api, 'race_finish', 1, workflowId);
    expect(finish, describe_(await api.getWorkflow(workflowId))).toBeDefined();
    await api.complete(finish!, 'race-worker', { done: true });
    const done = await waitForWorkflow(api, workflowId, (workflow) => workflow.status !== 'RUNNING');
    expect(done.status, describe_(done)).toBe('COMPLETED');
    expect(newest(done, 'join')?.outputData).toEqual(
      Object.fromEntries(branchRefs.map((ref) => [ref, { branch: ref }])),
    );
    expectEachAttemptOnce(done);
    expect(handouts.duplicates).toEqual([]);
    expect(await api.poll('race_finish', 5, 'race-worker')).toEqual([]);
  });

  it('terminates while a decide is between its read and its commit: TERMINATED, every task ended, nothing after', async () => {
    const { api, runtime } = baton;
    await register(api);
    const handouts = new Handouts();
    const workflowId = await api.startWorkflow(forkDef.name, { case: 'terminate' });
    const [first, ...others] = await handouts.poll(api, 'race_branch', WIDTH, workflowId);

    // The decide of the first result reads, then waits before its commit; the terminate runs then.
    const store = runtime.deps.store;
    const commit = store.commit.bind(store);
    let readAndWaiting!: () => void;
    const decideWaiting = new Promise<void>((resolve) => {
      readAndWaiting = resolve;
    });
    let held = false;
    store.commit = async (request: DecideCommit) => {
      if (!held && request.workflowId === workflowId && request.workflow.status === 'RUNNING') {
        held = true;
        readAndWaiting();
        await sleep(400);
      }
      return commit(request);
    };
    try {
      const completing = api.complete(first!, 'race-worker', { branch: first!.referenceTaskName });
      await decideWaiting;
      expect(await operate(api, 'DELETE', `/api/workflow/${workflowId}?reason=race`)).toBe(200);
      await completing;
    } finally {
      store.commit = commit;
    }
    // Results of the other branches arrive after the end and change nothing.
    await Promise.all(others.map((task) => api.complete(task, 'race-worker', { late: true })));

    const ended = await waitForWorkflow(api, workflowId, (workflow) =>
      workflow.tasks.every((task) => ['COMPLETED', 'CANCELED'].includes(task.status)),
    );
    expect(ended).toMatchObject({ status: 'TERMINATED', reasonForIncompletion: 'race' });
    expect(newest(ended, 'join')?.status).toBe('CANCELED');
    expect(newest(ended, 'finish')).toBeUndefined();
    for (const task of others) expect(newest(ended, task.referenceTaskName)?.status).toBe('CANCELED');
    expectEachAttemptOnce(ended);
    expect(handouts.duplicates).toEqual([]);
    expect(await api.poll('race_branch', WIDTH, 'race-worker')).toEqual([]);
  });

  it('retries while the timed-out task’s late result arrives: the late result is ignored, the new attempt runs once', async () => {
    const { api } = baton;
    await register(api);
    const handouts = new Handouts();
    const workflowId = await api.startWorkflow(slowDef.name, { case: 'retry' });
    const [slow] = await handouts.poll(api, 'race_slow_task', 1, workflowId);
    // The worker stays silent past its 1 s response timeout; a decide times the task out.
    await sleep(1_200);
    expect(await operate(api, 'PUT', `/api/workflow/decide/${workflowId}`)).toBe(200);
    const timedOut = await waitForWorkflow(api, workflowId, (workflow) => workflow.status === 'TIMED_OUT');
    expect(newest(timedOut, 'slow')?.status).toBe('TIMED_OUT');

    const [retried] = await Promise.all([
      operate(api, 'POST', `/api/workflow/${workflowId}/retry`),
      api.complete(slow!, 'race-worker', { late: true }),
    ]);
    expect(retried).toBe(204);
    const running = await api.getWorkflow(workflowId);
    expect(running.status).toBe('RUNNING');
    expect(running.tasks.map((task) => [task.retryCount, task.status, task.outputData])).toEqual([
      [0, 'TIMED_OUT', {}],
      [1, 'SCHEDULED', {}],
    ]);

    const [again] = await handouts.poll(api, 'race_slow_task', 1, workflowId);
    expect(again?.retryCount).toBe(1);
    await api.complete(again!, 'race-worker', { on: 'time' });
    const done = await waitForWorkflow(api, workflowId, (workflow) => workflow.status !== 'RUNNING');
    expect(done.status, describe_(done)).toBe('COMPLETED');
    expect(done.output).toEqual({ on: 'time' });
    expectEachAttemptOnce(done);
    expect(handouts.duplicates).toEqual([]);
  });

  it('a restart on the latest definition reaches a process that remembered the old one', async () => {
    const { api, runtime } = baton;
    await register(api);
    const definition = { ...slowDef, name: 'race_versions' } as WorkflowDef;
    await api.registerWorkflow(definition);
    const workflowId = await api.startWorkflow(definition.name, {});
    // Another process (a decide Lambda elsewhere) reads the execution and remembers its definition.
    const { client, tableName } = (
      runtime.deps.store as unknown as { context: { client: DynamoDBClient; tableName: string } }
    ).context;
    const elsewhere = new DynamoExecutionStore({ client, tableName });
    expect((await elsewhere.load(workflowId))?.definition.version).toBe(1);

    expect(await operate(api, 'DELETE', `/api/workflow/${workflowId}`)).toBe(200);
    await api.registerWorkflow({
      ...definition,
      version: 2,
      tasks: [{ name: 'race_branch', taskReferenceName: 'replacement', type: 'SIMPLE' }],
    } as WorkflowDef);
    expect(await operate(api, 'POST', `/api/workflow/${workflowId}/restart?useLatestDefinitions=true`)).toBe(
      204,
    );
    const restarted = await waitForWorkflow(api, workflowId, (workflow) => workflow.tasks.length > 0);
    expect(restarted.tasks.map((task) => task.referenceTaskName)).toEqual(['replacement']);
    const seenElsewhere = (await elsewhere.load(workflowId))!;
    expect(seenElsewhere.definition.version).toBe(2);
    expect(seenElsewhere.workflow.tasks.map((task) => task.referenceTaskName)).toEqual(['replacement']);
  });
});
