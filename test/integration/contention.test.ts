import { describe, expect, it } from 'vitest';
import type { DynamoExecutionStore } from '../../lambdas/adapters/dynamodb/execution-store';
import type { Task, Workflow, WorkflowDef } from '../../lambdas/core/model';
import { RECONCILE_GRACE_MS } from '../../lambdas/engine/reconcile';
import { createReconcileHandler } from '../../lambdas/handlers/reconcile';
import {
  type BatonApi,
  countDecideDeliveries,
  countDecideRequests,
  sleep,
  useLocalRuntime,
} from '../support/local-runtime-api';

/**
 * Many workflows, many workers, one engine, over the whole path (HTTP API → store on moto → decide
 * queue → decide handler), with the reconcile off: wide forks make results of one workflow arrive
 * together, so decides of one workflow contend for it. Every workflow must complete by the normal
 * path alone, every task must be handed out once and exist once, and nothing must be left for the
 * reconcile. moto serves DynamoDB one request at a time (as the launcher patches it): stock moto fails transactions under
 * this much concurrency (infra/local/moto-patches.ts says why).
 */
const baton = useLocalRuntime({ prefix: `contention-${process.pid}` });

const WORKFLOWS = 50;
const FORK_WIDTH = 10;
const WORKERS = 8;
const WORK_BATCH = 10;
const FINISH_BATCH = 5;
/**
 * A worker's "work" per task before it reports. 0: on this 2-core machine moto, not the workers,
 * sets the pace (raise it to model slower workers; the run gets longer, not different).
 */
const THINK_MS = 0;
/** After an empty poll of a type, a worker polls that type again only this much later. */
const IDLE_MS = 250;
/**
 * Far above the ~100 s a run takes on this machine: the test is about what happens, not how fast,
 * and a busy CI host (the simulator's seeds run beside it) must not turn it red.
 */
const GIVE_UP_MS = 360_000;

const refs = Array.from({ length: FORK_WIDTH }, (_, index) => `work_${index}`);

const definition: WorkflowDef = {
  name: 'contention_fork_join',
  version: 1,
  schemaVersion: 2,
  ownerEmail: 'team@example.com',
  tasks: [
    {
      name: 'fork',
      taskReferenceName: 'fork',
      type: 'FORK_JOIN',
      forkTasks: refs.map((ref) => [
        { name: 'work', taskReferenceName: ref, type: 'SIMPLE', inputParameters: { ref } },
      ]),
    },
    { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: refs },
    {
      name: 'finish',
      taskReferenceName: 'finish',
      type: 'SIMPLE',
      inputParameters: { joined: '${join.output}' },
    },
  ],
} as WorkflowDef;

interface Handout {
  taskId: string;
  workflowId: string;
  workerId: string;
}

/** What the workers saw: every hand-out, every acknowledged result, every task handed out twice. */
class Ledger {
  readonly handouts = new Map<string, Handout>();
  readonly duplicates: { first: Handout; second: Handout }[] = [];
  readonly acknowledged = new Map<string, Record<string, unknown>>();
  finished = 0;
  /** Set when a worker failed: the others stop too, rather than poll a runtime being torn down. */
  failed = false;
  polls = 0;
  emptyPolls = 0;

  handOut(task: Task, workerId: string): boolean {
    const handout = { taskId: task.taskId, workflowId: task.workflowInstanceId, workerId };
    const first = this.handouts.get(task.taskId);
    if (first) {
      this.duplicates.push({ first, second: handout });
      return false;
    }
    this.handouts.set(task.taskId, handout);
    return true;
  }
}

const workerLoop = async (api: BatonApi, ledger: Ledger, workerId: string, stopAt: number) => {
  const complete = async (task: Task) => {
    if (THINK_MS > 0) await sleep(THINK_MS);
    const outputData = { by: workerId, ref: task.referenceTaskName, input: task.inputData.ref ?? null };
    await api.complete(task, workerId, outputData);
    ledger.acknowledged.set(task.taskId, outputData);
    if (task.taskType === 'finish') ledger.finished++;
  };
  // Like an SDK worker per task type: a type whose poll came back empty is left alone for IDLE_MS.
  const batches = { work: WORK_BATCH, finish: FINISH_BATCH };
  const nextPollAt = { work: 0, finish: 0 };
  while (ledger.finished < WORKFLOWS && Date.now() < stopAt && !ledger.failed) {
    const now = Date.now();
    const types = (['work', 'finish'] as const).filter((type) => nextPollAt[type] <= now);
    if (types.length === 0) {
      await sleep(Math.min(nextPollAt.work, nextPollAt.finish) - now);
      continue;
    }
    const answers = await Promise.all(types.map((type) => api.poll(type, batches[type], workerId)));
    ledger.polls += types.length;
    types.forEach((type, index) => {
      if (answers[index]!.length > 0) return;
      ledger.emptyPolls++;
      nextPollAt[type] = Date.now() + IDLE_MS;
    });
    // A task handed out twice is recorded, and only its first holder completes it.
    await Promise.all(
      answers
        .flat()
        .filter((task) => ledger.handOut(task, workerId))
        .map(complete),
    );
  }
};

/**
 * Reads the workflows until all are COMPLETED, one at a time and stopping at the first one still
 * running: each read is a load, and a burst of them would slow the very decides being waited for.
 */
const waitForCompletion = async (api: BatonApi, workflowIds: string[], giveUpAt: number) => {
  const final = new Map<string, Workflow>();
  for (;;) {
    const pending = workflowIds.filter((id) => final.get(id)?.status !== 'COMPLETED');
    if (pending.length === 0 || Date.now() > giveUpAt) return final;
    for (const id of pending) {
      const workflow = await api.getWorkflow(id);
      final.set(id, workflow);
      if (workflow.status === 'RUNNING') break;
    }
    if (pending.some((id) => final.get(id)?.status === 'RUNNING')) await sleep(250);
  }
};

const summarize = (workflow: Workflow) =>
  JSON.stringify({
    workflowId: workflow.workflowId,
    status: workflow.status,
    reasonForIncompletion: workflow.reasonForIncompletion,
    tasks: workflow.tasks.map(
      (task) => `${task.referenceTaskName}:${task.status}${task.executed ? '' : '*'}`,
    ),
  });

describe('50 wide fork/joins under 8 concurrent workers', () => {
  it(
    'completes every workflow by the normal path, hands each task out once, leaves nothing to reconcile',
    async () => {
      const { api, runtime } = baton;
      const store = runtime.deps.store as DynamoExecutionStore;
      await api.registerTaskDefs(
        ['work', 'finish'].map((name) => ({
          name,
          retryCount: 0,
          timeoutSeconds: 600,
          responseTimeoutSeconds: 300,
          ownerEmail: 'team@example.com',
        })),
      );
      await api.registerWorkflow(definition);

      // The scheduled reconcile reads findOverdue; it must not run during the test.
      const originalFindOverdue = store.findOverdue;
      let scheduledReconcileRuns = 0;
      store.findOverdue = (...args) => {
        scheduledReconcileRuns++;
        return originalFindOverdue.apply(store, args);
      };
      const requests = countDecideRequests(runtime);
      const deliveries = countDecideDeliveries(runtime);
      store.usage.reset();
      const ledger = new Ledger();
      const startedAt = Date.now();
      let workflowIds: string[] = [];
      let final = new Map<string, Workflow>();
      let workersDoneAt = 0;
      try {
        const giveUpAt = startedAt + GIVE_UP_MS;
        const workers = Promise.allSettled(
          Array.from({ length: WORKERS }, (_, index) =>
            workerLoop(api, ledger, `worker-${index}`, giveUpAt).catch((error: unknown) => {
              ledger.failed = true;
              throw error;
            }),
          ),
        );
        const started = await Promise.allSettled(
          Array.from({ length: WORKFLOWS }, (_, index) => api.startWorkflow(definition.name, { index })),
        );
        if (started.some((start) => start.status === 'rejected')) ledger.failed = true;
        const failures = [...started, ...(await workers)].filter((outcome) => outcome.status === 'rejected');
        if (failures.length > 0) throw (failures[0] as PromiseRejectedResult).reason;
        workflowIds = started.map((start) => (start as PromiseFulfilledResult<string>).value);
        workersDoneAt = Date.now();
        final = await waitForCompletion(api, workflowIds, giveUpAt);
      } finally {
        store.findOverdue = originalFindOverdue;
        requests.restore();
        deliveries.restore();
      }
      const completedAt = Date.now();
      const usage = store.usage.snapshot();

      console.log(
        [
          `[contention] ${WORKFLOWS} workflows × fork of ${FORK_WIDTH}, ${WORKERS} workers: all done in ` +
            `${completedAt - startedAt} ms (workers stopped after ${workersDoneAt - startedAt} ms)`,
          `[contention] polls ${ledger.polls} (empty ${ledger.emptyPolls}), tasks handed out ${ledger.handouts.size}, ` +
            `results acknowledged ${ledger.acknowledged.size}`,
          `[contention] decide requests: ${requests.counts.immediate} immediate, ${requests.counts.handBacks} ` +
            `hand-backs (lease busy), ${requests.counts.timers} timers; delivered to the decider: ` +
            `${deliveries.counts.messages} messages in ${deliveries.counts.batches} batches → ` +
            `${deliveries.counts.decides} decides`,
          `[contention] store: ${usage.calls} calls, reported ${usage.readUnits} RCU / ${usage.writeUnits} WCU, ` +
            `estimated ${usage.estimatedReadUnits} RCU / ${usage.estimatedWriteUnits} WCU, ` +
            `${usage.conditionFailures} condition failures`,
          ...Object.entries(usage.byOperation).map(
            ([operation, entry]) =>
              `[contention]   ${operation}: ${entry.calls} calls, est. ${entry.estimatedReadUnits} RCU / ` +
              `${entry.estimatedWriteUnits} WCU, ${entry.conditionFailures} condition failures`,
          ),
        ].join('\n'),
      );

      // Every workflow COMPLETED, by the normal path alone.
      const notCompleted = workflowIds
        .map((id) => final.get(id))
        .filter((workflow) => workflow?.status !== 'COMPLETED');
      expect(
        notCompleted.map((workflow) => (workflow ? summarize(workflow) : 'never read')),
        'workflows not COMPLETED',
      ).toEqual([]);
      expect(scheduledReconcileRuns, 'the scheduled reconcile must not have run').toBe(0);

      // No task handed to two workers; every task handed out exactly once.
      expect(ledger.duplicates, 'tasks handed out twice').toEqual([]);
      expect(ledger.handouts.size).toBe(WORKFLOWS * (FORK_WIDTH + 1));

      for (const workflowId of workflowIds) {
        const workflow = final.get(workflowId)!;
        // S1: at most one task per (workflow, reference, iteration, retry).
        const keys = workflow.tasks.map(
          (task) => `${task.referenceTaskName}/${task.iteration}/${task.retryCount}`,
        );
        expect(new Set(keys).size, `S1 in ${summarize(workflow)}`).toBe(keys.length);
        const workers = workflow.tasks.filter(
          (task) => task.taskType === 'work' || task.taskType === 'finish',
        );
        expect(workers, summarize(workflow)).toHaveLength(FORK_WIDTH + 1);
        // S3: every acknowledged result is in the final state; S2: the JOIN holds every branch's output.
        for (const task of workers) {
          expect(task.status).toBe('COMPLETED');
          expect(task.outputData).toEqual(ledger.acknowledged.get(task.taskId));
        }
        const join = workflow.tasks.find((task) => task.referenceTaskName === 'join')!;
        expect(Object.keys(join.outputData).sort()).toEqual([...refs].sort());
        expect(
          workflow.tasks.every((task) => task.executed),
          summarize(workflow),
        ).toBe(true);
      }

      // Nothing left for the reconcile: no unseen change older than its grace, nothing overdue.
      expect(await store.findOverdue(Date.now(), RECONCILE_GRACE_MS, 100)).toEqual([]);
      // With every workflow ended, no decide-pending marker or deadline is left at all.
      expect(await store.findOverdue(Date.now(), 0, 100)).toEqual([]);
      const reconcile = await createReconcileHandler(runtime.deps)({});
      expect(reconcile.rescued).toBe(0);

      expect(completedAt - startedAt).toBeLessThan(GIVE_UP_MS);
    },
    GIVE_UP_MS + 30_000,
  );
});
