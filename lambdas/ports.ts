/**
 * The engine's view of the outside world: small interfaces named by role. Adapters implement them
 * per technology (lambdas/adapters), in-memory fakes implement them for unit tests (test/fakes).
 */
import type { Task, TaskDef, Workflow, WorkflowDef, WorkflowStatus } from './core/model';

/** The parts of a stored execution that change together, with the revisions a commit is conditioned on. */
export interface StoredExecution {
  workflow: Workflow;
  definition: WorkflowDef;
  /** Bumped by every decide commit; a commit succeeds only against the version it read. */
  version: number;
  /** Fencing token of the newest lease taken; only grows. */
  epoch: number;
  lease?: Lease;
  /** Per-task item revision, by taskId: a task write succeeds only against the revision it read. */
  taskRevisions: ReadonlyMap<string, number>;
  /**
   * Ended executions only: the epoch second after which the store may delete it (the installation's
   * retention after its end). Absent while it runs, and when ended executions are kept for good.
   */
  expiresAt?: number;
}

export interface Lease {
  owner: string;
  expiresAt: number;
  epoch: number;
}

export type LeaseOutcome =
  | { kind: 'acquired'; lease: Lease }
  /** Someone else holds an unexpired lease: hand the decide back for later, never drop it. */
  | { kind: 'busy'; heldUntil: number }
  | { kind: 'missing' };

/** A decide's writes, applied atomically or not at all. */
export interface DecideCommit {
  workflowId: string;
  /** The version the decide read; the commit fails if anyone committed since. */
  expectedVersion: number;
  /** The lease the decide holds, if it took one; released by the commit. */
  lease?: Lease;
  workflow: Workflow;
  /** Tasks created (no revision yet) or changed (with the revision read). */
  tasks: { task: Task; expectedRevision?: number }[];
  removedTaskIds: string[];
  /**
   * Executions this commit starts (a failure workflow), created with it atomically so that a crash
   * after the commit cannot lose the start. One that already exists is left as it is.
   */
  startedWorkflows?: { workflow: Workflow; definition: WorkflowDef }[];
  /** Replaces the execution's definition (a restart with the latest definitions), atomically with the rest. */
  definition?: WorkflowDef;
}

export type CommitOutcome = { kind: 'committed'; version: number } | { kind: 'conflict'; reason: string };

/** A start with an idempotency key (scoped to the workflow name). */
export interface IdempotentStart {
  key: string;
  /** The ended execution that holds the key now, to hand the key over from (FAIL_ON_RUNNING). */
  replacing?: string;
}

/** `keyHeld`: another execution holds the idempotency key; nothing was written. */
export type CreateOutcome = 'created' | 'exists' | { kind: 'keyHeld'; workflowId: string };

/** Executions and their tasks: the durable state and the per-workflow lock. */
export interface ExecutionStore {
  /** Creates the execution, and claims its idempotency key in the same atomic write. */
  create(
    execution: { workflow: Workflow; definition: WorkflowDef },
    idempotency?: IdempotentStart,
  ): Promise<CreateOutcome>;
  load(workflowId: string): Promise<StoredExecution | undefined>;
  getTask(workflowId: string, taskId: string): Promise<{ task: Task; revision: number } | undefined>;
  /**
   * Writes one task, conditioned on its revision. A task that has ended but that no decide has
   * acted on yet (terminal, `executed: false`) is indexed as "decide pending" by this same write:
   * the durable signal the reconcile looks for, with no second item and no transaction.
   */
  putTask(workflowId: string, task: Task, expectedRevision: number): Promise<'written' | 'conflict'>;
  acquireLease(workflowId: string, owner: string, now: number, durationMs: number): Promise<LeaseOutcome>;
  commit(commit: DecideCommit): Promise<CommitOutcome>;
  /** Hands out up to `count` due tasks of a type, each to exactly one caller, marked IN_PROGRESS. */
  claimTasks(taskType: string, count: number, workerId: string | undefined, now: number): Promise<Task[]>;
  /**
   * Workflows that need a decide the normal path has not delivered: a change no decide has seen
   * for longer than `graceMs`, or a deadline that has passed. Reads the sparse reconcile index.
   */
  findOverdue(now: number, graceMs: number, limit: number): Promise<string[]>;
  /**
   * Deletes the execution with all its items, its index entries and its idempotency key; false
   * when there was no such execution. The head goes first, so no decide can commit after it; a
   * removal cut short is finished by the next call.
   */
  remove(workflowId: string): Promise<boolean>;
}

/** Which workflows a search wants: every field given must match, and one of its values suffices. */
export interface WorkflowFilter {
  workflowTypes?: readonly string[];
  statuses?: readonly WorkflowStatus[];
  correlationIds?: readonly string[];
  /** Inclusive bounds on startTime, epoch ms. */
  startedFrom?: number;
  startedTo?: number;
}

/** Results `start` to `start + size - 1` of a search, counted from 0. */
export interface SearchPage {
  start: number;
  size: number;
}

export interface SearchResult<T> {
  /**
   * The matches, counted only as far as the page needs: exact when they end within
   * `start + size`, otherwise `start + size + 1`, which says "at least one more page".
   */
  totalHits: number;
  results: T[];
}

/** A workflow as lists show it: everything but its tasks. */
export type WorkflowWithoutTasks = Omit<Workflow, 'tasks'>;

/**
 * The read side of the executions: searches and lists, each served by an index made for it, never
 * by reading every execution. Index reads are eventually consistent, so an answer can miss a change
 * of the last moments; nothing may decide from it (the engine reads ExecutionStore for that).
 */
export interface ExecutionQueries {
  /** Ordered by startTime (ties by workflowId), oldest or newest first. */
  searchWorkflows(
    filter: WorkflowFilter,
    page: SearchPage,
    order: 'ASC' | 'DESC',
  ): Promise<SearchResult<WorkflowWithoutTasks>>;
  /** Ids of the RUNNING workflows of a type, oldest first; of one version when given. */
  runningWorkflowIds(
    workflowType: string,
    options?: { version?: number; startedFrom?: number; startedTo?: number },
  ): Promise<string[]>;
  /** The workflows of a type sharing a correlationId, oldest first; only unfinished ones unless asked. */
  correlatedWorkflows(
    workflowType: string,
    correlationId: string,
    includeClosed: boolean,
  ): Promise<WorkflowWithoutTasks[]>;
  /** SCHEDULED worker tasks of the given types, in the order pollers get them (when each falls due). */
  scheduledTasks(taskTypes: readonly string[], page: SearchPage): Promise<SearchResult<Task>>;
  /** How many tasks wait in each type's queue: SCHEDULED worker tasks, due or not yet due. */
  queueSizes(taskTypes: readonly string[]): Promise<Record<string, number>>;
}

/** One version of a workflow definition without its body: Conductor's WorkflowDefSummary. */
export interface WorkflowDefSummary {
  name: string;
  version: number;
  createTime?: number;
  updateTime?: number;
}

/** Definitions, versioned. */
export interface MetadataStore {
  /** Stores a definition, replacing that name and version if present. */
  putWorkflowDef(definition: WorkflowDef): Promise<void>;
  /** Stores a definition only if that name and version are absent: of two racing creates, one wins. */
  createWorkflowDef(definition: WorkflowDef): Promise<'created' | 'exists'>;
  /** The given version, or the highest one. */
  getWorkflowDef(name: string, version?: number): Promise<WorkflowDef | undefined>;
  /** Every version of every name. */
  listWorkflowDefs(): Promise<WorkflowDef[]>;
  /** Every version of one name, lowest first; empty for an unknown name. */
  listWorkflowVersions(name: string): Promise<WorkflowDefSummary[]>;
  /** False when that version did not exist. Executions keep the copy they started with. */
  deleteWorkflowDef(name: string, version: number): Promise<boolean>;
  putTaskDef(definition: TaskDef): Promise<void>;
  getTaskDef(name: string): Promise<TaskDef | undefined>;
  listTaskDefs(): Promise<TaskDef[]>;
  deleteTaskDef(name: string): Promise<boolean>;
}

/** One line logged for a task: Conductor's TaskExecLog. */
export interface TaskExecLog {
  log: string;
  taskId: string;
  /** Epoch ms: when the worker says it logged the line, or when the server took it. */
  createdTime: number;
}

/**
 * Task execution logs, kept apart from the execution: no decide reads them, so thousands of lines
 * cost a workflow nothing, and a lost log write loses a line, never a step of the workflow.
 */
export interface TaskLogStore {
  appendTaskLogs(workflowId: string, logs: readonly TaskExecLog[]): Promise<void>;
  /** A task's lines, newest first, fetched page by page as the caller reads on. */
  newestTaskLogs(workflowId: string, taskId: string): AsyncIterable<TaskExecLog>;
  /** Deletes every line of a workflow's tasks: part of removing the workflow. */
  removeTaskLogs(workflowId: string): Promise<void>;
}

/** When a worker last polled a task type: Conductor's PollData (queueName is the task type). */
export interface PollData {
  queueName: string;
  domain?: string;
  workerId?: string;
  lastPollTime: number;
}

/**
 * The last poll per task type and worker. An adapter may write lazily (at most every few
 * seconds per worker), so `lastPollTime` can lag behind the latest poll by that much.
 */
export interface PollDataStore {
  recordPoll(poll: PollData): Promise<void>;
  listPollData(taskType: string): Promise<PollData[]>;
}

/** Hints that a workflow needs a decide; losing one only delays it until the reconcile. */
export interface DecideQueue {
  requestDecide(workflowId: string, delaySeconds?: number): Promise<void>;
}

/** Work for the system-task runner (HTTP, EVENT, child workflow starts, parent notifications). */
export interface SystemTaskQueue {
  enqueue(
    work: { workflowId: string; taskId: string; taskType: string },
    delaySeconds: number,
  ): Promise<void>;
}

/** One-time wake-ups; a timer that fires for a workflow that no longer needs it is harmless. */
export interface Timers {
  wakeAt(workflowId: string, at: number): Promise<void>;
}

export interface Clock {
  now(): number;
}

export interface IdGenerator {
  workflowId(): string;
}

/** One HTTP exchange as the HTTP system task asks for it; the adapter owns the transport. */
export interface HttpExchange {
  uri: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

export interface HttpReply {
  statusCode: number;
  reasonPhrase: string;
  /** Lower-cased names; every value a list, as Conductor's output shows them. */
  headers: Record<string, string[]>;
  body: string;
}

/** Sends a request; throws with a readable message on a network failure or a timeout. */
export interface HttpClient {
  send(request: HttpExchange): Promise<HttpReply>;
}

/** Where an EVENT system task publishes. */
export interface EventSink {
  publish(sink: { type: 'sqs'; destination: string }, message: string): Promise<void>;
}
