/**
 * The ExecutionStore contract: what every implementation (the in-memory fake, DynamoDB) must do,
 * checked through the port alone. Each test gets a fresh store from `makeStore`.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../lambdas/core/decide';
import type { DecideResult } from '../../lambdas/core/draft';
import type { Task, Workflow, WorkflowDef } from '../../lambdas/core/model';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import type { ScriptRuntime } from '../../lambdas/core/scripting/script-runtime';
import { createWorkflow } from '../../lambdas/core/start';
import { markPolled } from '../../lambdas/core/task-result';
import type { DecideCommit, ExecutionStore, Lease, StoredExecution } from '../../lambdas/ports';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const LEASE_MS = 30_000;
const GRACE_MS = 30_000;

const worker = (type: string, ref = 'work', extra: Record<string, unknown> = {}) => ({
  name: type,
  taskReferenceName: ref,
  type: 'SIMPLE',
  ...extra,
});

const workerDef = (type: string, extra: Record<string, unknown> = {}): WorkflowDef => ({
  name: `contract_${type}`,
  version: 1,
  tasks: [worker(type, 'work', extra)],
});

const httpDef: WorkflowDef = {
  name: 'contract_http',
  version: 1,
  tasks: [
    {
      name: 'call',
      taskReferenceName: 'call',
      type: 'HTTP',
      inputParameters: { http_request: { uri: 'http://example.invalid/', method: 'GET' } },
    },
  ],
};

const forkDef: WorkflowDef = {
  name: 'contract_fork',
  version: 1,
  tasks: [
    {
      name: 'fork',
      taskReferenceName: 'fork',
      type: 'FORK_JOIN',
      forkTasks: [[worker('contract_left', 'left')], [worker('contract_right', 'right')]],
    },
    { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: ['left', 'right'] },
    { name: 'after', taskReferenceName: 'after', type: 'SET_VARIABLE', inputParameters: { done: true } },
  ],
};

/** Awkward but legal JSON, to check that what is stored comes back unchanged. */
const awkwardOutput = {
  // Beyond 2^53: lib-dynamodb's unmarshaller would throw on these.
  big: 2 ** 70,
  unsafe: Number.MAX_SAFE_INTEGER + 2,
  tiny: 1e-7,
  negative: -0.5,
  text: 'naïve ☃ \u0000 "quoted"',
  empty: '',
  nothing: null,
  list: [1, 'two', null, [], {}, [{ deep: [true, false] }]],
  nested: { a: { b: { c: {} } } },
};

/**
 * Registers the contract tests for one implementation. `makeStore` is called before every test
 * and must return an empty store.
 */
export interface StoreOptions {
  /** Days an ended execution is kept; absent: kept until removed. */
  finishedRetentionDays?: number;
}

export const describeExecutionStoreContract = (
  name: string,
  makeStore: (options?: StoreOptions) => Promise<ExecutionStore>,
): void => {
  describe(`${name} honours the ExecutionStore contract`, () => {
    let scripts: ScriptRuntime;
    let store: ExecutionStore;

    beforeAll(async () => {
      scripts = await loadScriptRuntime();
    });
    beforeEach(async () => {
      store = await makeStore();
    });

    const decideAt = (workflow: Workflow, definition: WorkflowDef, now: number): DecideResult =>
      decide({ workflow, definition }, { now, taskDefs: () => undefined, scripts });

    const newWorkflow = (definition: WorkflowDef, workflowId: string, now = T0): Workflow =>
      createWorkflow(definition, { name: definition.name, input: { order: 7 } }, { workflowId, now });

    /** A started execution: created, then its first decide committed. */
    const start = async (definition: WorkflowDef, workflowId: string, now = T0): Promise<StoredExecution> => {
      expect(await store.create({ workflow: newWorkflow(definition, workflowId, now), definition })).toBe(
        'created',
      );
      const outcome = await decideAndCommit(workflowId, now);
      expect(outcome.kind).toBe('committed');
      return (await store.load(workflowId))!;
    };

    const commitOf = (stored: StoredExecution, result: DecideResult, lease?: Lease): DecideCommit => ({
      workflowId: stored.workflow.workflowId,
      expectedVersion: stored.version,
      lease,
      workflow: result.next,
      tasks: result.changedTasks.map((task) => ({
        task,
        expectedRevision: stored.taskRevisions.get(task.taskId),
      })),
      removedTaskIds: result.removedTaskIds,
    });

    const decideAndCommit = async (workflowId: string, now: number, lease?: Lease) => {
      const stored = (await store.load(workflowId))!;
      return store.commit(commitOf(stored, decideAt(stored.workflow, stored.definition, now), lease));
    };

    const onlyTask = (stored: StoredExecution, ref = 'work'): Task =>
      stored.workflow.tasks.find((task) => task.referenceTaskName === ref)!;

    const revisionOf = (stored: StoredExecution, task: Task): number =>
      stored.taskRevisions.get(task.taskId)!;

    describe('create and load', () => {
      it('creates an execution once and answers "exists" for the same id again', async () => {
        const definition = workerDef('contract_a');
        const workflow = newWorkflow(definition, 'wf-create');
        expect(await store.create({ workflow, definition })).toBe('created');
        expect(await store.create({ workflow: { ...workflow, input: { other: true } }, definition })).toBe(
          'exists',
        );
        const stored = await store.load('wf-create');
        expect(stored).toMatchObject({ version: 0, epoch: 0, lease: undefined, definition });
        expect(stored!.workflow).toEqual(workflow);
      });

      it('loads nothing for an unknown workflow or task', async () => {
        expect(await store.load('wf-unknown')).toBeUndefined();
        expect(await store.getTask('wf-unknown', 'wf-unknown:work:0:0')).toBeUndefined();
      });

      it('loads tasks in seq order, each at revision 1, whatever order they were given in', async () => {
        const definition = workerDef('contract_a');
        const first = decideAt(newWorkflow(definition, 'wf-order'), definition, T0).next;
        const task = first.tasks[0]!;
        const tasks = [3, 1, 2].map((seq) => ({
          ...task,
          taskId: `wf-order:work:0:${seq}`,
          retryCount: seq,
          seq,
        }));
        expect(await store.create({ workflow: { ...first, tasks }, definition })).toBe('created');
        const stored = (await store.load('wf-order'))!;
        expect(stored.workflow.tasks.map((t) => t.seq)).toEqual([1, 2, 3]);
        expect([...stored.taskRevisions.values()]).toEqual([1, 1, 1]);
        expect(await store.getTask('wf-order', 'wf-order:work:0:2')).toEqual({ task: tasks[2], revision: 1 });
      });

      it('gives back exactly what it stored: every task field, container steps, odd JSON', async () => {
        const stored = await start(forkDef, 'wf-roundtrip');
        const fork = stored.workflow.tasks.find((task) => task.referenceTaskName === 'fork')!;
        const left = onlyTask(stored, 'left');
        const odd: Task[] = [
          // A later iteration of a step: its base reference is what the definition knows.
          {
            ...fork,
            taskId: 'wf-roundtrip:fork__2:2:0',
            referenceTaskName: 'fork__2',
            iteration: 2,
            seq: 90,
          },
          // A step that is in no definition (dynamically forked), and a DYNAMIC-style resolved copy.
          {
            ...fork,
            taskId: 'wf-roundtrip:forked:0:0',
            referenceTaskName: 'forked',
            seq: 91,
            workflowTask: { name: 'forked', taskReferenceName: 'forked', type: 'INLINE', expression: '1' },
          },
          {
            ...left,
            taskId: 'wf-roundtrip:left:0:1',
            retryCount: 1,
            seq: 92,
            workflowTask: { ...left.workflowTask, name: 'resolved_name' },
            outputData: awkwardOutput,
          },
        ];
        const next = { ...stored.workflow, variables: { awkward: awkwardOutput } };
        expect(
          await store.commit({
            workflowId: 'wf-roundtrip',
            expectedVersion: stored.version,
            workflow: { ...next, tasks: [...next.tasks, ...odd] },
            tasks: odd.map((task) => ({ task })),
            removedTaskIds: [],
          }),
        ).toMatchObject({ kind: 'committed' });
        const loaded = (await store.load('wf-roundtrip'))!;
        expect(loaded.workflow).toEqual({ ...next, tasks: [...next.tasks, ...odd] });
        for (const task of odd) {
          expect(await store.getTask('wf-roundtrip', task.taskId)).toEqual({ task, revision: 1 });
        }
      });
    });

    describe('putTask', () => {
      it('writes a task against the revision it read and refuses a stale revision', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-put');
        const task = onlyTask(stored);
        const revision = revisionOf(stored, task);
        const done: Task = { ...task, status: 'COMPLETED', outputData: { ok: 1 }, updateTime: T0 + 5 };
        expect(await store.putTask('wf-put', done, revision)).toBe('written');
        expect(await store.getTask('wf-put', task.taskId)).toEqual({ task: done, revision: revision + 1 });
        expect(await store.putTask('wf-put', { ...done, outputData: { late: 1 } }, revision)).toBe(
          'conflict',
        );
        expect((await store.getTask('wf-put', task.taskId))!.task).toEqual(done);
      });

      it('refuses a task that does not exist', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-put-missing');
        const ghost = { ...onlyTask(stored), taskId: 'wf-put-missing:ghost:0:0', referenceTaskName: 'ghost' };
        expect(await store.putTask('wf-put-missing', ghost, 1)).toBe('conflict');
        expect(await store.getTask('wf-put-missing', ghost.taskId)).toBeUndefined();
      });
    });

    describe('acquireLease', () => {
      it('takes a free lease, refuses a held one, and lets it be taken over once expired; the epoch only grows', async () => {
        await start(workerDef('contract_a'), 'wf-lease');
        const a = await store.acquireLease('wf-lease', 'decider-a', T0, LEASE_MS);
        expect(a).toEqual({
          kind: 'acquired',
          lease: { owner: 'decider-a', expiresAt: T0 + LEASE_MS, epoch: 1 },
        });
        expect(await store.acquireLease('wf-lease', 'decider-b', T0 + 1, LEASE_MS)).toEqual({
          kind: 'busy',
          heldUntil: T0 + LEASE_MS,
        });
        // The holder asking again (a retried call) gets it again, under a new epoch.
        const again = await store.acquireLease('wf-lease', 'decider-a', T0 + 2, LEASE_MS);
        expect(again).toEqual({
          kind: 'acquired',
          lease: { owner: 'decider-a', expiresAt: T0 + 2 + LEASE_MS, epoch: 2 },
        });
        const takeover = await store.acquireLease('wf-lease', 'decider-b', T0 + 2 + LEASE_MS, LEASE_MS);
        expect(takeover).toEqual({
          kind: 'acquired',
          lease: { owner: 'decider-b', expiresAt: T0 + 2 + 2 * LEASE_MS, epoch: 3 },
        });
        expect(await store.load('wf-lease')).toMatchObject({
          epoch: 3,
          lease: { owner: 'decider-b', expiresAt: T0 + 2 + 2 * LEASE_MS, epoch: 3 },
        });
      });

      it('says "missing" for an unknown workflow', async () => {
        expect(await store.acquireLease('wf-nobody', 'decider-a', T0, LEASE_MS)).toEqual({ kind: 'missing' });
      });
    });

    describe('commit', () => {
      it('commits against the version and lease it read, releases the lease and bumps the version', async () => {
        const definition = workerDef('contract_a');
        await store.create({ workflow: newWorkflow(definition, 'wf-commit'), definition });
        const taken = await store.acquireLease('wf-commit', 'decider-a', T0, LEASE_MS);
        if (taken.kind !== 'acquired') throw new Error('lease not taken');
        const stored = (await store.load('wf-commit'))!;
        const result = decideAt(stored.workflow, definition, T0);
        expect(await store.commit(commitOf(stored, result, taken.lease))).toEqual({
          kind: 'committed',
          version: 1,
        });
        const loaded = (await store.load('wf-commit'))!;
        expect(loaded).toMatchObject({ version: 1, epoch: 1, lease: undefined });
        expect(loaded.workflow).toEqual(result.next);
        expect([...loaded.taskRevisions.values()]).toEqual([1]);
        // Released: anyone may take it now.
        expect((await store.acquireLease('wf-commit', 'decider-b', T0 + 1, LEASE_MS)).kind).toBe('acquired');
      });

      it('writes changed tasks at the next revision, removes removed ones, and keeps the body current', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-commit-changes');
        const task = onlyTask(stored);
        const extra = { ...task, taskId: 'wf-commit-changes:extra:0:0', referenceTaskName: 'extra', seq: 2 };
        await store.commit({
          workflowId: 'wf-commit-changes',
          expectedVersion: stored.version,
          workflow: { ...stored.workflow, tasks: [task, extra] },
          tasks: [{ task: extra }],
          removedTaskIds: [],
        });
        const withExtra = (await store.load('wf-commit-changes'))!;
        const changed = { ...task, pollCount: 3 };
        const next = {
          ...withExtra.workflow,
          variables: { step: 2 },
          output: { partial: true },
          tasks: [changed],
        };
        expect(
          await store.commit({
            workflowId: 'wf-commit-changes',
            expectedVersion: withExtra.version,
            workflow: next,
            tasks: [{ task: changed, expectedRevision: revisionOf(withExtra, task) }],
            removedTaskIds: [extra.taskId],
          }),
        ).toEqual({ kind: 'committed', version: withExtra.version + 1 });
        const loaded = (await store.load('wf-commit-changes'))!;
        expect(loaded.workflow).toEqual(next);
        expect(loaded.taskRevisions).toEqual(new Map([[task.taskId, revisionOf(withExtra, task) + 1]]));
      });

      it('creates the executions a commit starts with it, due at once, and leaves one that exists as it is', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-commit-starts');
        const failureDef = workerDef('contract_failure');
        const fresh = { ...newWorkflow(failureDef, 'wf-commit-starts.failure'), nextDeadline: T0 };
        const existing = await start(workerDef('contract_a'), 'wf-commit-starts.other');
        const replacement = {
          ...newWorkflow(failureDef, 'wf-commit-starts.other'),
          input: { replaced: true },
        };
        const outcome = await store.commit({
          ...commitOf(stored, { next: stored.workflow, changedTasks: [], removedTaskIds: [] } as never),
          startedWorkflows: [
            { workflow: fresh, definition: failureDef },
            { workflow: replacement, definition: failureDef },
          ],
        });
        expect(outcome).toEqual({ kind: 'committed', version: stored.version + 1 });
        const created = (await store.load('wf-commit-starts.failure'))!;
        expect(created.workflow).toEqual(fresh);
        expect(created.definition).toEqual(failureDef);
        expect(await store.findOverdue(T0, 0, 10)).toContain('wf-commit-starts.failure');
        expect((await store.load('wf-commit-starts.other'))!.workflow).toEqual(existing.workflow);
      });

      it('starts nothing when the commit itself is refused', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-commit-refused-start');
        const failureDef = workerDef('contract_failure');
        const outcome = await store.commit({
          ...commitOf(stored, { next: stored.workflow, changedTasks: [], removedTaskIds: [] } as never),
          expectedVersion: stored.version - 1,
          startedWorkflows: [
            { workflow: newWorkflow(failureDef, 'wf-commit-refused-start.failure'), definition: failureDef },
          ],
        });
        expect(outcome.kind).toBe('conflict');
        expect(await store.load('wf-commit-refused-start.failure')).toBeUndefined();
      });

      it('refuses a stale version and writes nothing', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-stale-version');
        const result = decideAt(stored.workflow, stored.definition, T0 + 1);
        // Someone else commits first.
        expect(
          (await store.commit(commitOf(stored, decideAt(stored.workflow, stored.definition, T0)))).kind,
        ).toBe('committed');
        const before = await store.load('wf-stale-version');
        const extra = {
          ...onlyTask(stored),
          taskId: 'wf-stale-version:x:0:0',
          referenceTaskName: 'x',
          seq: 9,
        };
        const outcome = await store.commit({
          ...commitOf(stored, result),
          workflow: { ...result.next, variables: { lost: true } },
          tasks: [{ task: extra }],
        });
        expect(outcome).toMatchObject({ kind: 'conflict', reason: expect.stringContaining('version') });
        expect(await store.load('wf-stale-version')).toEqual(before);
      });

      it('refuses the commit of a frozen holder whose lease was taken over, and writes nothing', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-frozen');
        const frozen = await store.acquireLease('wf-frozen', 'decider-a', T0, LEASE_MS);
        const successor = await store.acquireLease('wf-frozen', 'decider-b', T0 + LEASE_MS, LEASE_MS);
        if (frozen.kind !== 'acquired' || successor.kind !== 'acquired') throw new Error('leases not taken');
        const before = await store.load('wf-frozen');
        const task = onlyTask(stored);
        const changed = { ...task, status: 'CANCELED' as const };
        const outcome = await store.commit({
          workflowId: 'wf-frozen',
          expectedVersion: stored.version,
          lease: frozen.lease,
          workflow: { ...stored.workflow, status: 'TERMINATED', tasks: [changed] },
          tasks: [{ task: changed, expectedRevision: revisionOf(stored, task) }],
          removedTaskIds: [],
        });
        expect(outcome).toMatchObject({ kind: 'conflict', reason: expect.stringContaining('epoch') });
        expect(await store.load('wf-frozen')).toEqual(before);
        // The successor's commit, against the same version, goes through.
        expect(
          await store.commit({
            workflowId: 'wf-frozen',
            expectedVersion: stored.version,
            lease: successor.lease,
            workflow: stored.workflow,
            tasks: [],
            removedTaskIds: [],
          }),
        ).toEqual({ kind: 'committed', version: stored.version + 1 });
      });

      it('fences a frozen holder by epoch even when its owner name holds the lease again', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-fenced');
        const frozen = await store.acquireLease('wf-fenced', 'decider-a', T0, LEASE_MS);
        // The same decider (a new invocation under the same owner name) takes the lease again.
        const renewed = await store.acquireLease('wf-fenced', 'decider-a', T0 + LEASE_MS, LEASE_MS);
        if (frozen.kind !== 'acquired' || renewed.kind !== 'acquired') throw new Error('leases not taken');
        expect(renewed.lease.epoch).toBeGreaterThan(frozen.lease.epoch);
        const before = await store.load('wf-fenced');
        const outcome = await store.commit({
          workflowId: 'wf-fenced',
          expectedVersion: stored.version,
          lease: frozen.lease,
          workflow: { ...stored.workflow, variables: { lost: true } },
          tasks: [],
          removedTaskIds: [],
        });
        expect(outcome).toMatchObject({ kind: 'conflict', reason: expect.stringContaining('epoch') });
        expect(await store.load('wf-fenced')).toEqual(before);
      });

      it('refuses a stale task revision and writes nothing, not even the other tasks', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-stale-task');
        const task = onlyTask(stored);
        // A worker's result lands between the decide's load and its commit.
        expect(
          await store.putTask('wf-stale-task', { ...task, status: 'COMPLETED' }, revisionOf(stored, task)),
        ).toBe('written');
        const before = await store.load('wf-stale-task');
        const fresh = { ...task, taskId: 'wf-stale-task:fresh:0:0', referenceTaskName: 'fresh', seq: 5 };
        const canceled = { ...task, status: 'CANCELED' as const };
        const outcome = await store.commit({
          workflowId: 'wf-stale-task',
          expectedVersion: stored.version,
          workflow: { ...stored.workflow, variables: { lost: true }, tasks: [canceled, fresh] },
          tasks: [{ task: fresh }, { task: canceled, expectedRevision: revisionOf(stored, task) }],
          removedTaskIds: [],
        });
        expect(outcome).toMatchObject({ kind: 'conflict', reason: expect.stringContaining(task.taskId) });
        expect(await store.load('wf-stale-task')).toEqual(before);
      });

      it('refuses to create a task that already exists and writes nothing', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-duplicate');
        const before = await store.load('wf-duplicate');
        const duplicate = { ...onlyTask(stored), inputData: { second: true } };
        const outcome = await store.commit({
          workflowId: 'wf-duplicate',
          expectedVersion: stored.version,
          workflow: { ...stored.workflow, variables: { lost: true } },
          tasks: [{ task: duplicate }],
          removedTaskIds: [],
        });
        expect(outcome).toMatchObject({
          kind: 'conflict',
          reason: expect.stringContaining(duplicate.taskId),
        });
        expect(await store.load('wf-duplicate')).toEqual(before);
      });

      it('throws, writing nothing, for a commit of more task writes than one DynamoDB transaction holds', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-wide');
        const task = onlyTask(stored);
        const many = Array.from({ length: 99 }, (_, i) => ({
          task: { ...task, taskId: `wf-wide:extra${i}:0:0`, referenceTaskName: `extra${i}`, seq: 100 + i },
        }));
        const before = await store.load('wf-wide');
        await expect(
          store.commit({
            workflowId: 'wf-wide',
            expectedVersion: stored.version,
            workflow: stored.workflow,
            tasks: many,
            removedTaskIds: [],
          }),
        ).rejects.toThrow(/at most 98 tasks .*100 actions.*writes 99/);
        expect(await store.load('wf-wide')).toEqual(before);
        // 98 is fine.
        expect(
          await store.commit({
            workflowId: 'wf-wide',
            expectedVersion: stored.version,
            workflow: stored.workflow,
            tasks: many.slice(0, 97),
            removedTaskIds: [task.taskId],
          }),
        ).toMatchObject({ kind: 'committed' });
      });

      it('reports a commit for an unknown workflow as a conflict', async () => {
        const definition = workerDef('contract_a');
        const outcome = await store.commit({
          workflowId: 'wf-never',
          expectedVersion: 0,
          workflow: newWorkflow(definition, 'wf-never'),
          tasks: [],
          removedTaskIds: [],
        });
        expect(outcome.kind).toBe('conflict');
      });
    });

    describe('claimTasks', () => {
      it('hands out only due worker tasks of the asked type, marked as core markPolled marks them', async () => {
        const due = onlyTask(await start(workerDef('contract_claim'), 'wf-due'));
        const later = onlyTask(await start(workerDef('contract_claim', { startDelay: 60 }), 'wf-later'));
        await start(workerDef('contract_other'), 'wf-other-type');
        const http = onlyTask(await start(httpDef, 'wf-http'), 'call');
        expect(http.status).toBe('SCHEDULED');

        const now = T0 + 1_000;
        const claimed = await store.claimTasks('contract_claim', 10, 'worker-1', now);
        expect(claimed).toEqual([markPolled(due, 'worker-1', now)]);
        expect(await store.getTask('wf-due', due.taskId)).toEqual({ task: claimed[0], revision: 2 });
        expect(await store.claimTasks('contract_claim', 10, 'worker-1', now)).toEqual([]);
        // A system task is SCHEDULED too, but never goes to a worker.
        expect(await store.claimTasks('HTTP', 10, 'worker-1', now)).toEqual([]);

        const afterDelay = T0 + 60_000;
        expect(await store.claimTasks('contract_claim', 10, undefined, afterDelay)).toEqual([
          markPolled(later, undefined, afterDelay),
        ]);
      });

      it('hands a task put back by a callback out again once it is due, keeping its first start time', async () => {
        const stored = await start(workerDef('contract_callback'), 'wf-callback');
        const [polled] = await store.claimTasks('contract_callback', 1, 'worker-1', T0 + 10);
        expect(polled).toBeDefined();
        const postponed: Task = {
          ...polled!,
          status: 'SCHEDULED',
          callbackAfterSeconds: 5,
          callbackTime: T0 + 5_020,
          updateTime: T0 + 20,
        };
        const revision = (await store.getTask('wf-callback', polled!.taskId))!.revision;
        expect(await store.putTask('wf-callback', postponed, revision)).toBe('written');
        expect(await store.claimTasks('contract_callback', 1, 'worker-2', T0 + 5_019)).toEqual([]);
        const [again] = await store.claimTasks('contract_callback', 1, 'worker-2', T0 + 5_020);
        expect(again).toEqual(markPolled(postponed, 'worker-2', T0 + 5_020));
        expect(again!.startTime).toBe(T0 + 10);
        expect(again!.pollCount).toBe(2);
        expect(onlyTask(stored).taskId).toBe(again!.taskId);
      });

      it('gives each task to exactly one of many concurrent pollers, and hands all of them out', async () => {
        const definition = workerDef('contract_burst');
        const ids = Array.from({ length: 20 }, (_, i) => `wf-burst-${i}`);
        for (const id of ids) await start(definition, id);
        const batches = await Promise.all(
          Array.from({ length: 8 }, (_, poller) =>
            store.claimTasks('contract_burst', 3, `poller-${poller}`, T0 + 1_000),
          ),
        );
        const claimed = batches.flat().map((task) => task.taskId);
        expect(new Set(claimed).size).toBe(claimed.length);
        expect(claimed.sort()).toEqual(ids.map((id) => `${id}:work:0:0`).sort());
        for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(3);
      });
    });

    describe('findOverdue', () => {
      it('finds unseen results older than the grace and passed deadlines, and nothing else', async () => {
        const now = T0 + 10 * 60_000;
        const definition = workerDef('contract_overdue');
        const result = (ended: Partial<Task>) => async (id: string) => {
          const stored = await start(definition, id);
          const task = onlyTask(stored);
          await store.putTask(id, { ...task, status: 'COMPLETED', ...ended }, revisionOf(stored, task));
        };
        // Overdue: a result no decide has seen for longer than the grace.
        await result({ updateTime: now - GRACE_MS - 1 })('wf-unseen-old');
        // Overdue: a deadline that has passed.
        await store.create({
          workflow: { ...newWorkflow(definition, 'wf-deadline'), nextDeadline: now - 1 },
          definition,
        });
        // Not overdue: a result still within the grace (its decide is on its way).
        await result({ updateTime: now - GRACE_MS + 1_000 })('wf-unseen-young');
        // Not overdue: waiting on a worker, nothing due.
        await start(definition, 'wf-idle');
        await store.create({
          workflow: { ...newWorkflow(definition, 'wf-future-deadline'), nextDeadline: now + 60_000 },
          definition,
        });
        // Not overdue: finished, its results all acted on.
        await result({ updateTime: T0 + 1 })('wf-finished');
        expect((await decideAndCommit('wf-finished', T0 + 2)).kind).toBe('committed');
        expect((await store.load('wf-finished'))!.workflow.status).toBe('COMPLETED');
        // Not overdue: failed by one branch while another's result was never acted on.
        const stranded = await start(definition, 'wf-stranded');
        const strandedTask = onlyTask(stranded);
        await store.commit({
          workflowId: 'wf-stranded',
          expectedVersion: stranded.version,
          workflow: { ...stranded.workflow, status: 'FAILED', nextDeadline: 0 },
          tasks: [
            {
              task: { ...strandedTask, status: 'COMPLETED', executed: false, updateTime: T0 + 3 },
              expectedRevision: revisionOf(stranded, strandedTask),
            },
          ],
          removedTaskIds: [],
        });

        const overdue = await store.findOverdue(now, GRACE_MS, 100);
        expect([...overdue].sort()).toEqual(['wf-deadline', 'wf-unseen-old']);
        // Asking again finds the same (nothing was consumed), and the limit is honoured.
        expect([...(await store.findOverdue(now, GRACE_MS, 100))].sort()).toEqual([
          'wf-deadline',
          'wf-unseen-old',
        ]);
        expect(await store.findOverdue(now, GRACE_MS, 1)).toHaveLength(1);
      });

      it("finds a workflow whose claimed task's worker went silent past its response timeout", async () => {
        const definition = workerDef('contract_silent');
        await start(definition, 'wf-silent');
        const [claimed] = await store.claimTasks('contract_silent', 1, 'worker-1', T0);
        expect(claimed).toBeDefined();
        const deadline = T0 + claimed!.responseTimeoutSeconds * 1000;
        expect(await store.findOverdue(deadline + GRACE_MS - 1, GRACE_MS, 10)).toEqual([]);
        expect(await store.findOverdue(deadline + GRACE_MS, GRACE_MS, 10)).toEqual(['wf-silent']);
      });

      it('stops finding a workflow once a decide has acted on its result', async () => {
        const definition = workerDef('contract_rescued');
        const stored = await start(definition, 'wf-rescued');
        const task = onlyTask(stored);
        await store.putTask(
          'wf-rescued',
          { ...task, status: 'COMPLETED', updateTime: T0 + 1 },
          revisionOf(stored, task),
        );
        const now = T0 + GRACE_MS + 2;
        expect(await store.findOverdue(now, GRACE_MS, 10)).toEqual(['wf-rescued']);
        expect((await decideAndCommit('wf-rescued', now)).kind).toBe('committed');
        expect(await store.findOverdue(now, GRACE_MS, 10)).toEqual([]);
      });
    });

    describe('retention', () => {
      const RETENTION_DAYS = 7;
      const definition = workerDef('contract_retained');
      const withStatus = (stored: StoredExecution, status: Workflow['status'], endTime: number) =>
        store.commit({
          workflowId: stored.workflow.workflowId,
          expectedVersion: stored.version,
          workflow: { ...stored.workflow, status, endTime, nextDeadline: 0 },
          tasks: [],
          removedTaskIds: [],
        });

      it('stamps an ended execution with its end plus the retention, and takes it away when it runs again', async () => {
        store = await makeStore({ finishedRetentionDays: RETENTION_DAYS });
        const running = await start(definition, 'wf-retained');
        expect(running.expiresAt).toBeUndefined();
        const endedAt = T0 + 90_500;
        expect((await withStatus(running, 'FAILED', endedAt)).kind).toBe('committed');
        const ended = (await store.load('wf-retained'))!;
        expect(ended.expiresAt).toBe(Math.floor(endedAt / 1000) + RETENTION_DAYS * 86_400);

        // A retry reopens it: from then on it must never expire while it runs, nor while paused.
        expect((await withStatus(ended, 'RUNNING', 0)).kind).toBe('committed');
        const reopened = (await store.load('wf-retained'))!;
        expect(reopened.expiresAt).toBeUndefined();
        expect((await withStatus(reopened, 'PAUSED', 0)).kind).toBe('committed');
        expect((await store.load('wf-retained'))!.expiresAt).toBeUndefined();
      });

      it('keeps ended executions for good when no retention is configured', async () => {
        const running = await start(definition, 'wf-kept');
        expect((await withStatus(running, 'COMPLETED', T0 + 1)).kind).toBe('committed');
        const ended = (await store.load('wf-kept'))!;
        expect(ended.workflow.status).toBe('COMPLETED');
        expect(ended.expiresAt).toBeUndefined();
      });
    });

    describe('idempotency keys', () => {
      const definition = workerDef('contract_idem');
      const create = (workflowId: string, key: string, replacing?: string) =>
        store.create({ workflow: newWorkflow(definition, workflowId), definition }, { key, replacing });

      it('lets one execution hold a key, names it to the next start, and writes nothing for that one', async () => {
        expect(await create('wf-idem-1', 'order-1')).toBe('created');
        expect(await create('wf-idem-2', 'order-1')).toEqual({ kind: 'keyHeld', workflowId: 'wf-idem-1' });
        expect(await store.load('wf-idem-2')).toBeUndefined();
        expect(await create('wf-idem-3', 'order-2')).toBe('created');
      });

      it('scopes a key to the workflow name', async () => {
        const other = workerDef('contract_idem_other');
        expect(await create('wf-idem-scope-1', 'same')).toBe('created');
        const outcome = await store.create(
          { workflow: newWorkflow(other, 'wf-idem-scope-2'), definition: other },
          { key: 'same' },
        );
        expect(outcome).toBe('created');
      });

      it('hands a key over only from a holder that has ended', async () => {
        await start(definition, 'wf-idem-holder');
        await store.create(
          { workflow: newWorkflow(definition, 'wf-idem-holder-key'), definition },
          { key: 'k' },
        );
        expect(await create('wf-idem-next', 'k', 'wf-idem-holder-key')).toEqual({
          kind: 'keyHeld',
          workflowId: 'wf-idem-holder-key',
        });
        const holder = (await store.load('wf-idem-holder-key'))!;
        const ended = { ...holder.workflow, status: 'COMPLETED' as const, endTime: T0 + 1 };
        expect(
          (
            await store.commit({
              ...commitOf(holder, { next: ended, changedTasks: [], removedTaskIds: [] } as never),
            })
          ).kind,
        ).toBe('committed');
        expect(await create('wf-idem-next', 'k', 'wf-idem-holder-key')).toBe('created');
        expect(await create('wf-idem-later', 'k', 'wf-idem-holder-key')).toEqual({
          kind: 'keyHeld',
          workflowId: 'wf-idem-next',
        });
      });
    });

    describe('operations', () => {
      it('replaces the definition with the one a commit brings, atomically with the rest', async () => {
        const stored = await start(workerDef('contract_a'), 'wf-new-def');
        const latest: WorkflowDef = { ...workerDef('contract_b'), name: 'contract_contract_a', version: 2 };
        const next = { ...stored.workflow, workflowVersion: 2, tasks: [] };
        // A refused commit leaves the definition as it was.
        expect(
          (
            await store.commit({
              ...commitOf(stored, { next, changedTasks: [], removedTaskIds: [] } as never),
              expectedVersion: stored.version - 1,
              definition: latest,
            })
          ).kind,
        ).toBe('conflict');
        expect((await store.load('wf-new-def'))!.definition).toEqual(stored.definition);
        const outcome = await store.commit({
          ...commitOf(stored, { next, changedTasks: [], removedTaskIds: [onlyTask(stored).taskId] } as never),
          definition: latest,
        });
        expect(outcome).toEqual({ kind: 'committed', version: stored.version + 1 });
        const loaded = (await store.load('wf-new-def'))!;
        expect(loaded.definition).toEqual(latest);
        expect(loaded.workflow).toEqual(next);
        // Tasks of the new definition are stored and read back against it.
        const first = decideAt(loaded.workflow, loaded.definition, T0 + 1);
        expect((await store.commit(commitOf(loaded, first))).kind).toBe('committed');
        expect((await store.load('wf-new-def'))!.workflow.tasks.map((task) => task.taskDefName)).toEqual([
          'contract_b',
        ]);
      });

      it('leaves a result held by a pause out of findOverdue until it is released', async () => {
        const definition = workerDef('contract_held');
        const stored = await start(definition, 'wf-held');
        const task = onlyTask(stored);
        const now = T0 + GRACE_MS + 10;
        const held = { ...task, status: 'COMPLETED' as const, updateTime: T0 + 1, heldByPause: true };
        expect(await store.putTask('wf-held', held, revisionOf(stored, task))).toBe('written');
        expect(await store.findOverdue(now, GRACE_MS, 10)).toEqual([]);
        const { heldByPause: _released, ...released } = held;
        expect(await store.putTask('wf-held', released, revisionOf(stored, task) + 1)).toBe('written');
        expect(await store.findOverdue(now, GRACE_MS, 10)).toEqual(['wf-held']);
      });

      it('removes an execution with its tasks, index entries and idempotency key; false for an unknown one', async () => {
        const definition = workerDef('contract_removed');
        const workflow = { ...newWorkflow(definition, 'wf-removed'), idempotencyKey: 'order-9' };
        expect(await store.create({ workflow, definition }, { key: 'order-9' })).toBe('created');
        expect((await decideAndCommit('wf-removed', T0)).kind).toBe('committed');
        const stored = (await store.load('wf-removed'))!;
        const task = onlyTask(stored);
        await store.putTask(
          'wf-removed',
          { ...task, status: 'COMPLETED', updateTime: T0 },
          revisionOf(stored, task),
        );

        expect(await store.remove('wf-removed')).toBe(true);
        expect(await store.load('wf-removed')).toBeUndefined();
        expect(await store.getTask('wf-removed', task.taskId)).toBeUndefined();
        expect(await store.claimTasks('contract_removed', 10, 'worker-1', T0 + 1_000)).toEqual([]);
        expect(await store.findOverdue(T0 + 3_600_000, GRACE_MS, 10)).toEqual([]);
        // A decide that read it before cannot write it back.
        expect(
          (await store.commit(commitOf(stored, decideAt(stored.workflow, definition, T0 + 1)))).kind,
        ).toBe('conflict');
        expect(await store.load('wf-removed')).toBeUndefined();
        expect(await store.remove('wf-removed')).toBe(false);
        // The key is free for a new start, and the id can be used again.
        const again = newWorkflow(definition, 'wf-removed-next');
        expect(await store.create({ workflow: again, definition }, { key: 'order-9' })).toBe('created');
        expect(await store.create({ workflow, definition })).toBe('created');
        expect((await store.load('wf-removed'))!.workflow.tasks).toEqual([]);
      });

      it('removes an execution with more items than one batch of deletes holds', async () => {
        const definition = workerDef('contract_many');
        const stored = await start(definition, 'wf-many');
        const task = onlyTask(stored);
        const extra = Array.from({ length: 60 }, (_, i) => ({
          task: { ...task, taskId: `wf-many:extra${i}:0:0`, referenceTaskName: `extra${i}`, seq: 10 + i },
        }));
        expect(
          (
            await store.commit({
              workflowId: 'wf-many',
              expectedVersion: stored.version,
              workflow: stored.workflow,
              tasks: extra,
              removedTaskIds: [],
            })
          ).kind,
        ).toBe('committed');
        expect(await store.remove('wf-many')).toBe(true);
        expect(await store.load('wf-many')).toBeUndefined();
        expect(await store.getTask('wf-many', 'wf-many:extra59:0:0')).toBeUndefined();
      });
    });
  });
};
