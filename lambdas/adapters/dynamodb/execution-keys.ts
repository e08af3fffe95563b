/**
 * The key schema of the executions table. One partition per workflow:
 *
 *   pk = WF#<workflowId>
 *     sk = #HEAD        status, version, epoch, lease, nextDeadline and the small header fields (hot)
 *     sk = #BODY        input, output, variables, taskToDomain (written only when they change)
 *     sk = #DEF         the definition the execution started with (written once)
 *     sk = T#<rest>     one item per task; <rest> is the taskId without its `<workflowId>:` prefix
 *                       (T!<taskId> for a taskId without that prefix, which the core never makes)
 *
 * Two sparse global secondary indexes find work across partitions:
 *
 *   pollable   queueKey = <taskType>#<shard>, queueSort = <pollableAt, 13 digits>#<taskId>
 *              on a task item only while it is a SCHEDULED worker task (KEYS_ONLY)
 *   reconcile  rcShard = T<n> | H<n> (n = 0..15), rcDue = epoch ms
 *              T: on a task item while it has ended and no decide has acted on it, due at updateTime
 *              H: on #HEAD while the workflow is RUNNING with a deadline, due at nextDeadline
 *              (INCLUDE workflowId, rev)
 */

export const HEAD_SK = '#HEAD';
export const BODY_SK = '#BODY';
export const DEF_SK = '#DEF';
const TASK_PREFIX = 'T#';
/** For a taskId that does not start with its workflow's id (never produced by the core, kept reversible). */
const FOREIGN_TASK_PREFIX = 'T!';

export const POLLABLE_INDEX = 'pollable';
export const RECONCILE_INDEX = 'reconcile';
/** Partitions of the reconcile index per kind; the reconcile reads all of them once a minute. */
export const RECONCILE_SHARDS = 16;
/** Partitions of the pollable index per task type, unless the store is told otherwise. */
export const DEFAULT_QUEUE_SHARDS = 4;

export const workflowPk = (workflowId: string): string => `WF#${workflowId}`;

export const workflowIdOfPk = (pk: string): string => pk.slice('WF#'.length);

export const taskSk = (workflowId: string, taskId: string): string => {
  const prefix = `${workflowId}:`;
  return taskId.startsWith(prefix)
    ? `${TASK_PREFIX}${taskId.slice(prefix.length)}`
    : `${FOREIGN_TASK_PREFIX}${taskId}`;
};

/** The inverse of taskSk. */
export const taskIdOfSk = (workflowId: string, sk: string): string =>
  sk.startsWith(TASK_PREFIX)
    ? `${workflowId}:${sk.slice(TASK_PREFIX.length)}`
    : sk.slice(FOREIGN_TASK_PREFIX.length);

export const isTaskSk = (sk: string): boolean =>
  sk.startsWith(TASK_PREFIX) || sk.startsWith(FOREIGN_TASK_PREFIX);

/**
 * FNV-1a over UTF-16 code units: stable across processes and versions (the shard an item lands in
 * is stored, so the function must never change), cheap, and well spread for ids.
 */
export const stableHash = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/** Epoch ms as 13 digits, so that string order is time order (until the year 2286). */
export const paddedMs = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(13, '0');

export const queueKeyOf = (taskType: string, taskId: string, shards: number): string =>
  `${taskType}#${stableHash(taskId) % shards}`;

export const queueKeyOfShard = (taskType: string, shard: number): string => `${taskType}#${shard}`;

export const queueSortOf = (pollableAt: number, taskId: string): string =>
  `${paddedMs(pollableAt)}#${taskId}`;

/** Upper bound for "due by now": every queueSort of that instant sorts before `~`. */
export const dueBy = (now: number): string => `${paddedMs(now)}~`;

export type ReconcileKind = 'T' | 'H';

export const reconcileShardOf = (kind: ReconcileKind, workflowId: string): string =>
  `${kind}${stableHash(workflowId) % RECONCILE_SHARDS}`;
