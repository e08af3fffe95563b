import { isTerminalTask, isTerminalWorkflow, type TaskDef } from '../lambdas/core/model';
import type { ScriptRuntime } from '../lambdas/core/scripting/script-runtime';
import { MAX_TASK_WRITES_PER_DECIDE } from '../lambdas/engine/decide-workflow';
import { type FaultKind, type FaultPlan, faultFree, planFaults } from './faults';
import { InvariantChecks, type Violation } from './invariants';
import { type OperationCounts, Operator } from './operator';
import { OPERATION_KINDS, type OperationKind } from './operator-requests';
import { Random } from './random';
import { compareWithReference, interpret } from './reference';
import { type InjectedBugs, RECONCILE_PERIOD_MS, SimRuntime } from './runtime';
import { runWorkers } from './workers';
import { generateWorkload, WORKER_TASK_TYPES } from './workloads';
import { SimWorld } from './world';

export interface SeedOptions {
  seed: number;
  workflows: number;
  /** `random`: a random subset of fault kinds; `off`: none, and workers never fail (R0). */
  faults: 'random' | 'off' | readonly FaultKind[];
  reconcile: boolean;
  bugs?: InjectedBugs;
  wideForks?: boolean;
  /** Whether an operator pauses, retries, reruns… workflows while faults are on; on unless faults are off. */
  operations?: boolean;
}

export interface SeedResult {
  seed: number;
  violations: Violation[];
  traceHash: string;
  faultKinds: FaultKind[];
  injected: Record<string, number>;
  checks: number;
  workflows: number;
  simulatedMs: number;
  invocations: Record<string, number>;
  /** Per kind, the operator's requests and answers, and how many commits changed a workflow. */
  operations: Record<OperationKind, OperationCounts & { committed: number }>;
}

/** Simulated wall clock: the engine stores epoch milliseconds, so the run starts at a real date. */
const EPOCH = Date.UTC(2026, 0, 1);
/** Workflows start within this, and faults stay on for this long. */
const START_WINDOW_MS = 5_000;
const FAULT_PHASE_MS = 60_000;
/** After the last workflow ended: time for hand-backs, timers and poisoned messages to run out. */
const DRAIN_LIMIT_MS = 60 * 60_000;
/** The share of workflows the operator operates on. */
const OPERATED_SHARE = 0.3;
/** Longest wait, once faults stop, for the operator's last answers (a resume after a long freeze). */
const OPERATOR_SETTLE_LIMIT_MS = 10 * 60_000;

/**
 * One seed: a workload, a fault plan, a run with faults, a healing run without them, and every
 * invariant of reliability.md checked during and after. Everything random is drawn from the seed.
 */
export const runSeed = async (options: SeedOptions, scripts: ScriptRuntime): Promise<SeedResult> => {
  const random = new Random(options.seed);
  const plan: FaultPlan =
    options.faults === 'off'
      ? faultFree()
      : planFaults(random.fork(1), options.faults === 'random' ? undefined : options.faults);
  const world = new SimWorld(random.fork(2), plan);
  world.now = EPOCH;
  const checks = new InvariantChecks(world);
  const runtime = new SimRuntime(world, scripts, checks, {
    reconcile: options.reconcile,
    bugs: options.bugs ?? {},
  });
  const workload = generateWorkload(random.fork(3), {
    workflows: options.workflows,
    wideForks: options.wideForks ?? false,
  });
  for (const definition of workload.workflowDefs) await runtime.metadata.inner.putWorkflowDef(definition);
  for (const definition of workload.taskDefs) await runtime.metadata.inner.putTaskDef(definition);

  runtime.start();
  let lastStart = EPOCH;
  let workersRunning = true;
  runWorkers(runtime, checks, {
    taskTypes: WORKER_TASK_TYPES,
    taskDefs: workload.taskDefs,
    perType: 2,
    failures: options.faults !== 'off',
    running: () => workersRunning,
  });
  const operator =
    (options.operations ?? options.faults !== 'off')
      ? new Operator(runtime, checks, random.fork(4), { share: OPERATED_SHARE })
      : undefined;
  const starts = workload.starts.map(async (start) => {
    await world.sleep(world.random.int(0, START_WINDOW_MS));
    for (let attempt = 0; ; attempt++) {
      const answer = await runtime.api('POST', '/api/workflow', { body: start });
      if (answer.statusCode === 200) {
        operator?.adopt(String(answer.body));
        break;
      }
      if (answer.statusCode < 500) throw new Error(`start refused: ${JSON.stringify(answer.body)}`);
      await world.sleep(Math.min(5_000, 200 * 2 ** attempt));
    }
    lastStart = world.now;
  });
  for (let poison = 0; poison < plan.poisonMessages; poison++) {
    world.at(EPOCH + world.random.int(0, FAULT_PHASE_MS), () => {
      world.chance(1, 'poison');
      (poison % 2 === 0 ? runtime.decideQueue : runtime.systemTaskQueue).send('not json');
    });
  }

  let startsDone = false;
  void Promise.all(starts).then(() => {
    startsDone = true;
  });
  const store = runtime.store.inner;
  const operatorIdle = () => operator?.idle() ?? true;
  const allEnded = () => startsDone && checks.running.size === 0;

  await world.runUntil(EPOCH + FAULT_PHASE_MS, () => allEnded() && operatorIdle());
  world.faultsOn = false;
  world.record('healing');
  // The operator issues nothing new now, but may still wait on an answer: its last request counts
  // like a start, from when it was answered.
  await world.runUntil(world.now + OPERATOR_SETTLE_LIMIT_MS, operatorIdle);
  // L1: once faults stop, every workflow ends within two reconcile periods plus its longest timer.
  const deadline =
    Math.max(world.now, lastStart) + 2 * RECONCILE_PERIOD_MS + longestTimerMs(workload.taskDefs);
  const ended = await world.runUntil(deadline, allEnded);
  if (!ended) {
    for (const id of store.workflowIds()) {
      const { workflow } = store.peek(id)!;
      if (isTerminalWorkflow(workflow.status)) continue;
      const open = workflow.tasks
        .filter((task) => !isTerminalTask(task.status) || !task.executed)
        .map(
          (task) =>
            `${task.referenceTaskName} ${task.taskType} ${task.status}${task.executed ? '' : ' (not acted on)'}`,
        );
      checks.fail(
        'L1',
        id,
        `still ${workflow.status} ${deadline - EPOCH} ms into the run; open: ${open.join(', ')}`,
      );
    }
  }
  workersRunning = false;
  const queues = [runtime.decideQueue, runtime.systemTaskQueue];
  await world.runUntil(world.now + DRAIN_LIMIT_MS, () => queues.every((queue) => queue.inFlight() === 0));
  runtime.running = false;

  // L2: nothing left in flight, and the DLQs hold only the poisoned messages.
  for (const queue of queues) {
    if (queue.inFlight() > 0)
      checks.fail('L2', undefined, `${queue.inFlight()} messages still in ${queue.settings.name}`);
    const unexpected = queue.deadLetters.filter((message) => message.body !== 'not json');
    if (unexpected.length > 0) {
      checks.fail(
        'L2',
        undefined,
        `${queue.settings.name}'s DLQ holds ${unexpected.map((m) => m.body).join(', ')}`,
      );
    }
  }
  checks.checkAcknowledged();
  checkAgainstReference(runtime, checks, workload.taskDefs, scripts);
  if (options.faults === 'off' && !options.reconcile) {
    for (const id of store.workflowIds()) {
      const status = store.peek(id)!.workflow.status;
      if (status !== 'COMPLETED') checks.fail('R0', id, `ended ${status} with faults off and no reconcile`);
    }
  }
  return {
    seed: options.seed,
    violations: checks.violations,
    traceHash: world.traceHash(),
    faultKinds: plan.kinds,
    injected: plan.injected,
    checks: checks.checks,
    workflows: store.workflowIds().length,
    simulatedMs: world.now - EPOCH,
    invocations: runtime.invocations,
    operations: operationCounts(operator, checks),
  };
};

/** S5: each execution's final state is what the sequential reference makes of the same outcomes. */
const checkAgainstReference = (
  runtime: SimRuntime,
  checks: InvariantChecks,
  taskDefs: readonly TaskDef[],
  scripts: ScriptRuntime,
) => {
  const defs = new Map(taskDefs.map((def) => [def.name, def]));
  const store = runtime.store.inner;
  for (const workflowId of store.workflowIds()) {
    const { workflow } = store.peek(workflowId)!;
    const initial = checks.initial(workflowId)!;
    if (!isTerminalWorkflow(workflow.status)) continue;
    checks.checks += 1;
    const steps = checks.outcomes.get(workflowId) ?? [];
    const reference = interpret(initial.definition, initial.input, steps, {
      taskDefs: (name) => defs.get(name),
      scripts,
      workflowId,
      now: initial.createTime,
      correlationId: initial.correlationId,
      maxTaskWrites: MAX_TASK_WRITES_PER_DECIDE,
    });
    for (const difference of compareWithReference(workflow, reference))
      checks.fail('S5', workflowId, difference);
  }
};

/** The longest a workflow may wait on a timer: a response or task timeout, a retry delay, a WAIT. */
const longestTimerMs = (taskDefs: readonly TaskDef[]): number => {
  let longest = 10_000;
  for (const def of taskDefs) {
    const retryDelay = (def.retryDelaySeconds ?? 0) * 2 ** (def.retryCount ?? 0);
    longest = Math.max(
      longest,
      (def.timeoutSeconds ?? 0) * 1000,
      (def.responseTimeoutSeconds ?? 0) * 1000 + retryDelay * 1000,
    );
  }
  return longest;
};

const operationCounts = (operator: Operator | undefined, checks: InvariantChecks): SeedResult['operations'] =>
  Object.fromEntries(
    OPERATION_KINDS.map((kind) => [
      kind,
      {
        ...(operator?.counts[kind] ?? { issued: 0, applied: 0, refused: 0, failed: 0 }),
        committed: checks.committedOperations[kind] ?? 0,
      },
    ]),
  ) as SeedResult['operations'];
