import { describe, expect, it } from 'vitest';
import type { Task, Workflow, WorkflowDef } from '../../lambdas/core/model';
import type { DecideCommit, Lease } from '../../lambdas/ports';
import { type BatonApi, countDecideRequests, sleep, useLocalRuntime } from '../support/local-runtime-api';

/**
 * The incident Baton exists to make impossible (docs: reliability.md), as a test over the whole
 * path: HTTP API → store on moto → decide queue → decide handler. A JOIN's last branch completes
 * while another decider holds the workflow's lease; the task after the JOIN must still be
 * scheduled promptly, by the normal path alone: the reconcile is off (an hour apart).
 */
const baton = useLocalRuntime({ prefix: `incident-${process.pid}` });

/** The bound the normal path must meet, from the acknowledgement of the last branch's result. */
const PROMPT_MS = 2_000;
/** How long to keep looking past the bound, so that a late task is measured rather than just missed. */
const LOOK_PAST_MS = 6_000;
const POLL_EVERY_MS = 20;
const OTHER_DECIDER = 'someone-else';
const SHORT_LEASE_MS = 1_500;

const definition: WorkflowDef = {
  name: 'incident_fork_join',
  version: 1,
  schemaVersion: 2,
  ownerEmail: 'team@example.com',
  tasks: [
    {
      name: 'fork',
      taskReferenceName: 'fork',
      type: 'FORK_JOIN',
      forkTasks: [
        [{ name: 'incident_a', taskReferenceName: 'a', type: 'SIMPLE' }],
        [{ name: 'incident_b', taskReferenceName: 'b', type: 'SIMPLE' }],
      ],
    },
    { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: ['a', 'b'] },
    { name: 'incident_after', taskReferenceName: 'after', type: 'SIMPLE' },
  ],
} as WorkflowDef;

let registered: Promise<void> | undefined;
const register = (api: BatonApi) => {
  registered ??= (async () => {
    await api.registerTaskDefs(
      ['incident_a', 'incident_b', 'incident_after'].map((name) => ({
        name,
        retryCount: 0,
        timeoutSeconds: 600,
        responseTimeoutSeconds: 300,
        ownerEmail: 'team@example.com',
      })),
    );
    await api.registerWorkflow(definition);
  })();
  return registered;
};

/** Short polls until a task of `type` for `workflowId` comes back; `at` is when the answer arrived. */
const pollUntil = async (
  api: BatonApi,
  type: string,
  workflowId: string,
  giveUpAt: number,
): Promise<{ task: Task; at: number } | undefined> => {
  for (;;) {
    const tasks = await api.poll(type, 1, 'incident-worker');
    const at = Date.now();
    for (const task of tasks) {
      if (task.workflowInstanceId !== workflowId) {
        throw new Error(`polled ${task.taskId} of another workflow while waiting for ${workflowId}`);
      }
      return { task, at };
    }
    if (at >= giveUpAt) return undefined;
    await sleep(POLL_EVERY_MS);
  }
};

const waitForWorkflow = async (
  api: BatonApi,
  workflowId: string,
  done: (workflow: Workflow) => boolean,
  timeoutMs = 10_000,
): Promise<Workflow> => {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const workflow = await api.getWorkflow(workflowId);
    if (done(workflow) || Date.now() > giveUpAt) return workflow;
    await sleep(50);
  }
};

const taskOf = (workflow: Workflow, ref: string) =>
  workflow.tasks.find((task) => task.referenceTaskName === ref);

/** A one-shot signal a test can wait on, for a bounded time. */
const signal = () => {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  const state = { done: false };
  return {
    get done() {
      return state.done;
    },
    fire: () => {
      state.done = true;
      fire();
    },
    wait: (ms: number) => Promise.race([fired, sleep(ms)]),
  };
};

/** Counts reconcile runs during a test: the local scheduler's reconcile reads the store's findOverdue. */
const watchReconcile = () => {
  const store = baton.runtime.deps.store;
  const original = store.findOverdue.bind(store);
  const watch = {
    runs: 0,
    restore: () => {
      store.findOverdue = original;
    },
  };
  store.findOverdue = (...args) => {
    watch.runs++;
    return original(...args);
  };
  return watch;
};

/**
 * Starts the workflow, claims both branches, completes `a` and waits until a decide has acted on
 * it, so that `b`'s decide is the only one left to run when the other decider takes the lease.
 */
const startWithAFinished = async (api: BatonApi) => {
  await register(api);
  const workflowId = await api.startWorkflow(definition.name, { case: expect.getState().currentTestName });
  const giveUpAt = Date.now() + 10_000;
  const a = await pollUntil(api, 'incident_a', workflowId, giveUpAt);
  const b = await pollUntil(api, 'incident_b', workflowId, giveUpAt);
  if (!a || !b) throw new Error(`branches of ${workflowId} were never scheduled`);
  await api.complete(a.task, 'incident-worker', { branch: 'a' });
  const seen = await waitForWorkflow(api, workflowId, (workflow) => taskOf(workflow, 'a')?.executed === true);
  expect(taskOf(seen, 'a'), 'a decide acted on a').toMatchObject({ status: 'COMPLETED', executed: true });
  expect(taskOf(seen, 'join')?.status).toBe('IN_PROGRESS');
  return { workflowId, b: b.task };
};

/** `after` must come out of a poll; then the workflow runs to COMPLETED with the JOIN's output whole. */
const finishAndCheck = async (api: BatonApi, workflowId: string, after: Task) => {
  await api.complete(after, 'incident-worker', { done: true });
  const workflow = await waitForWorkflow(api, workflowId, (found) => found.status !== 'RUNNING');
  expect(workflow.status, JSON.stringify(workflow)).toBe('COMPLETED');
  expect(taskOf(workflow, 'join')?.outputData).toEqual({ a: { branch: 'a' }, b: { branch: 'b' } });
  const keys = workflow.tasks.map((task) => `${task.referenceTaskName}/${task.iteration}/${task.retryCount}`);
  expect(new Set(keys).size, `S1: ${keys.join(', ')}`).toBe(keys.length);
  return workflow;
};

/** The workflow as it stands, for the failure message of a late or missing `after`. */
const describeWorkflow = async (api: BatonApi, workflowId: string) => {
  const workflow = await api.getWorkflow(workflowId);
  const head = await baton.runtime.deps.store.load(workflowId);
  return JSON.stringify({
    status: workflow.status,
    version: head?.version,
    epoch: head?.epoch,
    lease: head?.lease,
    tasks: workflow.tasks.map(({ referenceTaskName, status, executed, taskId }) => ({
      referenceTaskName,
      status,
      executed,
      taskId,
    })),
  });
};

describe('the incident: a JOIN’s last branch completes while another decider holds the lease', () => {
  it('schedules the task after the JOIN within 2 s of the acknowledgement, with the reconcile off', async () => {
    const { api, runtime } = baton;
    const reconcile = watchReconcile();
    try {
      const { workflowId, b } = await startWithAFinished(api);

      // Another decide is running on this workflow and holds its lease, briefly.
      const held = await runtime.deps.store.acquireLease(
        workflowId,
        OTHER_DECIDER,
        Date.now(),
        SHORT_LEASE_MS,
      );
      expect(held.kind).toBe('acquired');
      const { expiresAt } = (held as { lease: Lease }).lease;

      await api.complete(b, 'incident-worker', { branch: 'b' });
      const ackAt = Date.now();
      expect(ackAt, 'b was acknowledged while the other decider held the lease').toBeLessThan(expiresAt);

      const after = await pollUntil(api, 'incident_after', workflowId, ackAt + PROMPT_MS + LOOK_PAST_MS);
      const latency = after ? after.at - ackAt : Number.POSITIVE_INFINITY;
      console.log(
        `[incident] lease held ${SHORT_LEASE_MS} ms by another decider: 'after' pollable ${latency} ms after b's ack ` +
          `(the lease had ${expiresAt - ackAt} ms left at the ack)`,
      );
      const state = after ? '' : await describeWorkflow(api, workflowId);
      expect(after, `'after' never became pollable: ${state}`).toBeDefined();
      expect(latency, await describeWorkflow(api, workflowId)).toBeLessThanOrEqual(PROMPT_MS);

      await finishAndCheck(api, workflowId, after!.task);
      expect(reconcile.runs, 'the reconcile must not have run').toBe(0);
    } finally {
      reconcile.restore();
    }
  }, 30_000);

  it('schedules it within 2 s of the other decider letting go, when that decider renews its lease for ~1 s', async () => {
    const { api, runtime } = baton;
    const { store } = runtime.deps;
    const reconcile = watchReconcile();
    try {
      const { workflowId, b } = await startWithAFinished(api);

      const takenAt = Date.now();
      const first = await store.acquireLease(workflowId, OTHER_DECIDER, takenAt, SHORT_LEASE_MS);
      expect(first.kind).toBe('acquired');
      let lease = (first as { lease: Lease }).lease;

      await api.complete(b, 'incident-worker', { branch: 'b' });
      const ackAt = Date.now();

      /**
       * A long decide: renews its lease every 200 ms for about a second, then ends the way
       * decideWorkflow ends when it holds a lease: a commit under that lease, which releases it
       * (retried after a fresh load when a lease-less decide committed in between).
       */
      const otherDecider = async (): Promise<{
        letGoAt: number;
        renewals: number;
        releaseAttempts: number;
      }> => {
        let renewals = 0;
        while (Date.now() - takenAt < 1_000) {
          await sleep(200);
          const renewed = await store.acquireLease(workflowId, OTHER_DECIDER, Date.now(), SHORT_LEASE_MS);
          if (renewed.kind !== 'acquired')
            throw new Error(`the other decider lost its lease: ${renewed.kind}`);
          lease = renewed.lease;
          renewals++;
        }
        for (let attempt = 1; attempt <= 5; attempt++) {
          const stored = await store.load(workflowId);
          if (!stored) throw new Error(`${workflowId} vanished`);
          const outcome = await store.commit({
            workflowId,
            expectedVersion: stored.version,
            lease,
            workflow: stored.workflow,
            tasks: [],
            removedTaskIds: [],
          });
          if (outcome.kind === 'committed')
            return { letGoAt: Date.now(), renewals, releaseAttempts: attempt };
        }
        throw new Error('the other decider could not release its lease');
      };

      const [holder, after] = await Promise.all([
        otherDecider(),
        pollUntil(api, 'incident_after', workflowId, ackAt + 1_000 + PROMPT_MS + LOOK_PAST_MS),
      ]);
      const fromAck = after ? after.at - ackAt : Number.POSITIVE_INFINITY;
      const fromLetGo = after ? after.at - holder.letGoAt : Number.POSITIVE_INFINITY;
      console.log(
        `[incident] lease renewed ${holder.renewals}× over ${holder.letGoAt - takenAt} ms, released on commit attempt ` +
          `${holder.releaseAttempts}: 'after' pollable ${fromAck} ms after b's ack, ${fromLetGo} ms after the let-go ` +
          `(negative: while the lease was still held)`,
      );
      const state = after ? '' : await describeWorkflow(api, workflowId);
      expect(after, `'after' never became pollable: ${state}`).toBeDefined();
      expect(fromLetGo, await describeWorkflow(api, workflowId)).toBeLessThanOrEqual(PROMPT_MS);

      await finishAndCheck(api, workflowId, after!.task);
      expect(reconcile.runs, 'the reconcile must not have run').toBe(0);
    } finally {
      reconcile.restore();
    }
  }, 30_000);
  /**
   * The two cases above never reach the lock-miss path: a decide that holds no lease commits on
   * the version alone, so the other decider's lease does not stop it. Here the incident's own
   * mechanism is forced: a's decide and b's decide race (their store calls are held back so that
   * b's loads before a's commits and commits after it), so b's commit conflicts while the other
   * decider holds the lease. b's update decides inline with one attempt and no lease, so the lost
   * race sends its request to the queue. That request must not be lost: `after` must still come,
   * through the queue, with the reconcile off.
   */
  it('does not lose a decide that loses its commit race while another decider holds the lease', async () => {
    const { api, runtime } = baton;
    const { store } = runtime.deps;
    const reconcile = watchReconcile();
    const requests = countDecideRequests(runtime);
    const originalLoad = store.load;
    const originalCommit = store.commit;
    try {
      await register(api);
      const workflowId = await api.startWorkflow(definition.name, { case: 'lock miss' });
      const giveUpAt = Date.now() + 10_000;
      const a = await pollUntil(api, 'incident_a', workflowId, giveUpAt);
      const b = await pollUntil(api, 'incident_b', workflowId, giveUpAt);
      if (!a || !b) throw new Error(`branches of ${workflowId} were never scheduled`);

      const aDecideLoaded = signal();
      const bDecideLoaded = signal();
      const aDecideCommitted = signal();
      const conflicts: string[] = [];
      store.load = async (id) => {
        const stored = await originalLoad.call(store, id);
        if (id === workflowId && stored) {
          const [ta, tb] = [taskOf(stored.workflow, 'a'), taskOf(stored.workflow, 'b')];
          if (ta?.status === 'COMPLETED' && !ta.executed && tb?.status === 'IN_PROGRESS')
            aDecideLoaded.fire();
          if (ta?.status === 'COMPLETED' && !ta.executed && tb?.status === 'COMPLETED') bDecideLoaded.fire();
        }
        return stored;
      };
      store.commit = async (commit: DecideCommit) => {
        const refs = commit.tasks.map(({ task }) => task.referenceTaskName);
        if (commit.workflowId === workflowId && refs.includes('a') && !refs.includes('b')) {
          // a's decide: commit only once b's decide has read the same version.
          await bDecideLoaded.wait(5_000);
          const outcome = await originalCommit.call(store, commit);
          aDecideCommitted.fire();
          return outcome;
        }
        if (commit.workflowId === workflowId && refs.includes('b') && !aDecideCommitted.done) {
          // b's decide: commit only after a's, on the version both read.
          await aDecideCommitted.wait(5_000);
          const outcome = await originalCommit.call(store, commit);
          if (outcome.kind === 'conflict') conflicts.push(outcome.reason);
          return outcome;
        }
        return originalCommit.call(store, commit);
      };

      const held = await store.acquireLease(workflowId, OTHER_DECIDER, Date.now(), SHORT_LEASE_MS);
      expect(held.kind).toBe('acquired');
      // a's update decides inline, and its commit waits for b's decide to load: not awaited here.
      const aAcknowledged = api.complete(a.task, 'incident-worker', { branch: 'a' });
      await aDecideLoaded.wait(5_000);
      expect(aDecideLoaded.done, "a's decide loaded the workflow").toBe(true);
      await api.complete(b.task, 'incident-worker', { branch: 'b' });
      const ackAt = Date.now();
      await aAcknowledged;

      const bound = PROMPT_MS;
      const after = await pollUntil(api, 'incident_after', workflowId, ackAt + bound + LOOK_PAST_MS);
      const latency = after ? after.at - ackAt : Number.POSITIVE_INFINITY;
      console.log(
        `[incident] lock miss (b's commit conflicted: ${conflicts.join('; ') || 'no conflict'}; hand-backs ` +
          `${requests.counts.handBacks}): 'after' pollable ${latency} ms after b's ack`,
      );
      expect(conflicts, "b's decide lost its commit race").toHaveLength(1);
      const state = after ? '' : await describeWorkflow(api, workflowId);
      expect(after, `'after' never became pollable: ${state}`).toBeDefined();
      // The decide handler retries a busy lease in place for ~750 ms before it hands the request
      // back to the queue, so a lock miss costs milliseconds and the 2 s bound holds here too.
      expect(latency, await describeWorkflow(api, workflowId)).toBeLessThanOrEqual(bound);

      store.load = originalLoad;
      store.commit = originalCommit;
      await finishAndCheck(api, workflowId, after!.task);
      expect(reconcile.runs, 'the reconcile must not have run').toBe(0);
    } finally {
      store.load = originalLoad;
      store.commit = originalCommit;
      requests.restore();
      reconcile.restore();
    }
  }, 30_000);
});
