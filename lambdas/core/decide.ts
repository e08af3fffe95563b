import { type DefinitionIndex, indexDefinition, type NextStep } from './definition-index';
import { type DecideResult, ExecutionDraft, type Reattempt } from './draft';
import { cancelActiveTasks, finishWorkflow } from './finish';
import {
  type Execution,
  isSuccessfulTask,
  isTerminalTask,
  isTerminalWorkflow,
  type JsonMap,
  type Task,
  type TaskDef,
  TaskStatus,
  TaskType,
  typeOf,
  type WorkflowDef,
  WorkflowStatus,
  type WorkflowTask,
} from './model';
import { continueClearing } from './operations';
import { resolveParameters } from './params';
import { maxRetries, retryDelaySeconds, taskDefFor } from './retry';
import { endIteration } from './tasks/do-while';
import { kindOf } from './tasks/index';
import { childStartRequest } from './tasks/sub-workflow';
import type { DecideContext, DecideScope, EndOptions, TaskKind } from './tasks/task-kind';
import {
  isChildCheckDue,
  isRedriveDue,
  nextChildCheckAt,
  nextRedriveAt,
  taskDeadline,
  timeoutPolicyOf,
  timeoutReason,
  workflowDeadline,
} from './timeouts';

const DEFAULT_MAX_TASK_WRITES = 1_000;

/**
 * Given an execution and the moment, decides what happens next: which tasks to create or end,
 * and which effects the runtime must carry out. Pure: no I/O, no clock, no randomness; the same
 * input always gives the same output, so a redelivered decide is harmless.
 */
export const decide = (execution: Execution, ctx: DecideContext): DecideResult => {
  const decision = new Decision(execution, ctx);
  const { status } = execution.workflow;
  if (status === WorkflowStatus.RUNNING) decision.proceed();
  else if (status === WorkflowStatus.PAUSED) decision.hold();
  else if (isTerminalWorkflow(status)) cancelActiveTasks(decision, execution.workflow.reasonForIncompletion);
  return decision.draft.result();
};

/** Why an operation may not happen now; `field` names the part of the request that is wrong. */
export interface Refusal {
  reason: string;
  field?: string;
}

/** An operator's operation, decided: the decide to commit, or why it is refused. */
export type OperationResult = { kind: 'done'; result: DecideResult } | ({ kind: 'illegal' } & Refusal);

/** What an operation (core/operations.ts) may do inside the decide that applies it. */
export interface OperationScope extends DecideScope {
  /** Carries on as a decide of a running workflow would: the rest of a clearing, or a normal run. */
  proceed(): void;
  /** The normal run of a decide: act on ended tasks, time out, schedule what comes next. */
  run(): void;
  /** Marks the results that arrived while PAUSED as held (see Decision.hold). */
  hold(): void;
  /** A new attempt of an ended task, as an operator's retry or rerun makes it (see Decision.reattempt). */
  reattempt(task: Task, options?: ReattemptOptions): void;
  /** A new attempt of a step that holds progress (JOIN, DO_WHILE…), IN_PROGRESS where it stopped. */
  resumeInPlace(task: Task, options?: { retryCount?: number; outputData?: JsonMap }): Task;
}

export interface ReattemptOptions {
  /** The attempt to make; the next one after `task` by default. */
  retryCount?: number;
  /** Replaces the task's input. */
  input?: JsonMap;
  /** Schedule the step from scratch even if it could come back where it stopped (a rerun). */
  fresh?: boolean;
}

/**
 * Applies an operator's operation through a decide: `apply` checks the execution and changes it
 * through the scope, or returns why it may not; the result commits like any decide's, conditioned
 * on the version read, so an operation racing a decide or a worker's result is never lost.
 */
export const operate = (
  execution: Execution,
  ctx: DecideContext,
  apply: (scope: OperationScope) => Refusal | undefined,
): OperationResult => {
  const decision = new Decision(execution, ctx);
  const refusal = apply(decision);
  return refusal ? { kind: 'illegal', ...refusal } : { kind: 'done', result: decision.draft.result() };
};

/**
 * Ends a running or paused execution at an operator's request: every active task is canceled,
 * children are terminated, the parent is told, and no failure workflow starts.
 */
export const terminate = (execution: Execution, reason: string, ctx: DecideContext): DecideResult => {
  const decision = new Decision(execution, ctx);
  decision.terminate(reason);
  return decision.draft.result();
};

class Decision implements OperationScope {
  readonly draft: ExecutionDraft;
  readonly index: DefinitionIndex;
  readonly definition: WorkflowDef;
  private readonly watched = new Map<string, { task: Task; kind: TaskKind }>();

  constructor(
    execution: Execution,
    readonly ctx: DecideContext,
  ) {
    this.definition = execution.definition;
    this.index = indexDefinition(execution.definition);
    const forked = new Map<string, boolean>();
    this.draft = new ExecutionDraft(execution.workflow, ctx.now, (step) => {
      let inFork = forked.get(step.taskReferenceName);
      if (inFork === undefined) {
        inFork = isInFork(this.index, step);
        forked.set(step.taskReferenceName, inFork);
      }
      return inFork;
    });
    for (const task of this.draft.active()) this.watch(task);
  }

  proceed(): void {
    if (this.draft.workflow.clearing) continueClearing(this);
    else this.run();
  }

  run(): void {
    if (!this.releaseHeld()) {
      this.continueLater();
      return;
    }
    if (this.draft.all().length === 0) this.follow(this.index.firstOf(this.definition.tasks, rootStep), 0);
    if (this.timeWorkflowOut()) return;
    this.timeTasksOut();
    const settled = this.settle();
    if (!this.isRunning()) return;
    if (settled && this.draft.active().length === 0) this.endWorkflow(WorkflowStatus.COMPLETED, undefined);
    else this.scheduleWakeUp();
  }

  terminate(reason: string): void {
    const { status } = this.draft.workflow;
    if (status !== WorkflowStatus.RUNNING && status !== WorkflowStatus.PAUSED) return;
    // finishWorkflow only ends running workflows; a paused one is ended all the same, and a
    // restart or rerun still removing tasks stops where it is.
    this.draft.patchWorkflow({ status: WorkflowStatus.RUNNING, clearing: undefined });
    this.endWorkflow(WorkflowStatus.TERMINATED, reason, { byOperator: true });
  }

  /**
   * A decide of a PAUSED workflow acts on nothing, but marks each result that arrived meanwhile as
   * held: the write takes it out of the reconcile's "decide pending" index until a resume.
   */
  hold(): void {
    for (const task of this.draft.pending) {
      if (this.budgetLeft() <= 0) {
        this.continueLater();
        return;
      }
      const current = this.draft.current(task);
      if (current && !current.executed && !current.heldByPause)
        this.draft.update(current, { heldByPause: true });
    }
  }

  /**
   * A new attempt of an ended task. A step that holds progress while it runs (JOIN, EXCLUSIVE_JOIN,
   * DO_WHILE, and a fork canceled while still starting branches) comes back IN_PROGRESS where it
   * stopped, as Conductor brings back its JOIN and DO_WHILE; any other step is scheduled again by
   * its kind with its input (or `input`), at once: an operator asked for it, so no retry delay.
   */
  reattempt(task: Task, options: ReattemptOptions = {}): void {
    const retryCount = options.retryCount ?? task.retryCount + 1;
    this.draft.update(task, { retried: true, executed: true });
    const step = task.workflowTask;
    const kind = kindOf(typeOf(step));
    if (!options.fresh && kind?.runner === 'decider' && resumesInPlace(task)) {
      this.resumeInPlace(task, { retryCount });
      // A loop whose condition failed evaluates it again; one canceled mid-iteration waits for its body.
      if (typeOf(step) === TaskType.DO_WHILE && task.status === TaskStatus.FAILED) endIteration(this, step);
      return;
    }
    const input = options.input ?? task.inputData;
    if (!kind) {
      this.draft.add(step, task.iteration, {
        taskType: task.taskType,
        status: TaskStatus.FAILED_WITH_TERMINAL_ERROR,
        inputData: input,
        retryCount,
        retriedTaskId: task.taskId,
        reasonForIncompletion: `unknown task type ${typeOf(step)}`,
      });
      return;
    }
    const attempt: Reattempt = {
      ref: task.referenceTaskName,
      iteration: task.iteration,
      retryCount,
      retriedTaskId: task.taskId,
    };
    this.draft.withAttempt(attempt, () =>
      kind.schedule(this, {
        step,
        iteration: task.iteration,
        input,
        retryCount,
        retriedTaskId: task.taskId,
        delaySeconds: 0,
      }),
    );
  }

  resumeInPlace(task: Task, options: { retryCount?: number; outputData?: JsonMap } = {}): Task {
    const resumed = this.draft.add(task.workflowTask, task.iteration, {
      taskType: task.taskType,
      status: TaskStatus.IN_PROGRESS,
      inputData: task.inputData,
      outputData: options.outputData ?? task.outputData,
      retryCount: options.retryCount ?? task.retryCount + 1,
      retriedTaskId: task.taskId,
    });
    const withProgress =
      task.forkProgress === undefined
        ? resumed
        : this.draft.update(resumed, { forkProgress: task.forkProgress });
    this.watch(withProgress);
    return withProgress;
  }

  taskDef(step: WorkflowTask): TaskDef | undefined {
    return taskDefFor(step, this.ctx.taskDefs);
  }

  follow(next: NextStep, iteration: number, inputOverride?: JsonMap): void {
    if (!this.isRunning()) return;
    if (next.kind === 'loopEnd') endIteration(this, next.loop);
    if (next.kind !== 'step') return;
    const { step } = next;
    const kind = kindOf(typeOf(step));
    const input = inputOverride ?? this.resolveInput(step, iteration);
    if (!kind) {
      this.draft.add(step, iteration, {
        taskType: typeOf(step),
        status: TaskStatus.FAILED_WITH_TERMINAL_ERROR,
        inputData: input,
        reasonForIncompletion: `unknown task type ${typeOf(step)}`,
      });
      return;
    }
    kind.schedule(this, { step, iteration, input, retryCount: 0, delaySeconds: step.startDelay ?? 0 });
  }

  budgetLeft(): number {
    return (this.ctx.maxTaskWrites ?? DEFAULT_MAX_TASK_WRITES) - this.draft.changedCount();
  }

  /** Asks for another decide to carry on with what this one had no budget left for. */
  continueLater(): void {
    if (!this.draft.effects.some((effect) => effect.type === 'continueDecide')) {
      this.draft.emit({ type: 'continueDecide' });
    }
  }

  watch(task: Task): void {
    const kind = kindOf(typeOf(task.workflowTask));
    if (kind?.reevaluate) this.watched.set(task.taskId, { task, kind });
  }

  endWorkflow(status: WorkflowStatus, reason: string | undefined, options: EndOptions = {}): void {
    if (!this.isRunning()) return;
    finishWorkflow(this, status, reason, options);
    this.watched.clear();
  }

  private isRunning(): boolean {
    return this.draft.workflow.status === WorkflowStatus.RUNNING;
  }

  /**
   * Acts on nothing until every task held by a pause is released (a resume releases them over as
   * many decides as the budget needs); false while some are still held.
   */
  private releaseHeld(): boolean {
    for (const task of this.draft.held) {
      const current = this.draft.current(task);
      if (!current?.heldByPause) continue;
      if (this.budgetLeft() <= 0) return false;
      this.draft.requeue(this.draft.update(current, { heldByPause: undefined }));
    }
    return true;
  }

  /** The workflow timeout counts from the last retry, rerun or resume, as Conductor counts it. */
  private workflowDue(): number | undefined {
    const { workflow } = this.draft;
    const since = workflow.lastRetriedTime ? { ...workflow, startTime: workflow.lastRetriedTime } : workflow;
    return workflowDeadline(since, this.definition);
  }

  private resolveInput(step: WorkflowTask, iteration: number): JsonMap {
    return resolveParameters(step.inputParameters, this.draft.roots(iteration));
  }

  /**
   * Acts on every ended task, then lets watched tasks (JOIN, WAIT) look again, until nothing moves.
   * Stops early, asking to be called again, once the step budget is spent: a DO_WHILE of in-decide
   * tasks must not keep one decide busy forever.
   */
  private settle(): boolean {
    let cursor = 0;
    for (;;) {
      while (cursor < this.draft.pending.length && this.isRunning()) {
        if (this.budgetLeft() <= 0) {
          this.continueLater();
          return false;
        }
        const task = this.draft.current(this.draft.pending[cursor++]!);
        if (task && !task.executed) this.actOnEnded(task);
      }
      if (!this.isRunning() || !this.reevaluateWatched()) return true;
    }
  }

  /** Returns true when a watched task ended, which may let the flow move on. */
  private reevaluateWatched(): boolean {
    const before = this.draft.pending.length;
    for (const [taskId, watched] of [...this.watched]) {
      const task = this.draft.current(watched.task);
      if (!task || isTerminalTask(task.status)) {
        this.watched.delete(taskId);
        continue;
      }
      watched.kind.reevaluate?.(this, task);
      if (isTerminalTask(this.draft.current(task)?.status ?? '')) this.watched.delete(taskId);
    }
    return this.draft.pending.length > before;
  }

  private actOnEnded(ended: Task): void {
    const task = this.draft.update(ended, { executed: true });
    if (isSuccessfulTask(task.status)) {
      this.carryOn(task);
      return;
    }
    const step = task.workflowTask;
    const taskDef = this.taskDef(step);
    const kind = kindOf(typeOf(step));
    const retriesLeft = task.retryCount < maxRetries(step, taskDef);
    if (kind?.retryable && retriesLeft && task.status !== TaskStatus.FAILED_WITH_TERMINAL_ERROR) {
      this.retry(task, kind, taskDef);
    } else if (step.optional) {
      this.carryOn(this.draft.update(task, { status: TaskStatus.COMPLETED_WITH_ERRORS }));
    } else {
      const status = task.status === TaskStatus.TIMED_OUT ? WorkflowStatus.TIMED_OUT : WorkflowStatus.FAILED;
      const reason = task.reasonForIncompletion ?? `task ${task.referenceTaskName} ended ${task.status}`;
      this.endWorkflow(status, reason, { failedTask: task });
    }
  }

  private carryOn(task: Task): void {
    const baseRef = task.workflowTask.taskReferenceName;
    this.follow(this.index.nextAfter(baseRef), task.iteration);
  }

  /** The retry is a new task pointing at the one it replaces, scheduled after the retry delay. */
  private retry(task: Task, kind: TaskKind, taskDef: TaskDef | undefined): void {
    this.draft.update(task, { retried: true });
    kind.schedule(this, {
      step: task.workflowTask,
      iteration: task.iteration,
      input: task.inputData,
      retryCount: task.retryCount + 1,
      retriedTaskId: task.taskId,
      delaySeconds: Math.max(retryDelaySeconds(taskDef, task.retryCount), task.workflowTask.startDelay ?? 0),
    });
  }

  private timeWorkflowOut(): boolean {
    const due = this.workflowDue();
    if (due === undefined || this.ctx.now < due) return false;
    this.endWorkflow(
      WorkflowStatus.TIMED_OUT,
      `workflow did not complete within timeoutSeconds (${this.definition.timeoutSeconds})`,
    );
    return true;
  }

  /**
   * The start request is rebuilt from the task, exactly as the SUB_WORKFLOW kind first made it. A
   * task an operator's retry resumed repeats its request to retry the child instead, so a crash
   * right after that retry's commit cannot lose it.
   */
  private checkChild(task: Task): void {
    const start = childStartRequest(this.draft.workflow, task.workflowTask, task.inputData, task.taskId);
    const child = { taskId: task.taskId, workflowId: task.subWorkflowId!, request: start };
    if (task.childRetryRequestedAt !== undefined) {
      this.draft.emit({ type: 'retryChildWorkflow', ...child, requestedAt: task.childRetryRequestedAt });
    } else {
      this.draft.emit({ type: 'checkChildWorkflow', ...child });
    }
  }

  private timeTasksOut(): void {
    for (const task of this.draft.active()) {
      if (!this.isRunning()) return;
      const kind = kindOf(typeOf(task.workflowTask));
      if (isChildCheckDue(task, this.ctx.now)) this.checkChild(task);
      if (kind?.runner !== 'worker' && kind?.runner !== 'system') continue;
      if (isRedriveDue(task, this.ctx.now)) {
        this.draft.emit({
          type: 'runSystemTask',
          taskId: task.taskId,
          taskType: task.taskType,
          delaySeconds: 0,
        });
      }
      const taskDef = this.taskDef(task.workflowTask);
      const deadline = taskDeadline(task, taskDef);
      if (!deadline || this.ctx.now < deadline.at) continue;
      const reasonForIncompletion = timeoutReason(task, deadline.cause, taskDef);
      // Under TIME_OUT_WF a task or poll timeout ends the workflow at once, retries or not (as Conductor);
      // a response timeout only ends the attempt, which is then retried.
      const endsWorkflow = deadline.cause !== 'response' && timeoutPolicyOf(taskDef) === 'TIME_OUT_WF';
      const timedOut = this.draft.update(task, {
        status: TaskStatus.TIMED_OUT,
        reasonForIncompletion,
        executed: endsWorkflow,
      });
      this.draft.emit({ type: 'cancelTask', taskId: task.taskId, taskType: task.taskType });
      if (endsWorkflow)
        this.endWorkflow(WorkflowStatus.TIMED_OUT, reasonForIncompletion, { failedTask: timedOut });
    }
  }

  /** One timer per workflow, at its earliest deadline; set again only when that instant changes. */
  private scheduleWakeUp(): void {
    let soonest = this.workflowDue() ?? Number.POSITIVE_INFINITY;
    for (const task of this.draft.active()) {
      const kind = kindOf(typeOf(task.workflowTask));
      const wake =
        kind?.wakeAt?.(task) ?? nextRedriveAt(task, this.ctx.now) ?? nextChildCheckAt(task, this.ctx.now);
      if (wake !== undefined && wake < soonest) soonest = wake;
      if (kind?.runner === 'worker' || kind?.runner === 'system') {
        const deadline = taskDeadline(task, this.taskDef(task.workflowTask));
        if (deadline && deadline.at < soonest) soonest = deadline.at;
      }
    }
    const nextDeadline = Number.isFinite(soonest) ? soonest : 0;
    if (nextDeadline === this.draft.workflow.nextDeadline) return;
    this.draft.patchWorkflow({ nextDeadline });
    if (nextDeadline > 0) this.draft.emit({ type: 'setTimer', at: nextDeadline });
  }
}

/**
 * Steps that only ever end from IN_PROGRESS, holding what they gathered so far: whatever ended them,
 * they come back where they stopped. Any other decider step that was CANCELED was IN_PROGRESS too
 * (a fork still starting branches); one that FAILED failed as it was scheduled, and is scheduled again.
 */
const HOLDS_PROGRESS = new Set<string>([TaskType.JOIN, TaskType.EXCLUSIVE_JOIN, TaskType.DO_WHILE]);

const resumesInPlace = (task: Task): boolean =>
  task.status === TaskStatus.CANCELED || HOLDS_PROGRESS.has(typeOf(task.workflowTask));

/** Whether a step sits in a FORK_JOIN's branch, at any depth; a step in no definition was forked dynamically. */
const isInFork = (index: DefinitionIndex, step: WorkflowTask): boolean => {
  let place = index.place(step.taskReferenceName);
  if (!place) return true;
  while (place?.owner) {
    if (typeOf(place.owner) === TaskType.FORK_JOIN) return true;
    place = index.place(place.owner.taskReferenceName);
  }
  return false;
};

/** Stands in as the owner of the top-level task list. */
const rootStep: WorkflowTask = { name: '', taskReferenceName: '', type: TaskType.SIMPLE };
