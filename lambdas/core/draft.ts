import type { Effect } from './effects';
import { baseRefOf, iterationRef, taskIdFor } from './ids';
import { isTerminalTask, type JsonMap, type Task, type Workflow, type WorkflowTask } from './model';
import type { ExpressionRoots } from './params';

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
}

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
  createdCount = 0;

  private readonly tasks: Task[];
  private readonly positionById = new Map<string, number>();
  private readonly latestByRef = new Map<string, Task>();
  private readonly latestByBaseRef = new Map<string, Task>();
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly viewCache = new Map<string, JsonMap>();
  private nextSeq = 1;

  constructor(
    workflow: Workflow,
    private readonly now: number,
  ) {
    this.workflow = { ...workflow };
    this.tasks = [...workflow.tasks];
    this.tasks.forEach((task, position) => {
      this.positionById.set(task.taskId, position);
      this.remember(task);
      if (task.seq >= this.nextSeq) this.nextSeq = task.seq + 1;
      if (isTerminalTask(task.status) && !task.executed) this.pending.push(task);
    });
  }

  all(): readonly Task[] {
    return this.tasks;
  }

  get(taskId: string): Task | undefined {
    const position = this.positionById.get(taskId);
    return position === undefined ? undefined : this.tasks[position];
  }

  /** The newest attempt of a reference (the `__N` form inside loops). */
  latest(ref: string): Task | undefined {
    return this.latestByRef.get(ref);
  }

  /** The newest attempt of a definition step in any iteration. */
  latestOfStep(baseRef: string): Task | undefined {
    return this.latestByBaseRef.get(baseRef);
  }

  patchWorkflow(fields: Partial<Workflow>): void {
    Object.assign(this.workflow, fields);
    this.workflowChanged = true;
  }

  /** Adds a task unless this attempt already exists: one task per (reference, iteration, retry). */
  add(step: WorkflowTask, iteration: number, fields: NewTaskFields): Task {
    const ref = iterationRef(step.taskReferenceName, iteration);
    const retryCount = fields.retryCount ?? 0;
    const taskId = taskIdFor(this.workflow.workflowId, ref, iteration, retryCount);
    const existing = this.get(taskId);
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
      retriedTaskId: fields.retriedTaskId,
      executed: fields.executed ?? false,
      reasonForIncompletion: fields.reasonForIncompletion,
      subWorkflowId: fields.subWorkflowId,
      workflowTask: step,
      waitTimeout: fields.waitTimeout,
    };
    if (task.callbackAfterSeconds > 0) task.callbackTime = this.now + task.callbackAfterSeconds * 1000;
    this.positionById.set(taskId, this.tasks.length);
    this.tasks.push(task);
    this.remember(task);
    this.changed.add(taskId);
    this.createdCount++;
    if (terminal && !task.executed) this.pending.push(task);
    return task;
  }

  /** Replaces a task with a changed copy; a task that becomes terminal joins the pending list. */
  update(taskId: string, fields: Partial<Task>): Task {
    const position = this.positionById.get(taskId);
    if (position === undefined) throw new Error(`unknown task ${taskId}`);
    const before = this.tasks[position]!;
    const after: Task = { ...before, ...fields, updateTime: this.now };
    if (isTerminalTask(after.status) && !isTerminalTask(before.status) && !after.endTime) after.endTime = this.now;
    this.tasks[position] = after;
    this.remember(after);
    this.viewCache.delete(taskId);
    this.changed.add(taskId);
    if (isTerminalTask(after.status) && !after.executed && !isTerminalTask(before.status)) this.pending.push(after);
    return after;
  }

  remove(taskIds: Iterable<string>): void {
    for (const id of taskIds) {
      if (this.positionById.has(id)) this.removed.add(id);
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
        (iteration > 0 ? this.latestByRef.get(iterationRef(root, iteration)) : undefined) ??
        this.latestByRef.get(root) ??
        this.latestByBaseRef.get(root);
      return task ? this.taskView(task) : undefined;
    };
  }

  result(): DecideResult {
    const keep = this.removed.size ? this.tasks.filter((task) => !this.removed.has(task.taskId)) : this.tasks;
    const changedTasks = keep.filter((task) => this.changed.has(task.taskId));
    return {
      next: { ...this.workflow, tasks: keep },
      changedTasks,
      removedTaskIds: [...this.removed],
      workflowChanged: this.workflowChanged || changedTasks.length > 0 || this.removed.size > 0,
      effects: this.effects,
    };
  }

  private remember(task: Task): void {
    const current = this.latestByRef.get(task.referenceTaskName);
    if (!current || current.retryCount <= task.retryCount) this.latestByRef.set(task.referenceTaskName, task);
    const base = baseRefOf(task.referenceTaskName, task.iteration);
    const currentBase = this.latestByBaseRef.get(base);
    if (!currentBase || currentBase.seq <= task.seq) this.latestByBaseRef.set(base, task);
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
