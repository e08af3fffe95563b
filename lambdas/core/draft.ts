import type { Effect } from './effects';
import { baseRefOf, iterationRef, taskIdFor } from './ids';
import {
  isTerminalTask,
  type JsonMap,
  type Task,
  TaskStatus,
  type Workflow,
  type WorkflowDef,
  type WorkflowTask,
} from './model';
import type { ExpressionRoots } from './params';
import { oversizedPayload } from './payload-limits';

/** What one decide changed: exactly the tasks to write, so the store never rewrites the rest. */
export interface DecideResult {
  next: Workflow;
  /** Tasks created or modified by this decide, in seq order. */
  changedTasks: Task[];
  /** Tasks dropped by DO_WHILE keepLastN. */
  removedTaskIds: string[];
  /** True when the workflow's own fields (status, output, variables, deadline…) changed. */
  workflowChanged: boolean;
  effects: Effect[];
  /** The definition the execution runs with from now on, when this decide replaced it (a restart). */
  definition?: WorkflowDef;
}

/** The attempt a re-scheduled step becomes, whatever attempt its task kind would have made. */
export interface Reattempt {
  ref: string;
  iteration: number;
  retryCount: number;
  retriedTaskId: string;
}

/** How many of the newest tasks a lookup by reference searches before it indexes them all. */
const RECENT_WINDOW = 64;

export interface NewTaskFields {
  taskType: string;
  status: Task['status'];
  inputData: JsonMap;
  outputData?: JsonMap;
  retryCount?: number;
  retriedTaskId?: string;
  callbackAfterSeconds?: number;
  responseTimeoutSeconds?: number;
  reasonForIncompletion?: string;
  subWorkflowId?: string;
  waitTimeout?: number;
  /** For steps that carry on by themselves when scheduled (FORK, SWITCH, TERMINATE). */
  executed?: boolean;
}

/**
 * The execution as one decide sees and changes it. Tasks are copied on write, and every index is
 * built in one pass, so a decide over n tasks costs O(n) however many steps it takes.
 */
export class ExecutionDraft {
  readonly workflow: Workflow;
  readonly effects: Effect[] = [];
  workflowChanged = false;
  /** Terminal tasks the decider has not acted on yet, in the order they should be handled. */
  readonly pending: Task[] = [];
  /** Tasks that ended while the workflow was paused, left for a resume to act on (see heldByPause). */
  readonly held: Task[] = [];
  /** Set when this decide replaces the execution's definition. */
  definition?: WorkflowDef;

  /** In seq order, which makes a task's position a binary search away without an id index. */
  private readonly tasks: Task[];
  // Built on first use: touching every task of a 10,000-task execution costs more than the decide.
  private byRef?: Map<string, Task>;
  private byBaseRef?: Map<string, Task>;
  /** Current version of every task created or modified by this decide. */
  private readonly changed = new Map<string, Task>();
  /** Current version of every task not yet ended; few, however long the execution. */
  private readonly activeTasks = new Map<string, Task>();
  private readonly removed = new Set<string>();
  private readonly viewCache = new Map<string, JsonMap>();
  private nextSeq = 1;
  private reattempt?: Reattempt;

  constructor(
    workflow: Workflow,
    private readonly now: number,
    /** Whether a step sits in a fork's branch (definition-index.ts); tasks made for it are marked. */
    private readonly inFork: (step: WorkflowTask) => boolean = () => false,
  ) {
    this.workflow = { ...workflow };
    this.tasks = [...workflow.tasks];
    let previousSeq = 0;
    let sorted = true;
    for (const task of this.tasks) {
      if (task.seq <= previousSeq) sorted = false;
      previousSeq = task.seq;
      if (!isTerminalTask(task.status)) this.activeTasks.set(task.taskId, task);
      else if (!task.executed) (task.heldByPause ? this.held : this.pending).push(task);
    }
    if (!sorted) this.tasks.sort((a, b) => a.seq - b.seq);
    this.nextSeq = (this.tasks.at(-1)?.seq ?? 0) + 1;
  }

  all(): readonly Task[] {
    return this.tasks;
  }

  /** Tasks created or changed so far: what the commit will write. */
  changedCount(): number {
    return this.changed.size;
  }

  /** Tasks that have not ended, in no particular order. */
  active(): Task[] {
    return [...this.activeTasks.values()];
  }

  /** The current version of a task (an earlier copy may be stale after an update). */
  current(task: Pick<Task, 'taskId' | 'seq'>): Task | undefined {
    const position = this.positionOf(task);
    return position === undefined ? undefined : this.tasks[position];
  }

  /**
   * The newest attempt of a reference (the `__N` form inside loops). Expressions nearly always
   * name a recent task, so the newest tasks are searched first; only a miss indexes them all.
   */
  latest(ref: string): Task | undefined {
    if (this.byRef) return this.byRef.get(ref);
    const stop = Math.max(0, this.tasks.length - RECENT_WINDOW);
    for (let position = this.tasks.length - 1; position >= stop; position--) {
      if (this.tasks[position]!.referenceTaskName === ref) return this.tasks[position];
    }
    return this.refIndex().get(ref);
  }

  /** The `count` tasks created just before `task`, oldest first, read by index without copying. */
  preceding(task: Pick<Task, 'taskId' | 'seq'>, count: number): (index: number) => Task | undefined {
    const end = this.positionOf(task) ?? 0;
    const start = end - count;
    return (index) =>
      index >= 0 && index < count && start + index >= 0 ? this.tasks[start + index] : undefined;
  }

  patchWorkflow(fields: Partial<Workflow>): void {
    Object.assign(this.workflow, fields);
    this.workflowChanged = true;
  }

  /** Adds a task unless this attempt already exists: one task per (reference, iteration, retry). */
  add(step: WorkflowTask, iteration: number, requested: NewTaskFields): Task {
    const fields = withinPayloadLimit(requested);
    const ref = iterationRef(step.taskReferenceName, iteration);
    // Kinds that never retry (JOIN, DO_WHILE…) ask for no attempt; an operator's retry still makes a new one.
    const reattempt =
      fields.retryCount === undefined && this.reattempt?.ref === ref && this.reattempt.iteration === iteration
        ? this.reattempt
        : undefined;
    const retryCount = fields.retryCount ?? reattempt?.retryCount ?? 0;
    const taskId = taskIdFor(this.workflow.workflowId, ref, iteration, retryCount, this.workflow.generation);
    // A second schedule of the same attempt returns the first. Across decides the store's
    // conditional put of this derived id is what keeps an attempt unique.
    const existing = this.changed.get(taskId) ?? this.indexedAttempt(ref, retryCount, taskId);
    if (existing) return existing;
    const terminal = isTerminalTask(fields.status);
    const task: Task = {
      taskId,
      taskType: fields.taskType,
      taskDefName: step.name,
      status: fields.status,
      referenceTaskName: ref,
      workflowInstanceId: this.workflow.workflowId,
      workflowType: this.workflow.workflowName,
      correlationId: this.workflow.correlationId,
      seq: this.nextSeq++,
      iteration,
      retryCount,
      pollCount: 0,
      inputData: fields.inputData,
      outputData: fields.outputData ?? {},
      scheduledTime: this.now,
      startTime: fields.status === 'SCHEDULED' ? 0 : this.now,
      endTime: terminal ? this.now : 0,
      updateTime: this.now,
      startDelayInSeconds: step.startDelay ?? 0,
      callbackAfterSeconds: fields.callbackAfterSeconds ?? 0,
      responseTimeoutSeconds: fields.responseTimeoutSeconds ?? 0,
      retried: false,
      retriedTaskId: fields.retriedTaskId ?? reattempt?.retriedTaskId,
      executed: fields.executed ?? false,
      reasonForIncompletion: fields.reasonForIncompletion,
      subWorkflowId: fields.subWorkflowId,
      workflowTask: step,
      waitTimeout: fields.waitTimeout,
    };
    if (this.inFork(step)) task.inFork = true;
    if (task.callbackAfterSeconds > 0) task.callbackTime = this.now + task.callbackAfterSeconds * 1000;
    this.tasks.push(task);
    this.remember(task);
    this.changed.set(taskId, task);
    if (!terminal) this.activeTasks.set(taskId, task);
    else if (!task.executed) this.pending.push(task);
    return task;
  }

  /** Replaces a task with a changed copy; a task that becomes terminal joins the pending list. */
  update(task: Pick<Task, 'taskId' | 'seq'>, fields: Partial<Task>): Task {
    const position = this.positionOf(task);
    if (position === undefined) throw new Error(`unknown task ${task.taskId}`);
    const taskId = task.taskId;
    const before = this.tasks[position]!;
    const after: Task = { ...before, ...withinPayloadLimit(fields), updateTime: this.now };
    if (isTerminalTask(after.status) && !isTerminalTask(before.status) && !after.endTime)
      after.endTime = this.now;
    this.tasks[position] = after;
    this.remember(after);
    this.viewCache.delete(taskId);
    this.changed.set(taskId, after);
    if (isTerminalTask(after.status)) this.activeTasks.delete(taskId);
    else this.activeTasks.set(taskId, after);
    if (isTerminalTask(after.status) && !after.executed && !isTerminalTask(before.status))
      this.pending.push(after);
    return after;
  }

  remove(taskIds: Iterable<string>): void {
    for (const id of taskIds) this.removed.add(id);
  }

  /** Tasks this decide removes so far. */
  removedCount(): number {
    return this.removed.size;
  }

  /**
   * Puts an ended task back among those to act on. Only a task that becomes terminal joins the
   * pending list by itself; one released from a pause was terminal all along.
   */
  requeue(task: Task): void {
    this.pending.push(task);
  }

  /** Runs `schedule` with the step `attempt` names made as that attempt (see add). */
  withAttempt<T>(attempt: Reattempt, schedule: () => T): T {
    this.reattempt = attempt;
    try {
      return schedule();
    } finally {
      this.reattempt = undefined;
    }
  }

  emit(effect: Effect): void {
    this.effects.push(effect);
  }

  /** Expression roots as seen from a step in `iteration`: loop steps resolve to the same iteration. */
  roots(iteration: number): ExpressionRoots {
    return (root) => {
      if (root === 'workflow') return this.workflowView();
      const task =
        (iteration > 0 ? this.latest(iterationRef(root, iteration)) : undefined) ??
        this.latest(root) ??
        this.baseRefIndex().get(root);
      return task ? this.taskView(task) : undefined;
    };
  }

  result(): DecideResult {
    const keep = this.removed.size ? this.tasks.filter((task) => !this.removed.has(task.taskId)) : this.tasks;
    const changedTasks = [...this.changed.values()]
      .filter((task) => !this.removed.has(task.taskId))
      .sort((a, b) => a.seq - b.seq);
    return {
      next: { ...this.workflow, tasks: keep },
      changedTasks,
      removedTaskIds: [...this.removed],
      workflowChanged:
        this.workflowChanged ||
        changedTasks.length > 0 ||
        this.removed.size > 0 ||
        this.definition !== undefined,
      effects: this.effects,
      definition: this.definition,
    };
  }

  private positionOf(task: Pick<Task, 'taskId' | 'seq'>): number | undefined {
    let low = 0;
    let high = this.tasks.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const seq = this.tasks[middle]!.seq;
      if (seq === task.seq) return this.tasks[middle]!.taskId === task.taskId ? middle : undefined;
      if (seq < task.seq) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /**
   * The attempt of `ref` with this retryCount, whatever generation made it: a task a rerun kept
   * (another branch, an enclosing JOIN) is the attempt, even though a new one would get another id.
   */
  private indexedAttempt(ref: string, retryCount: number, taskId: string): Task | undefined {
    const newest = this.byRef?.get(ref);
    if (!newest || newest.retryCount < retryCount) return undefined;
    if (newest.taskId === taskId || newest.retryCount === retryCount) return newest;
    return this.tasks.find(
      (task) => task.taskId === taskId || (task.referenceTaskName === ref && task.retryCount === retryCount),
    );
  }

  private refIndex(): Map<string, Task> {
    if (!this.byRef) {
      this.byRef = new Map();
      for (const task of this.tasks) this.remember(task);
    }
    return this.byRef;
  }

  private baseRefIndex(): Map<string, Task> {
    if (!this.byBaseRef) {
      this.byBaseRef = new Map();
      for (const task of this.tasks) this.rememberBase(task);
    }
    return this.byBaseRef;
  }

  private remember(task: Task): void {
    if (this.byRef) {
      const current = this.byRef.get(task.referenceTaskName);
      if (!current || current.retryCount <= task.retryCount) this.byRef.set(task.referenceTaskName, task);
    }
    if (this.byBaseRef) this.rememberBase(task);
  }

  private rememberBase(task: Task): void {
    const base = baseRefOf(task.referenceTaskName, task.iteration);
    const current = this.byBaseRef!.get(base);
    if (!current || current.seq <= task.seq) this.byBaseRef!.set(base, task);
  }

  private workflowView(): JsonMap {
    const wf = this.workflow;
    return {
      input: wf.input,
      output: wf.output,
      variables: wf.variables,
      workflowId: wf.workflowId,
      workflowType: wf.workflowName,
      version: wf.workflowVersion,
      correlationId: wf.correlationId ?? null,
      status: wf.status,
      parentWorkflowId: wf.parentWorkflowId ?? null,
      parentWorkflowTaskId: wf.parentWorkflowTaskId ?? null,
      createTime: wf.createTime,
      startTime: wf.startTime,
      priority: wf.priority,
      taskToDomain: wf.taskToDomain ?? {},
      reasonForIncompletion: wf.reasonForIncompletion ?? null,
    };
  }

  private taskView(task: Task): JsonMap {
    const cached = this.viewCache.get(task.taskId);
    if (cached) return cached;
    const view: JsonMap = {
      input: task.inputData,
      output: task.outputData,
      status: task.status,
      taskId: task.taskId,
      referenceTaskName: task.referenceTaskName,
      taskType: task.taskType,
      retryCount: task.retryCount,
      iteration: task.iteration,
      pollCount: task.pollCount,
      scheduledTime: task.scheduledTime,
      startTime: task.startTime,
      endTime: task.endTime,
      reasonForIncompletion: task.reasonForIncompletion ?? null,
      workerId: task.workerId ?? null,
      subWorkflowId: task.subWorkflowId ?? null,
    };
    this.viewCache.set(task.taskId, view);
    return view;
  }
}

/**
 * Every task the decider writes passes here: a payload too big to store ends the task
 * FAILED_WITH_TERMINAL_ERROR with the reason instead, and the workflow reacts as to any failure.
 */
const withinPayloadLimit = <
  Fields extends { status?: Task['status']; inputData?: JsonMap; outputData?: JsonMap },
>(
  fields: Fields,
): Fields => {
  const problem =
    oversizedPayload('the task input', fields.inputData) ??
    oversizedPayload('the task output', fields.outputData);
  if (!problem) return fields;
  return {
    ...fields,
    status: TaskStatus.FAILED_WITH_TERMINAL_ERROR,
    ...(fields.inputData ? { inputData: {} } : {}),
    outputData: {},
    reasonForIncompletion: problem,
  };
};
