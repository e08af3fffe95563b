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
 *
 * Three more on #HEAD only serve searches and lists (docs/storage.md). Their keys change only when
 * the workflow's status does (start, end, pause, resume), never with a task transition:
 *
 *   workflowsByType         typeKey = <workflowName>#<status>#<shard>, startKey = <startTime, 13 digits>#<workflowId>
 *                           (INCLUDE workflowVersion)
 *   workflowsByStatus       statusKey = <status>#<shard>, startKey
 *   workflowsByCorrelation  correlationKey = <correlationId>, startKey; only with a correlationId
 *   shard = fnv1a(workflowId) mod 4, so that starts of one type or status spread over 4 partitions
 */

export const HEAD_SK = '#HEAD';

/**
 * The attribute DynamoDB's TTL reads: the epoch second after which an item may be deleted. Only an
 * ended execution's #HEAD carries it; the expiry handler removes the rest of the partition once
 * TTL has deleted the head (docs/storage.md, Retention).
 */
export const EXPIRES_AT_ATTRIBUTE = 'expiresAt';
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

export const WORKFLOWS_BY_TYPE_INDEX = 'workflowsByType';
export const WORKFLOWS_BY_STATUS_INDEX = 'workflowsByStatus';
export const WORKFLOWS_BY_CORRELATION_INDEX = 'workflowsByCorrelation';
/**
 * Partitions per workflow type and status in the first two search indexes. Every start writes the
 * RUNNING partition and every end deletes from it: 4 partitions take ~2,000 starts a second of one
 * type; a search reads all 4 (0.5 RCU each at least), so more would make every search dearer.
 */
export const SEARCH_SHARDS = 4;
/**
 * The longest correlationId indexed, in UTF-8 bytes (a partition key may hold 2,048): a longer one
 * would make the head's write fail, so such a workflow is only left out of correlation lookups.
 */
export const MAX_INDEXED_CORRELATION_BYTES = 1024;
/** Likewise for the workflow name inside typeKey. */
export const MAX_INDEXED_NAME_BYTES = 1024;

export const searchShardOf = (workflowId: string): number => stableHash(workflowId) % SEARCH_SHARDS;

export const typeKeyOf = (workflowName: string, status: string, shard: number): string =>
  `${workflowName}#${status}#${shard}`;

export const statusKeyOf = (status: string, shard: number): string => `${status}#${shard}`;

/** Start order, unique per workflow: ties on the millisecond are broken by id, so paging is stable. */
export const startKeyOf = (startTime: number, workflowId: string): string =>
  `${paddedMs(startTime)}#${workflowId}`;

/** The largest instant 13 digits hold; bounds beyond it are clamped so that string order stays time order. */
const MAX_PADDED_MS = 9_999_999_999_999;

/**
 * Inclusive startTime bounds as startKey bounds: every key of instant t sorts after `<t>` and
 * before `<t>~`, so [from, to] is BETWEEN `<from>` AND `<to>~`.
 */
export const startKeyRange = (from: number, to: number): [string, string] => [
  paddedMs(Math.min(from, MAX_PADDED_MS)),
  `${paddedMs(Math.min(to, MAX_PADDED_MS))}~`,
];
