/** Runs one workload, or the latency pass, on a fresh instrumented runtime and collects what it measured. */
import { performance } from 'node:perf_hooks';
import type { Workflow } from '../../lambdas/core/model';
import { type AwsCall, type ClassTotals, Ledger } from './ledger';
import { type BenchRuntime, startBenchRuntime, uniquePrefix } from './runtime';
import { Api, sleep, startWorker } from './workers';
import { linear, TASK_SETTINGS, type Workload } from './workloads';

/** The workers of the cost runs: Conductor SDK-like settings (batch poll, 100 ms wait, 100 ms pause). */
export const WORKER_SETTINGS = {
  count: 10,
  pollTimeoutMs: 100,
  idleMs: 100,
  loops: Number(process.env.BENCH_LOOPS ?? 1),
} as const;

/** A workload that has not finished by then is reported as failed. */
const DEADLINE_MS = 75_000;

export interface WorkloadResult {
  workload: Workload;
  ok: boolean;
  failure?: string;
  elapsedMs: number;
  workflows: number;
  statuses: Record<string, number>;
  transitions: number;
  workerTasks: number;
  deciderTasks: number;
  classes: Map<string, ClassTotals>;
  /** Calls the SDK retried: what, why, and how the last attempt ended. */
  retried: string[];
  /** Wake-ups set in the window that come due after it: they will cost a decide each. */
  deferred: { delayedDecides: number; schedules: number; loadReadUnits: number; decideMs: number };
}

const n1 = (value: number) => value.toFixed(1);

const isEnded = (status: string) => status !== 'RUNNING' && status !== 'PAUSED';

/** Waits until `done`, or until the deadline, or until `stalled` says nothing moves any more. */
const waitUntil = async (done: () => boolean, deadlineMs: number, stalled: () => boolean) => {
  const giveUpAt = performance.now() + deadlineMs;
  while (!done()) {
    if (performance.now() > giveUpAt) return 'deadline';
    if (stalled()) return 'stalled';
    await sleep(25);
  }
  return 'done';
};

/**
 * After the last workflow ended: wait until no handler runs and a decide-queue receive that began
 * after that moment came back empty, so every decide request the run made has been handled.
 */
const settle = async (runtime: BenchRuntime, since: number) => {
  const giveUpAt = performance.now() + 5_000;
  while (performance.now() < giveUpAt) {
    const emptyAt = runtime.ledger.emptyReceiveAt.get(runtime.decideQueueUrl) ?? 0;
    if (runtime.ledger.inFlight === 0 && emptyAt > since) return;
    await sleep(20);
  }
};

const describeErrors = (errors: string[]): string => {
  const reasons = new Map<string, number>();
  for (const line of errors) {
    let reason = line;
    try {
      reason = String((JSON.parse(line) as { error?: unknown }).error ?? line);
    } catch {
      // Not JSON: the line itself.
    }
    reason = reason.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>').slice(0, 300);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  return [...reasons].map(([reason, n]) => `${n}× ${reason}`).join('; ');
};

export const runWorkload = async (endpoint: string, workload: Workload): Promise<WorkloadResult> => {
  const ledger = new Ledger();
  const runtime = await startBenchRuntime(endpoint, uniquePrefix(workload.name), ledger);
  try {
    const api = new Api(runtime.url);
    await api.registerTaskDefs(workload.taskTypes.map((name) => ({ name, ...TASK_SETTINGS })));
    await api.registerWorkflow(workload.definition);

    const ended = new Map<string, string>();
    let lastProgress = performance.now();
    runtime.onCommit((commit, at) => {
      lastProgress = at;
      if (isEnded(commit.workflow.status)) ended.set(commit.workflowId, commit.workflow.status);
    });

    ledger.open = true;
    const started = performance.now();
    const workers = workload.taskTypes.map((taskType) =>
      startWorker(api, {
        taskType,
        ...WORKER_SETTINGS,
        execute: workload.execute,
        onAcknowledged: () => {
          lastProgress = performance.now();
        },
      }),
    );
    // Up to `inFlight` workflows at once; each lane starts its next one when its last one ended.
    const ids: string[] = [];
    const stalled = () => performance.now() - lastProgress > (runtime.errors.length > 0 ? 6_000 : 20_000);
    const giveUpAt = performance.now() + DEADLINE_MS;
    let next = 0;
    let outcome = 'done';
    await Promise.all(
      Array.from({ length: workload.inFlight }, async () => {
        while (next < workload.runs && outcome === 'done') {
          const id = await api.startWorkflow(workload.definition.name, workload.input(next++));
          ids.push(id);
          const waited = await waitUntil(() => ended.has(id), giveUpAt - performance.now(), stalled);
          if (waited !== 'done') outcome = waited;
        }
      }),
    );
    const finished = performance.now();
    await Promise.all(workers.map((worker) => worker.stop()));
    await settle(runtime, finished);
    ledger.open = false;
    const closedAt = performance.now();

    // Outside the window: what became of each workflow, and what loading a finished one reads.
    const before = runtime.store.usage.byOperation.load?.estimatedReadUnits ?? 0;
    const workflows: Workflow[] = await Promise.all(ids.map((id) => api.getWorkflow(id)));
    const loadReadUnits =
      ((runtime.store.usage.byOperation.load?.estimatedReadUnits ?? 0) - before) / ids.length;
    const statuses: Record<string, number> = {};
    let workerTasks = 0;
    let deciderTasks = 0;
    for (const workflow of workflows) {
      statuses[workflow.status] = (statuses[workflow.status] ?? 0) + 1;
      for (const task of workflow.tasks) {
        if (task.status !== 'COMPLETED') continue;
        if (workload.taskTypes.includes(task.taskType)) workerTasks++;
        else deciderTasks++;
      }
    }
    const allCompleted = ids.length === workload.runs && statuses.COMPLETED === ids.length;
    const unfinished = workflows
      .filter((workflow) => workflow.status !== 'COMPLETED')
      .map((workflow) => {
        const tasks: Record<string, number> = {};
        for (const task of workflow.tasks) {
          const key = `${task.taskType}:${task.status}`;
          tasks[key] = (tasks[key] ?? 0) + 1;
        }
        return `${workflow.workflowId.slice(0, 8)} ${workflow.status} tasks ${JSON.stringify(tasks)}`;
      });
    const failure = allCompleted
      ? undefined
      : `${statuses.COMPLETED ?? 0} of ${ids.length} started workflows COMPLETED (${workload.runs} planned; ` +
        `wait ended: ${outcome}, ` +
        `${n1((performance.now() - lastProgress) / 1000)} s after the last progress); ${unfinished.join('; ')}` +
        (runtime.errors.length > 0
          ? `; handler errors: ${describeErrors(runtime.errors)}`
          : '; no handler errors');

    const decide = ledger.classes.get('decide');
    return {
      workload,
      ok: allCompleted,
      failure,
      elapsedMs: finished - started,
      workflows: ids.length,
      statuses,
      transitions: workerTasks + deciderTasks,
      workerTasks,
      deciderTasks,
      classes: ledger.classes,
      retried: ledger.retried.map(
        (call) =>
          `${call.service} ${call.command}${call.invocation ? ` in ${call.invocation.cls}` : ''}: ` +
          `${call.attempts ?? '?'} attempts (${(call.attemptErrors ?? []).join('; ')}) → ` +
          `${call.error ? `failed: ${call.error}` : 'succeeded'}`,
      ),
      deferred: {
        delayedDecides: ledger.delayedSends.filter((send) => send.at + send.delaySeconds * 1000 > closedAt)
          .length,
        schedules: [...ledger.classes.values()].reduce(
          (sum, t) => sum + (t.scheduler.CreateSchedule ?? 0),
          0,
        ),
        loadReadUnits,
        decideMs: decide && decide.invocations > 0 ? decide.durationMs / decide.invocations : 0,
      },
    };
  } finally {
    await runtime.stop();
  }
};

export interface TraceStep {
  at: number;
  durationMs: number;
  where: string;
  call: string;
  onPath: boolean;
}

export interface LatencyResult {
  ok: boolean;
  failure?: string;
  ackToClaim: number[];
  ackToCommit: number[];
  /** From the update-v2 handler's start (the result arriving) to the commit. */
  resultToCommit: number[];
  emptyPollMs: number[];
  /** A typical transition (the first workflow's 5th → 6th task) and the slowest one. */
  trace?: Trace;
  slowest?: Trace;
  /** Mean handler duration by invocation class in this uncontended pass (ms). */
  handlerMs: Record<string, number>;
}

/**
 * The linear workload again, with the worker replaced by dedicated tight pollers (count 1, no wait,
 * no pause; claimed tasks are completed beside them) so the moment the next task becomes claimable
 * is seen within one poll's round trip. The
 * first workflow runs alone, and one of its transitions is traced call by call.
 */
export const runLatency = async (endpoint: string, runs = linear.runs): Promise<LatencyResult> => {
  const ledger = new Ledger();
  ledger.trace = true;
  const runtime = await startBenchRuntime(endpoint, uniquePrefix('latency'), ledger);
  try {
    const api = new Api(runtime.url);
    await api.registerTaskDefs(linear.taskTypes.map((name) => ({ name, ...TASK_SETTINGS })));
    await api.registerWorkflow(linear.definition);
    const ack = new Map<string, number>();
    const claim = new Map<string, number>();
    const commit = new Map<string, number>();
    const ended = new Set<string>();
    runtime.onCommit((decided, at) => {
      for (const { task, expectedRevision } of decided.tasks) {
        if (expectedRevision === undefined && !commit.has(task.taskId)) commit.set(task.taskId, at);
      }
      if (isEnded(decided.workflow.status)) ended.add(decided.workflowId);
    });
    const worker = startWorker(api, {
      taskType: 'bench_step',
      count: 1,
      pollTimeoutMs: 0,
      idleMs: 0,
      loops: 1,
      detached: true,
      execute: linear.execute,
      onClaimed: (task, at) => {
        if (!claim.has(task.taskId)) claim.set(task.taskId, at);
      },
      onAcknowledged: (task, at) => ack.set(task.taskId, at),
    });
    const runOne = async (run: number) => {
      const id = await api.startWorkflow(linear.definition.name, linear.input(run));
      await waitUntil(
        () => ended.has(id),
        30_000,
        () => false,
      );
      return id;
    };
    const ids = [await runOne(0)];
    let next = 1;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < runs) ids.push(await runOne(next++));
      }),
    );
    await worker.stop();

    const ackToClaim: number[] = [];
    const ackToCommit: number[] = [];
    const resultToCommit: number[] = [];
    const arrived = new Map<string, number>();
    for (const inv of ledger.invocationLog)
      if (inv.taskId && !arrived.has(inv.taskId)) arrived.set(inv.taskId, inv.start);
    const transitionOf = (id: string, k: number) => {
      const from = `${id}:step_${k}:0:0`;
      const to = `${id}:step_${k + 1}:0:0`;
      const times = { from, to, ack: ack.get(from), commit: commit.get(to), claim: claim.get(to) };
      return times.ack === undefined || times.commit === undefined || times.claim === undefined
        ? undefined
        : (times as { from: string; to: string; ack: number; commit: number; claim: number });
    };
    let slowest: { id: string; k: number; latency: number } | undefined;
    for (const id of ids) {
      for (let k = 0; k + 1 < 10; k++) {
        const times = transitionOf(id, k);
        if (!times) continue;
        ackToClaim.push(times.claim - times.ack);
        ackToCommit.push(times.commit - times.ack);
        const start = arrived.get(times.from);
        if (start !== undefined) resultToCommit.push(times.commit - start);
        if (!slowest || times.claim - times.ack > slowest.latency) {
          slowest = { id, k, latency: times.claim - times.ack };
        }
      }
    }
    const typical = transitionOf(ids[0]!, 4);
    const worst = slowest && transitionOf(slowest.id, slowest.k);
    const handlerMs: Record<string, number> = {};
    for (const cls of new Set(ledger.invocationLog.map((inv) => inv.cls))) {
      const of = ledger.invocationLog.filter((inv) => inv.cls === cls);
      handlerMs[cls] = of.reduce((sum, inv) => sum + inv.end - inv.start, 0) / of.length;
    }
    const emptyPollMs = ledger.invocationLog
      .filter((invocation) => invocation.cls === 'api:poll (empty)')
      .map((invocation) => invocation.end - invocation.start);
    const complete = ids.every((id) => ended.has(id));
    return {
      ok: complete,
      failure: complete ? undefined : `${ids.filter((id) => ended.has(id)).length} of ${ids.length} ended`,
      ackToClaim,
      ackToCommit,
      resultToCommit,
      emptyPollMs,
      trace: typical && traceTransition(runtime, ids[0]!, typical),
      slowest: worst && slowest && traceTransition(runtime, slowest.id, worst),
      handlerMs,
    };
  } finally {
    await runtime.stop();
  }
};

/** What a call did, in words, from where it ran and what it named. */
const describeCall = (call: AwsCall, where: string, definitionsTable: string) => {
  const service = call.service === 'dynamodb' ? 'DynamoDB' : call.service === 'sqs' ? 'SQS' : 'Scheduler';
  const what = (() => {
    if (call.table === definitionsTable) return 'read a task or workflow definition';
    if (call.service === 'sqs' && call.command === 'SendMessage')
      return call.delaySeconds
        ? `delayed decide request (${call.delaySeconds} s: a timer or hand-back)`
        : 'decide request';
    if (call.service === 'sqs' && call.command === 'ReceiveMessage')
      return 'the event source mapping receives it';
    if (call.command === 'GetItem') return 'read the task';
    if (call.command === 'PutItem') return 'write the result (conditional on rev)';
    if (call.command === 'Query' && call.index) return `${call.index} index`;
    if (call.command === 'Query') return 'load the execution';
    if (call.command === 'UpdateItem' && where === 'decide') return 'acquire the lease';
    if (call.command === 'UpdateItem') return 'claim the task';
    if (call.command === 'TransactWriteItems') return 'commit: next task written and indexed';
    return '';
  })();
  const retried = call.attempts && call.attempts > 1 ? ` (${call.attempts} SDK attempts)` : '';
  return `${service} ${call.command}${what ? ` — ${what}` : ''}${call.error ? ` ✗ ${call.error}` : ''}${retried}`;
};

export interface Trace {
  from: string;
  to: string;
  steps: TraceStep[];
  ackAt: number;
  commitAt: number;
  claimAt: number;
}

/**
 * Every call between worker task `from`'s result and task `to`'s claim: the update-v2 invocation,
 * the receives that carried the workflow's decide requests, every decide of the workflow in
 * between, and the claiming poll. "On the path" are the update's calls up to its inline commit or
 * its decide request, the receive that fed the decide whose commit created `to`, and that decide's
 * calls up to it.
 */
const traceTransition = (
  runtime: BenchRuntime,
  workflowId: string,
  times: { from: string; to: string; ack: number; commit: number; claim: number },
): Trace | undefined => {
  const { invocationLog, callLog } = runtime.ledger;
  const { from, to } = times;
  const pk = `WF#${workflowId}`;
  const update = invocationLog.find((inv) => inv.kind === 'api' && inv.taskId === from);
  if (!update) return undefined;
  const origin = update.start;
  const steps: TraceStep[] = [];
  const send = update.calls.find((call) => call.service === 'sqs' && call.command === 'SendMessage');
  // update-v2 decides inline; only when that loses a race does it send a decide request.
  let committedInline = false;
  for (const call of update.calls) {
    const afterSend = !!send && call.start > send.start;
    const offPath = afterSend || committedInline;
    steps.push({
      at: call.start - origin,
      durationMs: call.end - call.start,
      where: 'api update-v2',
      call:
        describeCall(call, 'update', runtime.definitionsTable) +
        (offPath ? ' (hand-back poll, before the ack)' : ''),
      onPath: !offPath,
    });
    if (call.command === 'TransactWriteItems' && call.pks.includes(pk) && !call.error) committedInline = true;
  }
  const decides = invocationLog.filter(
    (inv) =>
      inv.kind === 'decide' &&
      inv.workflowIds.includes(workflowId) &&
      inv.start >= origin &&
      inv.start <= times.commit,
  );
  // The decide whose commit created `to`: the last one that started before that commit.
  const committing = decides.at(-1);
  const receives = callLog.filter(
    (call) =>
      call.command === 'ReceiveMessage' &&
      call.end >= origin &&
      call.end <= times.commit &&
      (call.bodies ?? []).some((body) => body.includes(workflowId)),
  );
  const feeding = committing ? receives.filter((call) => call.end <= committing.start).at(-1) : undefined;
  for (const receive of receives) {
    steps.push({
      at: receive.end - origin,
      durationMs: 0,
      where: 'event source mapping',
      call: `${describeCall(receive, 'esm', runtime.definitionsTable)} (long poll; shown when it returned)`,
      onPath: receive === feeding,
    });
  }
  for (const decide of decides) {
    let committed = false;
    for (const call of decide.calls) {
      const ours =
        call.pks.includes(pk) || call.table === runtime.definitionsTable || call.service !== 'dynamodb';
      if (!ours) continue;
      steps.push({
        at: call.start - origin,
        durationMs: call.end - call.start,
        where: decide === committing ? 'decide' : 'decide (an earlier one)',
        call:
          describeCall(call, 'decide', runtime.definitionsTable) + (committed ? ' (after the commit)' : ''),
        onPath: decide === committing && !committed,
      });
      if (call.command === 'TransactWriteItems' && call.pks.includes(pk) && !call.error) committed = true;
    }
  }
  const claimer = invocationLog.find((inv) => inv.kind === 'api' && inv.handedOut.includes(to));
  // The update's own hand-back claim is already listed with its calls.
  for (const call of claimer === update ? [] : (claimer?.calls ?? [])) {
    steps.push({
      at: call.start - origin,
      durationMs: call.end - call.start,
      where: claimer!.taskId ? 'api update-v2 of another task' : `api ${claimer!.cls.replace('api:', '')}`,
      call: describeCall(call, 'poll', runtime.definitionsTable),
      onPath: false,
    });
  }
  steps.sort((a, b) => a.at - b.at);
  return {
    from,
    to,
    steps,
    ackAt: times.ack - origin,
    commitAt: times.commit - origin,
    claimAt: times.claim - origin,
  };
};
