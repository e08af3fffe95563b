import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { indexDefinition } from '../../core/definition-index';
import { baseRefOf } from '../../core/ids';
import {
  isTerminalTask,
  type JsonMap,
  type Task,
  TaskStatus,
  type Workflow,
  type WorkflowDef,
  WorkflowStatus,
} from '../../core/model';
import { runnerOf } from '../../core/tasks/index';
import { pollableAt, responseDeadlineOf } from '../../core/timeouts';
import type { Lease } from '../../ports';
import { fromAttribute, fromItem, type Item, toAttribute, toItem, utf8Length } from './attribute-values';
import {
  BODY_SK,
  DEF_SK,
  HEAD_SK,
  MAX_INDEXED_CORRELATION_BYTES,
  MAX_INDEXED_NAME_BYTES,
  queueKeyOf,
  queueSortOf,
  reconcileShardOf,
  searchShardOf,
  startKeyOf,
  statusKeyOf,
  taskIdOfSk,
  taskSk,
  typeKeyOf,
  workflowPk,
} from './execution-keys';

/**
 * Item layout of one execution (keys: execution-keys.ts). Every item is built by exactly one
 * function here, and the index attributes are derived from the state inside it, so no write path
 * can forget to add or remove a queue entry or a reconcile marker.
 *
 *   #HEAD  pk sk workflowId version epoch status nextDeadline header{…} [leaseOwner leaseExpiresAt] [rcShard rcDue]
 *          typeKey statusKey startKey workflowVersion [correlationKey]   (search indexes)
 *   #BODY  pk sk input output variables [taskToDomain]
 *   #DEF   pk sk definition
 *   T#…    pk sk workflowId rev task{…} [queueKey queueSort] [rcShard rcDue]
 *          task{…} is the Task without what the keys or the definition already hold: taskId,
 *          workflowInstanceId, startTime while 0, and the workflowTask of decider steps
 */

export const S = (value: string): AttributeValue => ({ S: value });
export const N = (value: number): AttributeValue => ({ N: String(value) });

export const keyOf = (workflowId: string, sk: string): Item => ({ pk: S(workflowPk(workflowId)), sk: S(sk) });
export const taskKeyOf = (workflowId: string, taskId: string): Item =>
  keyOf(workflowId, taskSk(workflowId, taskId));

export interface WorkflowBody {
  input: JsonMap;
  output: JsonMap;
  variables: JsonMap;
  taskToDomain?: Record<string, string>;
}

/** The head's fields besides the ones stored at the top level. */
type Header = Omit<
  Workflow,
  'tasks' | 'input' | 'output' | 'variables' | 'taskToDomain' | 'status' | 'nextDeadline'
>;

export const bodyOf = ({ input, output, variables, taskToDomain }: Workflow): WorkflowBody => ({
  input,
  output,
  variables,
  taskToDomain,
});

const headerOf = (workflow: Workflow): Header => {
  const { tasks, input, output, variables, taskToDomain, status, nextDeadline, ...header } = workflow;
  return header;
};

/** Present while the workflow runs and has a deadline: the reconcile finds it once that has passed. */
export const headReconcileAttributes = (workflow: Workflow): Item =>
  workflow.status === WorkflowStatus.RUNNING && workflow.nextDeadline > 0
    ? { rcShard: S(reconcileShardOf('H', workflow.workflowId)), rcDue: N(workflow.nextDeadline) }
    : {};

/**
 * The search indexes' keys (execution-keys.ts). They derive from the name, version, start time,
 * correlationId and status only, so a commit that leaves the status alone rewrites them unchanged
 * and costs no index write; a name or correlationId too long for a key is left out of its index.
 */
const headSearchAttributes = (workflow: Workflow): Item => {
  const shard = searchShardOf(workflow.workflowId);
  const attributes: Item = {
    statusKey: S(statusKeyOf(workflow.status, shard)),
    startKey: S(startKeyOf(workflow.startTime, workflow.workflowId)),
    workflowVersion: N(workflow.workflowVersion),
  };
  if (utf8Length(workflow.workflowName) <= MAX_INDEXED_NAME_BYTES) {
    attributes.typeKey = S(typeKeyOf(workflow.workflowName, workflow.status, shard));
  }
  const { correlationId } = workflow;
  if (correlationId && utf8Length(correlationId) <= MAX_INDEXED_CORRELATION_BYTES) {
    attributes.correlationKey = S(correlationId);
  }
  return attributes;
};

/** The fields a commit rewrites on #HEAD (everything but version, epoch and the lease). */
export const headStateAttributes = (workflow: Workflow): Item => ({
  workflowId: S(workflow.workflowId),
  status: S(workflow.status),
  nextDeadline: N(workflow.nextDeadline),
  header: toAttribute(headerOf(workflow))!,
  ...headSearchAttributes(workflow),
});

export const headItem = (workflow: Workflow, version: number, epoch: number): Item => ({
  ...keyOf(workflow.workflowId, HEAD_SK),
  ...headStateAttributes(workflow),
  version: N(version),
  epoch: N(epoch),
  ...headReconcileAttributes(workflow),
});

export const bodyItem = (workflowId: string, body: WorkflowBody): Item => ({
  ...keyOf(workflowId, BODY_SK),
  ...toItem(body as unknown as Record<string, unknown>),
});

export const definitionItem = (workflowId: string, definition: WorkflowDef): Item => ({
  ...keyOf(workflowId, DEF_SK),
  definition: toAttribute(definition)!,
});

/** Worker tasks only: system tasks are SCHEDULED too, but a worker must never receive one. */
const isWorkerTask = (task: Task): boolean => runnerOf(task) === 'worker';

/**
 * Whether the stored task may leave out its workflowTask and take it back from the definition on
 * load. Only when the definition holds exactly that step: a DYNAMIC task stores a resolved copy and
 * dynamically forked tasks are in no definition at all. Worker and system tasks keep theirs
 * anyway: they are read outside a decide (poll, worker update, the system-task runner), where
 * fetching the definition would cost a read bigger than the few hundred bytes saved. The big steps
 * (FORK_JOIN, SWITCH and DO_WHILE with everything nested in them) are decider steps, so they are
 * the ones left out.
 */
export const stepIsDerivable = (task: Task, definition: WorkflowDef | undefined): boolean => {
  if (!definition) return false;
  const runner = runnerOf(task);
  if (runner === 'worker' || runner === 'system') return false;
  const step = indexDefinition(definition).place(baseRefOf(task.referenceTaskName, task.iteration))?.step;
  if (!step) return false;
  return step === task.workflowTask || JSON.stringify(step) === JSON.stringify(task.workflowTask);
};

export interface TaskItemContext {
  /** Partitions of the pollable index per task type. */
  shards: number;
  /** The execution's definition, when known: lets the item leave out a derivable workflowTask. */
  definition?: WorkflowDef;
}

/**
 * The one mapping Task → item. `startTime` is left out while 0 so that a claim can set it with
 * `if_not_exists` (markPolled's `startTime || now`) without reading the item first.
 */
export const taskItem = (workflowId: string, task: Task, rev: number, context: TaskItemContext): Item => {
  const stored: Partial<Task> = { ...task, startTime: task.startTime || undefined };
  if (stepIsDerivable(task, context.definition)) delete stored.workflowTask;
  // The keys already say which task of which workflow this is: ~130 bytes a task with UUID ids.
  if (task.workflowInstanceId === workflowId) delete stored.workflowInstanceId;
  if (taskIdOfSk(workflowId, taskSk(workflowId, task.taskId)) === task.taskId) delete stored.taskId;
  const item: Item = {
    ...taskKeyOf(workflowId, task.taskId),
    workflowId: S(workflowId),
    rev: N(rev),
    task: toAttribute(stored)!,
  };
  if (task.status === TaskStatus.SCHEDULED && isWorkerTask(task)) {
    item.queueKey = S(queueKeyOf(task.taskType, task.taskId, context.shards));
    item.queueSort = S(queueSortOf(pollableAt(task), task.taskId));
    if (task.responseTimeoutSeconds > 0) item.responseTimeoutMs = N(task.responseTimeoutSeconds * 1000);
  }
  // The "decide pending" marker: an ended task no decide has acted on yet (unless a pause holds
  // it: nothing acts on it before a resume); or a claimed task's response deadline (the reconcile
  // finds both once due, see find-overdue.ts).
  const responseDeadline = responseDeadlineOf(task);
  const pending = isTerminalTask(task.status) && !task.executed && !task.heldByPause;
  if (pending || responseDeadline !== undefined) {
    item.rcShard = S(reconcileShardOf('T', workflowId));
    item.rcDue = N(responseDeadline ?? task.updateTime);
  }
  return item;
};

const numberOf = (item: Item, name: string): number => Number(item[name]?.N ?? 0);

export const revisionOf = (item: Item): number => numberOf(item, 'rev');

/** Whether a task item left its workflowTask to the definition. */
export const needsDefinition = (item: Item): boolean => item.task?.M?.workflowTask === undefined;

export const taskOf = (item: Item, definition: WorkflowDef | undefined): Task => {
  const workflowId = item.workflowId!.S!;
  const stored = fromAttribute(item.task!) as Partial<Task>;
  const task = {
    ...stored,
    taskId: stored.taskId ?? taskIdOfSk(workflowId, item.sk!.S!),
    workflowInstanceId: stored.workflowInstanceId ?? workflowId,
    startTime: stored.startTime ?? 0,
  } as Task;
  if (!task.workflowTask) {
    const step = definition
      ? indexDefinition(definition).place(baseRefOf(task.referenceTaskName, task.iteration))?.step
      : undefined;
    if (!step) {
      throw new Error(
        `task ${task.taskId} was stored without its workflowTask and step ` +
          `${baseRefOf(task.referenceTaskName, task.iteration)} is not in ${definition ? 'the definition' : 'a known definition'}`,
      );
    }
    task.workflowTask = step;
  }
  return task;
};

export const definitionOf = (item: Item): WorkflowDef => fromAttribute(item.definition!) as WorkflowDef;

export const bodyOfItem = (item: Item | undefined): WorkflowBody => {
  const { pk, sk, ...body } = item ? fromItem(item) : {};
  return { input: {}, output: {}, variables: {}, ...body } as WorkflowBody;
};

export const workflowOf = (head: Item, body: WorkflowBody, tasks: Task[]): Workflow =>
  ({
    ...(fromAttribute(head.header!) as Header),
    status: head.status!.S as WorkflowStatus,
    nextDeadline: numberOf(head, 'nextDeadline'),
    ...body,
    tasks,
  }) as Workflow;

export const versionOf = (head: Item): number => numberOf(head, 'version');
export const epochOf = (head: Item): number => numberOf(head, 'epoch');

export const leaseOf = (head: Item): Lease | undefined =>
  head.leaseOwner?.S === undefined
    ? undefined
    : { owner: head.leaseOwner.S, expiresAt: numberOf(head, 'leaseExpiresAt'), epoch: epochOf(head) };
