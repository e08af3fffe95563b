import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type KeysAndAttributes,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { isTerminalWorkflow, WorkflowStatus } from '../../core/model';
import { type Item, itemSize } from './attribute-values';
import { indexWriteUnits, readUnitsFor, shapeOf, writeUnitsFor } from './capacity';
import { keyOf } from './execution-items';
import {
  HEAD_SK,
  RECONCILE_INDEX,
  RECONCILE_SHARDS,
  type ReconcileKind,
  workflowIdOfPk,
} from './execution-keys';
import { isConditionFailure, knownShape, type StoreContext } from './store-context';

/** Pages read per shard and run at most; what is left is found by the next run. */
const MAX_PAGES_PER_SHARD = 10;
const BATCH_GET_LIMIT = 100;
const BATCH_GET_ATTEMPTS = 3;

interface Marker {
  workflowId: string;
  due: number;
  item: Item;
}

/** Every marker of one kind due by `dueBy`, read shard by shard (all shards at once), oldest first. */
const dueMarkers = async (
  context: StoreContext,
  kind: ReconcileKind,
  dueBy: number,
  limit: number,
): Promise<Marker[]> => {
  const shards = Array.from({ length: RECONCILE_SHARDS }, (_, n) => `${kind}${n}`);
  const perShard = await Promise.all(
    shards.map(async (shard) => {
      const markers: Marker[] = [];
      const workflows = new Set<string>();
      let start: Item | undefined;
      for (let page = 0; page < MAX_PAGES_PER_SHARD && workflows.size < limit; page++) {
        const result = await context.client.send(
          new QueryCommand({
            TableName: context.tableName,
            IndexName: RECONCILE_INDEX,
            KeyConditionExpression: 'rcShard = :shard AND rcDue <= :due',
            ExpressionAttributeValues: { ':shard': { S: shard }, ':due': { N: String(dueBy) } },
            ExclusiveStartKey: start,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        const items = result.Items ?? [];
        context.meter.record('findOverdue.query', {
          kind: 'read',
          reported: result.ConsumedCapacity,
          estimatedReadUnits: readUnitsFor(
            items.reduce((sum, item) => sum + itemSize(item), 0),
            false,
          ),
        });
        for (const item of items) {
          const workflowId = item.workflowId?.S ?? workflowIdOfPk(item.pk!.S!);
          workflows.add(workflowId);
          markers.push({ workflowId, due: Number(item.rcDue!.N), item });
        }
        start = result.LastEvaluatedKey;
        if (!start) break;
      }
      return markers;
    }),
  );
  return perShard.flat().sort((a, b) => a.due - b.due);
};

/**
 * The status on each workflow's #HEAD (null: no head). Eventually consistent is enough: a finished
 * workflow never runs again, so a stale answer can only say RUNNING, which costs one needless decide.
 * Workflows left unanswered after the retries are missing from the map.
 */
const headStatuses = async (
  context: StoreContext,
  workflowIds: string[],
): Promise<Map<string, string | null>> => {
  const statuses = new Map<string, string | null>();
  for (let i = 0; i < workflowIds.length; i += BATCH_GET_LIMIT) {
    const chunk = workflowIds.slice(i, i + BATCH_GET_LIMIT);
    for (const id of chunk) statuses.set(id, null);
    let request: KeysAndAttributes | undefined = {
      Keys: chunk.map((id) => keyOf(id, HEAD_SK)),
      ProjectionExpression: 'pk, #status',
      ExpressionAttributeNames: { '#status': 'status' },
    };
    for (let attempt = 0; request && attempt < BATCH_GET_ATTEMPTS; attempt++) {
      const result: BatchGetItemCommandOutput = await context.client.send(
        new BatchGetItemCommand({
          RequestItems: { [context.tableName]: request },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      const keys = request.Keys?.length ?? 0;
      const unprocessed: KeysAndAttributes | undefined = result.UnprocessedKeys?.[context.tableName];
      context.meter.record('findOverdue.heads', {
        kind: 'read',
        reported: result.ConsumedCapacity,
        // Each key is billed on its own, on the whole item (a projection does not make it cheaper).
        estimatedReadUnits: readUnitsFor(0, false) * (keys - (unprocessed?.Keys?.length ?? 0)),
      });
      for (const head of result.Responses?.[context.tableName] ?? []) {
        statuses.set(workflowIdOfPk(head.pk!.S!), head.status?.S ?? null);
      }
      request = unprocessed?.Keys?.length ? unprocessed : undefined;
    }
    for (const key of request?.Keys ?? []) statuses.delete(workflowIdOfPk(key.pk!.S!));
  }
  return statuses;
};

/**
 * Removes the "decide pending" marker of a result that no decide will ever act on: its workflow
 * ended first (a parallel branch's result that arrived as another branch failed the workflow) or
 * is gone. Conditioned on the revision the index showed, so a task rewritten since keeps its marker.
 */
const retire = async (context: StoreContext, marker: Marker): Promise<void> => {
  const key = { pk: marker.item.pk!, sk: marker.item.sk! };
  try {
    const result = await context.client.send(
      new UpdateItemCommand({
        TableName: context.tableName,
        Key: key,
        UpdateExpression: 'REMOVE rcShard, rcDue',
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeValues: { ':rev': marker.item.rev ?? { N: '0' } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    // The index shows only part of the item; its full size is known if this store saw it lately.
    const before = knownShape(context, key) ?? shapeOf(marker.item);
    context.meter.record('findOverdue.retire', {
      kind: 'write',
      reported: result.ConsumedCapacity,
      estimatedWriteUnits: writeUnitsFor(before.bytes) + indexWriteUnits(before, { ...before, entries: {} }),
    });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    context.meter.record('findOverdue.retire', {
      kind: 'write',
      estimatedWriteUnits: 1,
      conditionFailed: true,
    });
  }
};

/**
 * Workflows that need a decide the normal path has not delivered: a deadline that has passed (head
 * markers, present only while RUNNING), or a result no decide has acted on for longer than `graceMs`
 * (task markers; their workflow's status is checked on #HEAD, since a workflow may have ended
 * without acting on every result). Deadlines first, then the oldest results.
 */
export const findOverdue = async (
  context: StoreContext,
  now: number,
  graceMs: number,
  limit: number,
): Promise<string[]> => {
  const found = new Set<string>();
  if (limit <= 0) return [];
  for (const marker of await dueMarkers(context, 'H', now, limit)) {
    if (found.size >= limit) return [...found];
    found.add(marker.workflowId);
  }
  const pending = new Map<string, Marker[]>();
  for (const marker of await dueMarkers(context, 'T', now - graceMs, limit)) {
    if (found.has(marker.workflowId)) continue;
    pending.set(marker.workflowId, [...(pending.get(marker.workflowId) ?? []), marker]);
  }
  const statuses = await headStatuses(context, [...pending.keys()]);
  for (const [workflowId, markers] of pending) {
    const status = statuses.get(workflowId);
    if (status === null || (status !== undefined && isTerminalWorkflow(status))) {
      for (const marker of markers) await retire(context, marker);
    } else if (status === undefined || status === WorkflowStatus.RUNNING) {
      if (found.size < limit) found.add(workflowId);
    }
    // Any other status (PAUSED) is not overdue until it runs again, as in the in-memory store.
  }
  return [...found];
};
