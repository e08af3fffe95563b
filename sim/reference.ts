import { isDeepStrictEqual } from 'node:util';
import { decide, terminate } from '../lambdas/core/decide';
import type { DecideResult } from '../lambdas/core/draft';
import { taskIdFor } from '../lambdas/core/ids';
import {
  isTerminalTask,
  type JsonMap,
  type Task,
  type TaskDef,
  TaskStatus,
  TaskType,
  typeOf,
  type Workflow,
  type WorkflowDef,
  type WorkflowStatus,
} from '../lambdas/core/model';
import { taskDefFor } from '../lambdas/core/retry';
import type { ScriptRuntime } from '../lambdas/core/scripting/script-runtime';
import { createWorkflow } from '../lambdas/core/start';
import { runnerOf } from '../lambdas/core/tasks/index';
import type { DecideContext } from '../lambdas/core/tasks/task-kind';
import { type TimeoutCause, taskDeadline, timeoutReason } from '../lambdas/core/timeouts';
import { applyOperation, type ReplayedOperation } from './reference-operations';

/** A task's end that came from outside the decider, as the engine stored it. */
export interface Outcome {
  /** The task's id, when known: derived from state, so the reference makes the same one. */
  taskId?: string;
  ref: string;
  iteration: number;
  retryCount: number;
  status: TaskStatus;
  outputData: JsonMap;
  reasonForIncompletion?: string;
  /**
   * How many times the engine had removed this attempt's task (a restart or rerun removes tasks and
   * creates them again under the same ids) when the outcome was stored: an outcome of a removed
   * generation has nothing left to act on.
   */
  generation?: number;
}

/**
 * Where the engine committed a decide. `saw` is how many of the workflow's outcomes had been stored
 * when that decide read the execution (by default, all those listed before the point): a result
 * stored between the read and the commit waits for a later decide. The ends the decide made itself
 * (timeouts, WAITs that fell due) are stored with its commit, and so listed after what it saw.
 */
export interface DecidePoint {
  decided: true;
  saw?: number;
}

/**
 * Where the engine ended the workflow from outside its own flow: an operator's terminate, or a
 * parent that ended and terminated its child. The core's `terminate` acts on no pending result.
 */
export interface Termination {
  terminated: true;
  reason?: string;
  saw?: number;
}

/**
 * Where the engine committed an operator's operation (pause, resume, retry, restart, rerun, skip):
 * the reference applies the core's same operation there, instead of a decide.
 */
export interface OperationStep {
  operation: ReplayedOperation;
  saw?: number;
}

export type ReplayStep = Outcome | DecidePoint | Termination | OperationStep;

export interface ReferenceTask {
  ref: string;
  iteration: number;
  retryCount: number;
  status: string;
}

export type ReferenceResult =
  | { kind: 'final'; status: WorkflowStatus; output: JsonMap; tasks: ReferenceTask[] }
  | { kind: 'diverged'; reason: string };

export interface ReferenceContext {
  taskDefs: (name: string) => TaskDef | undefined;
  scripts: ScriptRuntime;
  workflowId: string;
  now: number;
  /** The start request's correlationId, which expressions may read. */
  correlationId?: string;
  /** What one engine decide may write; with decide points, each point replays one such decide. */
  maxTaskWrites?: number;
}

/** Runners whose tasks end by a worker, the system-task runner or a child, never by the decider. */
const EXTERNAL_RUNNERS = new Set<string>(['worker', 'system', 'child']);
/** Enough for any workflow a simulation runs; more means the decider never settles. */
const MAX_DECIDES_TO_SETTLE = 1_000;

/** Whether a terminal task's end is an input of the reference run rather than something it must reproduce. */
export const isExternalOutcome = (task: Task): boolean => {
  if (!isTerminalTask(task.status) || task.status === TaskStatus.CANCELED) return false;
  if (task.status === TaskStatus.TIMED_OUT) return true;
  const runner = runnerOf(task);
  return runner !== undefined && EXTERNAL_RUNNERS.has(runner);
};

const isDecidePoint = (step: ReplayStep): step is DecidePoint => 'decided' in step;
const isTermination = (step: ReplayStep): step is Termination => 'terminated' in step;
const isOperationStep = (step: ReplayStep): step is OperationStep => 'operation' in step;
/** A step where the engine committed something of its own, after reading `saw` outcomes. */
const isCommitPoint = (step: ReplayStep): step is DecidePoint | Termination | OperationStep =>
  isDecidePoint(step) || isTermination(step) || isOperationStep(step);

class Diverged extends Error {}

/**
 * Replays a workflow's external outcomes, in the order the engine stored them, on one in-memory
 * execution with the core's decide, and returns the final state. Time stands still at `now`, so the
 * core never ends anything by the clock itself; a timeout or a WAIT that fell due arrives as an
 * outcome, and the reference sets the task up so that the core's own timer code ends it in the next
 * decide, with the same consequences as in the engine (a TIME_OUT_WF task timeout ends the workflow).
 *
 * Given only outcomes, the reference decides to a fixpoint after each. Given decide points (steps
 * holding any DecidePoint, Termination or OperationStep are taken to record them all), it decides
 * exactly where the engine did, one decide per point, the first standing for the start's decide: the
 * final state of a workflow that fails or is terminated depends on which results one decide saw
 * together, which the outcomes alone do not tell. A completed workflow's final state does not
 * depend on it. At an operation's point it applies the core's operation instead of a decide.
 */
export const interpret = (
  definition: WorkflowDef,
  input: JsonMap,
  steps: readonly ReplayStep[],
  context: ReferenceContext,
): ReferenceResult => {
  const replay = new Replay(definition, input, context);
  try {
    if (steps.some(isCommitPoint)) replay.atDecidePoints(steps);
    else replay.afterEveryOutcome(steps as readonly Outcome[]);
    replay.settle();
  } catch (error) {
    if (error instanceof Diverged) return { kind: 'diverged', reason: error.message };
    throw error;
  }
  const { workflow } = replay;
  return {
    kind: 'final',
    status: workflow.status,
    output: workflow.output,
    tasks: workflow.tasks.map((task) => ({
      ref: task.referenceTaskName,
      iteration: task.iteration,
      retryCount: task.retryCount,
      status: task.status,
    })),
  };
};

class Replay {
  workflow: Workflow;
  /** Time-driven outcomes set up for the next decide to produce, by task id. */
  private readonly staged = new Map<string, Outcome>();
  /** How many times each task id was removed: the generation an outcome must belong to. */
  private readonly removals = new Map<string, number>();

  constructor(
    private definition: WorkflowDef,
    input: JsonMap,
    private readonly context: ReferenceContext,
  ) {
    this.workflow = createWorkflow(
      definition,
      { name: definition.name, version: definition.version, input, correlationId: context.correlationId },
      { workflowId: context.workflowId, now: context.now },
    );
  }

  afterEveryOutcome(outcomes: readonly Outcome[]): void {
    this.settle();
    for (const outcome of outcomes) {
      this.apply(outcome);
      this.settle();
    }
  }

  /** Outcomes are applied when a decide saw them (or made them), in the order they were stored. */
  atDecidePoints(steps: readonly ReplayStep[]): void {
    const stored: Outcome[] = [];
    const applied = new Set<number>();
    let unapplied = 0;
    const applyStored = (count: number): void => {
      for (; unapplied < count; unapplied++) {
        if (!applied.has(unapplied)) this.apply(stored[unapplied]!);
      }
    };
    for (const step of steps) {
      if (!isCommitPoint(step)) {
        stored.push(step);
        continue;
      }
      const saw = Math.min(step.saw ?? stored.length, stored.length);
      applyStored(saw);
      if (isTermination(step)) {
        this.terminate(step.reason);
        continue;
      }
      for (let index = saw; index < stored.length; index++) {
        if (applied.has(index) || !this.endedByClock(stored[index]!)) continue;
        applied.add(index);
        this.apply(stored[index]!);
      }
      if (isOperationStep(step)) this.operate(step.operation);
      else this.decideOnce();
    }
    // What no decide saw: a stalled engine; the reference carries on, so the difference shows.
    applyStored(stored.length);
  }

  /** Returns whether the decide changed anything. */
  decideOnce(): boolean {
    const result = decide({ workflow: this.workflow, definition: this.definition }, this.decideContext());
    this.adopt(result);
    this.checkStaged();
    return result.workflowChanged;
  }

  terminate(reason = 'terminated'): void {
    const execution = { workflow: this.workflow, definition: this.definition };
    this.adopt(terminate(execution, reason, this.decideContext()));
  }

  /** An operation the core refuses here changes nothing, as the engine's refused one commits nothing. */
  operate(operation: ReplayedOperation): void {
    const execution = { workflow: this.workflow, definition: this.definition };
    const verdict = applyOperation(execution, operation, this.decideContext());
    if (verdict.kind === 'done') this.adopt(verdict.result);
    this.checkStaged();
  }

  private adopt(result: DecideResult): void {
    this.workflow = result.next;
    if (result.definition) this.definition = result.definition;
    for (const taskId of result.removedTaskIds)
      this.removals.set(taskId, (this.removals.get(taskId) ?? 0) + 1);
  }

  private decideContext(): DecideContext {
    const { taskDefs, scripts, now, maxTaskWrites } = this.context;
    return { now, taskDefs, scripts, maxTaskWrites };
  }

  settle(): void {
    for (let decides = 0; decides < MAX_DECIDES_TO_SETTLE; decides++) {
      if (!this.decideOnce()) return;
    }
    throw new Diverged(`the reference did not settle within ${MAX_DECIDES_TO_SETTLE} decides`);
  }

  apply(outcome: Outcome): void {
    const attempt = `${outcome.ref} (iteration ${outcome.iteration}, retry ${outcome.retryCount})`;
    if (this.isOfRemovedGeneration(outcome)) return;
    const removed = this.removals.get(this.taskIdOf(outcome)) ?? 0;
    const generation = outcome.generation ?? 0;
    if (generation > removed) {
      throw new Diverged(
        `${outcome.status} outcome for ${attempt} after the engine removed it ${generation} times, the reference ${removed}`,
      );
    }
    const task = this.find(outcome);
    if (!task)
      throw new Diverged(`${outcome.status} outcome for ${attempt}, which the reference never scheduled`);
    if (isTerminalTask(task.status)) {
      // A worker task the decider itself ended (an oversized input) is stored terminal by the engine too.
      if (task.status === outcome.status && isDeepStrictEqual(task.outputData, outcome.outputData)) return;
      throw new Diverged(`${outcome.status} outcome for ${attempt}, which had already ended ${task.status}`);
    }
    const staged = stageTimeDriven(task, outcome, this.taskDef(task), this.context.now);
    if (staged) {
      this.staged.set(task.taskId, outcome);
      this.replace(staged);
      return;
    }
    // Exactly what a stored worker result is: ended, and not yet acted on by a decide.
    const { now } = this.context;
    this.replace({
      ...task,
      status: outcome.status,
      outputData: outcome.outputData,
      reasonForIncompletion: outcome.reasonForIncompletion ?? task.reasonForIncompletion,
      endTime: now,
      updateTime: now,
      executed: false,
    });
  }

  /** Whether a decide's own clock ended the task (a timeout, a WAIT that fell due), not a worker. */
  private endedByClock(outcome: Outcome): boolean {
    if (this.isOfRemovedGeneration(outcome)) return false;
    if (outcome.status === TaskStatus.TIMED_OUT) return true;
    const task = this.find(outcome);
    if (!task) return false;
    if (typeOf(task.workflowTask) === TaskType.WAIT) return fellDue(task, outcome);
    return timeoutCauseOf(task, outcome, this.taskDef(task)) !== undefined;
  }

  /** The task the outcome was stored in has since been removed, here as in the engine. */
  private isOfRemovedGeneration(outcome: Outcome): boolean {
    return (outcome.generation ?? 0) < (this.removals.get(this.taskIdOf(outcome)) ?? 0);
  }

  private taskIdOf(outcome: Outcome): string {
    return (
      outcome.taskId ?? taskIdFor(this.context.workflowId, outcome.ref, outcome.iteration, outcome.retryCount)
    );
  }

  private find(outcome: Outcome): Task | undefined {
    if (outcome.taskId) return this.workflow.tasks.find((candidate) => candidate.taskId === outcome.taskId);
    return this.workflow.tasks.find(
      (candidate) =>
        candidate.referenceTaskName === outcome.ref &&
        candidate.iteration === outcome.iteration &&
        candidate.retryCount === outcome.retryCount,
    );
  }

  private taskDef(task: Task): TaskDef | undefined {
    return taskDefFor(task.workflowTask, this.context.taskDefs);
  }

  /** A staged end the core did not produce means the reference and the engine saw different states. */
  private checkStaged(): void {
    for (const [taskId, outcome] of this.staged) {
      const task = this.workflow.tasks.find((candidate) => candidate.taskId === taskId);
      if (task?.status !== outcome.status) {
        throw new Diverged(
          `the engine ended ${outcome.ref} (iteration ${outcome.iteration}, retry ${outcome.retryCount}) ` +
            `${outcome.status} by the clock, the reference's decide left it ${task?.status ?? 'removed'}`,
        );
      }
    }
    this.staged.clear();
  }

  private replace(task: Task): void {
    this.workflow = {
      ...this.workflow,
      tasks: this.workflow.tasks.map((existing) => (existing.taskId === task.taskId ? task : existing)),
    };
  }
}

/** A WAIT with a duration completed as its time came: no one gave it an output. */
const fellDue = (task: Task, outcome: Outcome): boolean =>
  outcome.status === TaskStatus.COMPLETED &&
  task.waitTimeout !== undefined &&
  isDeepStrictEqual(outcome.outputData, task.outputData);

const TIMEOUT_CAUSES: readonly TimeoutCause[] = ['poll', 'task', 'response'];

/**
 * Why the engine's clock ended the task, read from the reason, which the core words per cause; a
 * TIMED_OUT end with another reason counts as a response timeout. An optional task out of retries is
 * stored COMPLETED_WITH_ERRORS by the very decide that timed it out, so that status with a timeout's
 * reason is a timeout too. Undefined for an end that is not a timeout.
 */
const timeoutCauseOf = (
  task: Task,
  outcome: Outcome,
  taskDef: TaskDef | undefined,
): TimeoutCause | undefined => {
  const worded = TIMEOUT_CAUSES.find(
    (cause) => timeoutReason(task, cause, taskDef) === outcome.reasonForIncompletion,
  );
  if (outcome.status === TaskStatus.TIMED_OUT) return worded ?? 'response';
  return outcome.status === TaskStatus.COMPLETED_WITH_ERRORS ? worded : undefined;
};

/**
 * For an end the engine's clock produced (a timeout, a WAIT that fell due), the task as it must be
 * for the core's own timer code to produce that same end at `now`; undefined for any other outcome,
 * or when the task cannot be set up so (then the outcome is applied like a worker result).
 */
const stageTimeDriven = (
  task: Task,
  outcome: Outcome,
  taskDef: TaskDef | undefined,
  now: number,
): Task | undefined => {
  if (typeOf(task.workflowTask) === TaskType.WAIT) {
    return fellDue(task, outcome) ? { ...task, waitTimeout: now } : undefined;
  }
  const cause = timeoutCauseOf(task, outcome, taskDef);
  if (!cause) return undefined;
  const base = { ...task, outputData: outcome.outputData };
  const staged: Task =
    cause === 'poll'
      ? {
          ...base,
          status: TaskStatus.SCHEDULED,
          startTime: 0,
          callbackTime: undefined,
          scheduledTime: now - ((taskDef?.pollTimeoutSeconds ?? 0) + task.startDelayInSeconds) * 1000,
        }
      : cause === 'task'
        ? {
            ...base,
            status: TaskStatus.IN_PROGRESS,
            startTime: now - (taskDef?.timeoutSeconds ?? 0) * 1000,
            updateTime: now,
          }
        : {
            ...base,
            status: TaskStatus.IN_PROGRESS,
            startTime: now,
            updateTime: now - task.responseTimeoutSeconds * 1000,
          };
  const deadline = taskDeadline(staged, taskDef);
  return deadline && deadline.at <= now && deadline.cause === cause ? staged : undefined;
};

/** Differences between the engine's final state and the reference's; [] when they agree. */
export const compareWithReference = (engine: Workflow, reference: ReferenceResult): string[] => {
  if (reference.kind === 'diverged') return [`the reference run diverged: ${reference.reason}`];
  const differences: string[] = [];
  if (engine.status !== reference.status) {
    differences.push(`workflow status: engine ${engine.status}, reference ${reference.status}`);
  }
  const outputDifference = firstDifference(asJson(engine.output), asJson(reference.output), 'output');
  if (outputDifference) differences.push(outputDifference);
  differences.push(...taskDifferences(engine.tasks, reference.tasks));
  return differences;
};

const MAX_TASK_DIFFERENCES = 20;

const attemptKey = (task: { ref: string; iteration: number; retryCount: number }): string =>
  `${task.ref} (iteration ${task.iteration}, retry ${task.retryCount})`;

/** The multisets of (attempt, status) compared; a difference is reported per attempt. */
const taskDifferences = (
  engineTasks: readonly Task[],
  referenceTasks: readonly ReferenceTask[],
): string[] => {
  const statuses = new Map<string, { engine: string[]; reference: string[] }>();
  const entry = (key: string) => {
    const found = statuses.get(key) ?? { engine: [], reference: [] };
    statuses.set(key, found);
    return found;
  };
  for (const task of engineTasks) {
    entry(
      attemptKey({ ref: task.referenceTaskName, iteration: task.iteration, retryCount: task.retryCount }),
    ).engine.push(task.status);
  }
  for (const task of referenceTasks) entry(attemptKey(task)).reference.push(task.status);
  const differences: string[] = [];
  for (const [key, { engine, reference }] of statuses) {
    const same = isDeepStrictEqual([...engine].sort(), [...reference].sort());
    if (!same) differences.push(`task ${key}: engine ${listed(engine)}, reference ${listed(reference)}`);
  }
  if (differences.length <= MAX_TASK_DIFFERENCES) return differences;
  return [
    ...differences.slice(0, MAX_TASK_DIFFERENCES),
    `… and ${differences.length - MAX_TASK_DIFFERENCES} more task differences`,
  ];
};

const listed = (statuses: readonly string[]): string =>
  statuses.length === 0 ? 'none' : statuses.join(' + ');

/** Stored outputs went through JSON, so undefined members and key order must not count. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

const isPlainObject = (value: unknown): value is JsonMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first path at which two JSON values differ, worded for a report; undefined when equal. */
const firstDifference = (engine: unknown, reference: unknown, path: string): string | undefined => {
  if (isDeepStrictEqual(engine, reference)) return undefined;
  if (isPlainObject(engine) && isPlainObject(reference)) {
    for (const key of new Set([...Object.keys(engine), ...Object.keys(reference)])) {
      const found = firstDifference(engine[key], reference[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  if (Array.isArray(engine) && Array.isArray(reference) && engine.length === reference.length) {
    for (let i = 0; i < engine.length; i++) {
      const found = firstDifference(engine[i], reference[i], `${path}[${i}]`);
      if (found) return found;
    }
  }
  return `${path}: engine ${brief(engine)}, reference ${brief(reference)}`;
};

const brief = (value: unknown): string => {
  const text = value === undefined ? 'missing' : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
};
