import {
  isTerminalTask,
  isTerminalWorkflow,
  type Task,
  TaskStatus,
  type Workflow,
  type WorkflowDef,
} from '../../lambdas/core/model';
import { markPolled } from '../../lambdas/core/task-result';
import { runnerOf } from '../../lambdas/core/tasks/index';
import { pollableAt, responseDeadlineOf } from '../../lambdas/core/timeouts';
import type {
  CommitOutcome,
  CreateOutcome,
  DecideCommit,
  ExecutionStore,
  IdempotentStart,
  Lease,
  LeaseOutcome,
  StoredExecution,
} from '../../lambdas/ports';
import { expiryOf } from '../../lambdas/shared/retention';

interface Record_ {
  workflow: Omit<Workflow, 'tasks'>;
  definition: WorkflowDef;
  version: number;
  epoch: number;
  lease?: Lease;
  tasks: Map<string, { task: Task; revision: number }>;
  /** Ids of the SCHEDULED worker tasks: what a poll looks through, as the pollable index is. */
  pollable: Set<string>;
  expiresAt?: number;
}

const track = (record: Record_, task: Task): void => {
  if (task.status === TaskStatus.SCHEDULED && runnerOf(task) === 'worker') record.pollable.add(task.taskId);
  else record.pollable.delete(task.taskId);
};

const copy = <T>(value: T): T => structuredClone(value);

/**
 * Task writes one commit may hold: DynamoDB's 100-action transaction less the workflow head and
 * body (lambdas/adapters/dynamodb/commit-transaction.ts). Enforced here too, so that an engine
 * change producing larger commits fails in the simulator, not only against DynamoDB.
 */
const MAX_TASK_WRITES_PER_COMMIT = 98;

/** Worker tasks only: system tasks are SCHEDULED too, but a worker must never receive one. */
const isPollable = (task: Task, taskType: string, now: number): boolean =>
  task.status === TaskStatus.SCHEDULED &&
  task.taskType === taskType &&
  runnerOf(task) === 'worker' &&
  pollableAt(task) <= now;

/**
 * ExecutionStore in memory, with the semantics the DynamoDB adapter has on the wire: every write
 * conditioned on what it read, commits all-or-nothing, copies in and out so nothing is shared.
 * A contract suite runs against both.
 */
/**
 * DynamoDB's indexes are eventually consistent: an item just written may be missing from an index
 * read for a moment. The simulator plugs a lag in here; by default every write is visible at once.
 * Keys: the workflow id for the head, `workflowId/taskId` for a task.
 */
export interface IndexLag {
  wrote(key: string): void;
  visible(key: string): boolean;
}

export interface InMemoryExecutionStoreOptions {
  indexLag?: IndexLag;
  /**
   * Only for the simulator's known-bug check: commits skip the version and lease-epoch conditions,
   * as a decider without fencing would, so the simulator can show it catches the lost updates.
   */
  unfenced?: boolean;
  /** As the DynamoDB store's option: the days an ended execution is kept. */
  finishedRetentionDays?: number;
}

const taskIndexKey = (workflowId: string, taskId: string) => `${workflowId}/${taskId}`;

export class InMemoryExecutionStore implements ExecutionStore {
  private readonly executions = new Map<string, Record_>();
  /** `<workflow name>#<idempotency key>` → the execution holding it. */
  private readonly idempotencyKeys = new Map<string, string>();
  private readonly indexLag?: IndexLag;
  private readonly unfenced: boolean;
  private readonly retentionDays?: number;

  constructor({ indexLag, unfenced = false, finishedRetentionDays }: InMemoryExecutionStoreOptions = {}) {
    this.indexLag = indexLag;
    this.unfenced = unfenced;
    this.retentionDays = finishedRetentionDays;
  }

  async create(
    { workflow, definition }: { workflow: Workflow; definition: WorkflowDef },
    idempotency?: IdempotentStart,
  ): Promise<CreateOutcome> {
    if (this.executions.has(workflow.workflowId)) return 'exists' as const;
    if (idempotency) {
      const key = `${workflow.workflowName}#${idempotency.key}`;
      const holder = this.idempotencyKeys.get(key);
      const holderEnded = (id: string) => {
        const holderRecord = this.executions.get(id);
        return !holderRecord || isTerminalWorkflow(holderRecord.workflow.status);
      };
      if (
        idempotency.replacing
          ? holder !== idempotency.replacing || !holderEnded(holder)
          : holder !== undefined
      ) {
        return { kind: 'keyHeld', workflowId: holder ?? idempotency.replacing! };
      }
      this.idempotencyKeys.set(key, workflow.workflowId);
    }
    const { tasks, ...head } = copy(workflow);
    this.executions.set(workflow.workflowId, {
      workflow: head,
      definition: copy(definition),
      version: 0,
      epoch: 0,
      tasks: new Map(tasks.map((task) => [task.taskId, { task, revision: 1 }])),
      pollable: new Set(),
    });
    for (const task of tasks) track(this.executions.get(workflow.workflowId)!, task);
    this.indexLag?.wrote(workflow.workflowId);
    for (const task of tasks) this.indexLag?.wrote(taskIndexKey(workflow.workflowId, task.taskId));
    return 'created' as const;
  }

  async load(workflowId: string): Promise<StoredExecution | undefined> {
    const record = this.executions.get(workflowId);
    if (!record) return undefined;
    const tasks = [...record.tasks.values()].map(({ task }) => task).sort((a, b) => a.seq - b.seq);
    return {
      ...copy({
        workflow: { ...record.workflow, tasks },
        version: record.version,
        epoch: record.epoch,
        lease: record.lease,
        taskRevisions: new Map([...record.tasks].map(([id, { revision }]) => [id, revision])),
        ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
      }),
      // Replaced only by a commit that brings a new one, and the DynamoDB store also hands out one
      // remembered object.
      definition: record.definition,
    };
  }

  /** The stored execution as it is now, without a copy: for the simulator's invariant checks only. */
  peek(workflowId: string): { workflow: Workflow; definition: WorkflowDef; version: number } | undefined {
    const record = this.executions.get(workflowId);
    if (!record) return undefined;
    const tasks = [...record.tasks.values()].map(({ task }) => task).sort((a, b) => a.seq - b.seq);
    return {
      workflow: { ...record.workflow, tasks } as Workflow,
      definition: record.definition,
      version: record.version,
    };
  }

  /** Every execution's id, for the simulator. */
  workflowIds(): string[] {
    return [...this.executions.keys()];
  }

  async getTask(workflowId: string, taskId: string) {
    const stored = this.executions.get(workflowId)?.tasks.get(taskId);
    return stored ? copy(stored) : undefined;
  }

  async putTask(workflowId: string, task: Task, expectedRevision: number) {
    const record = this.executions.get(workflowId);
    const stored = record?.tasks.get(task.taskId);
    if (!record || !stored || stored.revision !== expectedRevision) return 'conflict' as const;
    record.tasks.set(task.taskId, { task: copy(task), revision: expectedRevision + 1 });
    track(record, task);
    this.indexLag?.wrote(taskIndexKey(workflowId, task.taskId));
    return 'written' as const;
  }

  async acquireLease(
    workflowId: string,
    owner: string,
    now: number,
    durationMs: number,
  ): Promise<LeaseOutcome> {
    const record = this.executions.get(workflowId);
    if (!record) return { kind: 'missing' };
    if (record.lease && record.lease.expiresAt > now && record.lease.owner !== owner) {
      return { kind: 'busy', heldUntil: record.lease.expiresAt };
    }
    record.epoch += 1;
    record.lease = { owner, expiresAt: now + durationMs, epoch: record.epoch };
    return { kind: 'acquired', lease: { ...record.lease } };
  }

  async commit(commit: DecideCommit): Promise<CommitOutcome> {
    const writes = commit.tasks.length + commit.removedTaskIds.length;
    if (writes > MAX_TASK_WRITES_PER_COMMIT) {
      throw new Error(
        `a commit may write at most ${MAX_TASK_WRITES_PER_COMMIT} tasks (a DynamoDB transaction holds at most ` +
          `100 actions, less the workflow head and body); this one writes ${writes}`,
      );
    }
    const actions = 2 + writes + (commit.definition ? 1 : 0) + 3 * (commit.startedWorkflows?.length ?? 0);
    if (actions > 100) {
      throw new Error(
        `a transaction may hold at most 100 actions (DynamoDB TransactWriteItems); this one needs ${actions}`,
      );
    }
    const record = this.executions.get(commit.workflowId);
    if (!record) return { kind: 'conflict', reason: 'workflow not found' };
    if (record.version !== commit.expectedVersion && !this.unfenced) {
      return { kind: 'conflict', reason: `version ${record.version}, expected ${commit.expectedVersion}` };
    }
    const { lease } = commit;
    if (lease && (record.lease?.owner !== lease.owner || record.epoch !== lease.epoch) && !this.unfenced) {
      return { kind: 'conflict', reason: `lease epoch ${record.epoch}, expected ${lease.epoch}` };
    }
    for (const { task, expectedRevision } of commit.tasks) {
      const stored = record.tasks.get(task.taskId);
      const stale = expectedRevision === undefined ? stored : stored?.revision !== expectedRevision;
      if (stale && !this.unfenced) {
        return { kind: 'conflict', reason: `task ${task.taskId} changed` };
      }
    }
    for (const { task } of commit.tasks) {
      const revision = (record.tasks.get(task.taskId)?.revision ?? 0) + 1;
      record.tasks.set(task.taskId, { task: copy(task), revision });
      track(record, task);
      this.indexLag?.wrote(taskIndexKey(commit.workflowId, task.taskId));
    }
    for (const id of commit.removedTaskIds) {
      record.tasks.delete(id);
      record.pollable.delete(id);
    }
    for (const started of commit.startedWorkflows ?? []) await this.create(started);
    const { tasks: _tasks, ...head } = copy(commit.workflow);
    record.workflow = head;
    record.expiresAt = expiryOf(head, this.retentionDays);
    if (commit.definition) record.definition = copy(commit.definition);
    record.version += 1;
    if (commit.lease) record.lease = undefined;
    this.indexLag?.wrote(commit.workflowId);
    return { kind: 'committed', version: record.version };
  }

  async claimTasks(taskType: string, count: number, workerId: string | undefined, now: number) {
    const due = [...this.executions.values()]
      .filter((record) => !isTerminalWorkflow(record.workflow.status))
      .flatMap((record) => [...record.pollable].map((id) => record.tasks.get(id)!))
      .filter(({ task }) => isPollable(task, taskType, now) && this.indexed(task))
      .sort((a, b) => pollableAt(a.task) - pollableAt(b.task) || a.task.seq - b.task.seq)
      .slice(0, count);
    return due.map((stored) => {
      const polled = markPolled(stored.task, workerId, now)!;
      const record = this.executions.get(polled.workflowInstanceId)!;
      record.tasks.set(polled.taskId, { task: polled, revision: stored.revision + 1 });
      track(record, polled);
      this.indexLag?.wrote(taskIndexKey(polled.workflowInstanceId, polled.taskId));
      return copy(polled);
    });
  }

  async findOverdue(now: number, graceMs: number, limit: number) {
    const overdue: string[] = [];
    for (const [workflowId, record] of this.executions) {
      if (overdue.length >= limit) break;
      if (record.workflow.status !== 'RUNNING') continue;
      const deadline = record.workflow.nextDeadline;
      const unseen = [...record.tasks.values()].some(({ task }) => {
        if (!this.indexed(task)) return false;
        // As the DynamoDB store's marker: a result held by a pause is not pending until a resume.
        const due =
          isTerminalTask(task.status) && !task.executed && !task.heldByPause
            ? task.updateTime
            : responseDeadlineOf(task);
        return due !== undefined && due + graceMs <= now;
      });
      const headDue = deadline > 0 && deadline <= now && (this.indexLag?.visible(workflowId) ?? true);
      if (unseen || headDue) overdue.push(workflowId);
    }
    return overdue;
  }

  async remove(workflowId: string): Promise<boolean> {
    const record = this.executions.get(workflowId);
    if (!record) return false;
    this.executions.delete(workflowId);
    const { workflowName, idempotencyKey } = record.workflow;
    const key = `${workflowName}#${idempotencyKey}`;
    if (idempotencyKey && this.idempotencyKeys.get(key) === workflowId) this.idempotencyKeys.delete(key);
    return true;
  }

  private indexed(task: Task): boolean {
    return this.indexLag?.visible(taskIndexKey(task.workflowInstanceId, task.taskId)) ?? true;
  }
}
