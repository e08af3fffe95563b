/**
 * The Conductor data model, with Conductor's field names, so that a definition written for
 * Conductor loads unchanged and a Conductor client reads Baton's JSON without translation.
 */

export const WorkflowStatus = {
  RUNNING: 'RUNNING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  TIMED_OUT: 'TIMED_OUT',
  TERMINATED: 'TERMINATED',
  PAUSED: 'PAUSED',
} as const;
export type WorkflowStatus = (typeof WorkflowStatus)[keyof typeof WorkflowStatus];

export const TaskStatus = {
  SCHEDULED: 'SCHEDULED',
  IN_PROGRESS: 'IN_PROGRESS',
  COMPLETED: 'COMPLETED',
  COMPLETED_WITH_ERRORS: 'COMPLETED_WITH_ERRORS',
  FAILED: 'FAILED',
  FAILED_WITH_TERMINAL_ERROR: 'FAILED_WITH_TERMINAL_ERROR',
  TIMED_OUT: 'TIMED_OUT',
  CANCELED: 'CANCELED',
  SKIPPED: 'SKIPPED',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const TaskType = {
  SIMPLE: 'SIMPLE',
  FORK_JOIN: 'FORK_JOIN',
  FORK_JOIN_DYNAMIC: 'FORK_JOIN_DYNAMIC',
  JOIN: 'JOIN',
  EXCLUSIVE_JOIN: 'EXCLUSIVE_JOIN',
  SWITCH: 'SWITCH',
  DECISION: 'DECISION',
  DO_WHILE: 'DO_WHILE',
  SET_VARIABLE: 'SET_VARIABLE',
  TERMINATE: 'TERMINATE',
  WAIT: 'WAIT',
  HUMAN: 'HUMAN',
  SUB_WORKFLOW: 'SUB_WORKFLOW',
  START_WORKFLOW: 'START_WORKFLOW',
  DYNAMIC: 'DYNAMIC',
  INLINE: 'INLINE',
  JSON_JQ_TRANSFORM: 'JSON_JQ_TRANSFORM',
  NOOP: 'NOOP',
  HTTP: 'HTTP',
  EVENT: 'EVENT',
} as const;
export type TaskType = (typeof TaskType)[keyof typeof TaskType];

/** At run time a FORK_JOIN task reports `taskType: FORK`, as in Conductor. */
export const FORK_TASK_TYPE = 'FORK';

export const TimeoutPolicy = {
  TIME_OUT_WF: 'TIME_OUT_WF',
  ALERT_ONLY: 'ALERT_ONLY',
  RETRY: 'RETRY',
} as const;
export type TimeoutPolicy = (typeof TimeoutPolicy)[keyof typeof TimeoutPolicy];

export const RetryLogic = {
  FIXED: 'FIXED',
  EXPONENTIAL_BACKOFF: 'EXPONENTIAL_BACKOFF',
  LINEAR_BACKOFF: 'LINEAR_BACKOFF',
} as const;
export type RetryLogic = (typeof RetryLogic)[keyof typeof RetryLogic];

export type JsonMap = Record<string, unknown>;

export interface SubWorkflowParams {
  name?: string;
  version?: number;
  workflowDefinition?: WorkflowDef;
  idempotencyKey?: string;
  taskToDomain?: Record<string, string>;
}

/** One step inside a workflow definition. Type-specific fields are optional and checked by validation. */
export interface WorkflowTask {
  name: string;
  taskReferenceName: string;
  type?: string;
  description?: string;
  inputParameters?: JsonMap;
  optional?: boolean;
  startDelay?: number;
  asyncComplete?: boolean;
  retryCount?: number;
  taskDefinition?: TaskDef;
  // FORK_JOIN
  forkTasks?: WorkflowTask[][];
  // JOIN, EXCLUSIVE_JOIN
  joinOn?: string[];
  defaultExclusiveJoinTask?: string[];
  // FORK_JOIN_DYNAMIC
  dynamicForkTasksParam?: string;
  dynamicForkTasksInputParamName?: string;
  // SWITCH, DECISION
  evaluatorType?: string;
  expression?: string;
  caseValueParam?: string;
  caseExpression?: string;
  decisionCases?: Record<string, WorkflowTask[]>;
  defaultCase?: WorkflowTask[];
  // DO_WHILE
  loopCondition?: string;
  loopOver?: WorkflowTask[];
  // SUB_WORKFLOW
  subWorkflowParam?: SubWorkflowParams;
  // DYNAMIC
  dynamicTaskNameParam?: string;
  // EVENT
  sink?: string;
  [extra: string]: unknown;
}

export interface WorkflowDef {
  name: string;
  description?: string;
  version?: number;
  tasks: WorkflowTask[];
  inputParameters?: string[];
  outputParameters?: JsonMap;
  failureWorkflow?: string;
  schemaVersion?: number;
  restartable?: boolean;
  timeoutPolicy?: 'TIME_OUT_WF' | 'ALERT_ONLY';
  timeoutSeconds?: number;
  variables?: JsonMap;
  inputTemplate?: JsonMap;
  ownerEmail?: string;
  workflowStatusListenerEnabled?: boolean;
  [extra: string]: unknown;
}

/** Registered per worker task name; a SIMPLE task without one runs with these defaults. */
export interface TaskDef {
  name: string;
  description?: string;
  retryCount?: number;
  retryLogic?: RetryLogic;
  retryDelaySeconds?: number;
  backoffScaleFactor?: number;
  maxRetryDelaySeconds?: number;
  timeoutSeconds?: number;
  totalTimeoutSeconds?: number;
  responseTimeoutSeconds?: number;
  pollTimeoutSeconds?: number;
  timeoutPolicy?: TimeoutPolicy;
  concurrentExecLimit?: number;
  rateLimitPerFrequency?: number;
  rateLimitFrequencyInSeconds?: number;
  inputKeys?: string[];
  outputKeys?: string[];
  inputTemplate?: JsonMap;
  ownerEmail?: string;
  [extra: string]: unknown;
}

export const TASK_DEF_DEFAULTS = {
  retryCount: 3,
  retryLogic: RetryLogic.FIXED,
  retryDelaySeconds: 60,
  backoffScaleFactor: 1,
  responseTimeoutSeconds: 3600,
  timeoutSeconds: 0,
  pollTimeoutSeconds: 0,
  timeoutPolicy: TimeoutPolicy.TIME_OUT_WF,
} as const;

/** One task execution, as Conductor's Task JSON. Times are epoch milliseconds. */
export interface Task {
  taskId: string;
  taskType: string;
  taskDefName: string;
  status: TaskStatus;
  referenceTaskName: string;
  workflowInstanceId: string;
  workflowType: string;
  correlationId?: string;
  seq: number;
  iteration: number;
  retryCount: number;
  pollCount: number;
  inputData: JsonMap;
  outputData: JsonMap;
  scheduledTime: number;
  startTime: number;
  endTime: number;
  updateTime: number;
  startDelayInSeconds: number;
  callbackAfterSeconds: number;
  responseTimeoutSeconds: number;
  retried: boolean;
  retriedTaskId?: string;
  /** Set once the decider has acted on this task's terminal status (Conductor's `executed`). */
  executed: boolean;
  reasonForIncompletion?: string;
  workerId?: string;
  subWorkflowId?: string;
  workflowTask: WorkflowTask;
  /** Set when a worker's IN_PROGRESS result or a retry delay postponed the task; pollable from then. */
  callbackTime?: number;
  /** When a WAIT task with a duration or an `until` completes (epoch ms). */
  waitTimeout?: number;
  /**
   * Set on a task inside a fork's branch: its siblings tend to end together, so its result is
   * decided through the decide queue, which batches them, rather than inline (update-task.ts).
   */
  inFork?: true;
  /** Branches a fork has started so far, while it is too wide to start them all in one decide. */
  forkProgress?: number;
  /**
   * Ended while its workflow was PAUSED: not acted on (`executed` stays false) until a resume, and
   * no longer indexed as "decide pending", so a paused workflow costs the reconcile nothing.
   */
  heldByPause?: boolean;
  /**
   * When an operator's retry with resumeSubworkflowTasks asked for this SUB_WORKFLOW's child to be
   * retried too (epoch ms). Until the child reports, every look at it repeats that request, which
   * the runtime carries out only if the child has not been retried since.
   */
  childRetryRequestedAt?: number;
}

/**
 * Set while a restart or a rerun removes tasks, before anything is scheduled again: a commit can
 * neither delete and re-create one item nor hold more than a few dozen writes, so the removal takes
 * as many decides as it needs, and only a later decide, which no longer loads those tasks, starts
 * the workflow again.
 */
export interface Clearing {
  /** Tasks with a greater seq go (a rerun keeps the ones running in parallel); 0 for a restart. */
  afterSeq: number;
  /** The task a rerun starts again from; absent for a restart, which starts from the first task. */
  rerunFromTaskId?: string;
  /** Merged over the rerun task's input when its new attempt is scheduled. */
  taskInput?: JsonMap;
  /**
   * The attempt the rerun task's new run becomes: one past every attempt it had, so no removed
   * task's id comes back (a worker may still hold that task).
   */
  retryCount?: number;
}

export interface Workflow {
  workflowId: string;
  workflowName: string;
  workflowVersion: number;
  status: WorkflowStatus;
  input: JsonMap;
  output: JsonMap;
  variables: JsonMap;
  tasks: Task[];
  correlationId?: string;
  reasonForIncompletion?: string;
  failedReferenceTaskNames: string[];
  failedTaskId?: string;
  startTime: number;
  endTime: number;
  createTime: number;
  updateTime: number;
  parentWorkflowId?: string;
  parentWorkflowTaskId?: string;
  priority: number;
  idempotencyKey?: string;
  taskToDomain?: Record<string, string>;
  /** Earliest instant at which something in this execution falls due (a timeout, a WAIT); 0 when none. */
  nextDeadline: number;
  /** When an operator last retried, reran or resumed it (epoch ms): the workflow timeout counts from then. */
  lastRetriedTime?: number;
  /** Present while a restart or rerun is still removing tasks (see Clearing). */
  clearing?: Clearing;
  /** How many restarts and reruns started it again; part of the ids of tasks made since (ids.ts). */
  generation?: number;
}

/** A running execution together with the definition it started with. */
export interface Execution {
  workflow: Workflow;
  definition: WorkflowDef;
}

const TERMINAL_TASK = new Set<string>([
  TaskStatus.COMPLETED,
  TaskStatus.COMPLETED_WITH_ERRORS,
  TaskStatus.FAILED,
  TaskStatus.FAILED_WITH_TERMINAL_ERROR,
  TaskStatus.TIMED_OUT,
  TaskStatus.CANCELED,
  TaskStatus.SKIPPED,
]);
const SUCCESSFUL_TASK = new Set<string>([
  TaskStatus.COMPLETED,
  TaskStatus.COMPLETED_WITH_ERRORS,
  TaskStatus.SKIPPED,
]);
/** The statuses a workflow ends in. */
export const TERMINAL_WORKFLOW_STATUSES: readonly WorkflowStatus[] = [
  WorkflowStatus.COMPLETED,
  WorkflowStatus.FAILED,
  WorkflowStatus.TIMED_OUT,
  WorkflowStatus.TERMINATED,
];
const TERMINAL_WORKFLOW = new Set<string>(TERMINAL_WORKFLOW_STATUSES);

export const isTerminalTask = (status: string): boolean => TERMINAL_TASK.has(status);
export const isSuccessfulTask = (status: string): boolean => SUCCESSFUL_TASK.has(status);
export const isTerminalWorkflow = (status: string): boolean => TERMINAL_WORKFLOW.has(status);

/** The type a WorkflowTask runs as; Conductor treats a missing type as SIMPLE. */
export const typeOf = (task: WorkflowTask): string => task.type ?? TaskType.SIMPLE;
