import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  DeleteItemCommand,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { fromAttribute, type Item, itemSize } from './attribute-values';
import { itemWriteUnits, readUnitsFor, shapeOf } from './capacity';
import { S } from './execution-items';
import { HEAD_SK, workflowPk } from './execution-keys';
import { idempotencyKeyOf } from './idempotency-keys';
import { isConditionFailure, knownShape, type StoreContext, shapeKey } from './store-context';

/** BatchWriteItem's cap on requests per call. */
const BATCH_WRITE_LIMIT = 25;
/** Rounds of resending what DynamoDB left unprocessed (throttling) before giving up. */
const UNPROCESSED_ATTEMPTS = 8;
const FIRST_BACKOFF_MS = 50;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Deletes every item of one execution: the head first, on its own, so that no decide can commit
 * after it (a commit is conditioned on the head's version) and every reader sees the execution as
 * gone; then the body, the definition and the tasks in batches of 25, which takes their index
 * entries with them; then the idempotency key, if it still names this execution. Items written
 * between the read and the deletes can only be writes to items already read (their conditions
 * fail once the item is gone), so one read of the partition is enough. A removal that stops half
 * way leaves items without a head, which the next call removes. Answers whether the head existed.
 */
export const removeExecution = async (context: StoreContext, workflowId: string): Promise<boolean> => {
  const items = await readPartition(context, workflowId);
  const head = items.find((item) => item.sk?.S === HEAD_SK);
  if (head) await deleteOne(context, head);
  await deleteRest(context, workflowId, items, head);
  return head !== undefined;
};

/** What the expiry handler knows of an execution whose head DynamoDB's TTL deleted (its old image). */
export interface ExpiredHead {
  workflowId: string;
  /** The head as it was, for the idempotency key it may hold. */
  oldImage: Item;
}

/**
 * Finishes what TTL began: deletes the rest of an execution whose head TTL deleted, and frees its
 * idempotency key. With the head gone no decide can commit and no task write can land (each is
 * conditioned on an item that is being deleted), so one read of the partition is enough. A head
 * found in the partition means the execution was never expired (TTL only deletes a head whose
 * expiry has passed, and a reopened execution has none): then nothing is touched.
 */
export const removeExpiredExecution = async (
  context: StoreContext,
  { workflowId, oldImage }: ExpiredHead,
): Promise<'removed' | 'headExists'> => {
  const items = await readPartition(context, workflowId);
  if (items.some((item) => item.sk?.S === HEAD_SK)) return 'headExists';
  await deleteRest(context, workflowId, items, oldImage);
  return 'removed';
};

/** Everything but the head, then the idempotency key the head held, then the cached knowledge. */
const deleteRest = async (
  context: StoreContext,
  workflowId: string,
  items: Item[],
  head: Item | undefined,
): Promise<void> => {
  await deleteAll(
    context,
    items.filter((item) => item.sk?.S !== HEAD_SK),
  );
  const header = head?.header
    ? (fromAttribute(head.header) as { workflowName?: string; idempotencyKey?: string })
    : {};
  if (header.workflowName && header.idempotencyKey) {
    await releaseIdempotencyKey(context, workflowId, header.workflowName, header.idempotencyKey);
  }
  for (const item of items) context.shapes.set(shapeKey(item), null);
  context.definitions.delete(workflowId);
};

const readPartition = async (context: StoreContext, workflowId: string): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await context.client.send(
      new QueryCommand({
        TableName: context.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': S(workflowPk(workflowId)) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const found = page.Items ?? [];
    context.meter.record('remove.query', {
      kind: 'read',
      reported: page.ConsumedCapacity,
      estimatedReadUnits: readUnitsFor(
        found.reduce((sum, item) => sum + itemSize(item), 0),
        true,
      ),
    });
    items.push(...found);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

const keyOfItem = (item: Item): Item => ({ pk: item.pk!, sk: item.sk! });

const deleteOne = async (context: StoreContext, item: Item): Promise<void> => {
  const result = await context.client.send(
    new DeleteItemCommand({
      TableName: context.tableName,
      Key: keyOfItem(item),
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  context.meter.record('remove.delete', {
    kind: 'write',
    reported: result.ConsumedCapacity,
    estimatedWriteUnits: itemWriteUnits(knownShape(context, item) ?? shapeOf(item), null),
  });
};

/** BatchWriteItem in chunks of 25, resending what comes back unprocessed with a growing pause. */
const deleteAll = async (context: StoreContext, items: Item[]): Promise<void> => {
  for (let first = 0; first < items.length; first += BATCH_WRITE_LIMIT) {
    const chunk = items.slice(first, first + BATCH_WRITE_LIMIT);
    const units = new Map(chunk.map((item) => [shapeKey(item), itemWriteUnits(shapeOf(item), null)]));
    let requests: WriteRequest[] = chunk.map((item) => ({ DeleteRequest: { Key: keyOfItem(item) } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt >= UNPROCESSED_ATTEMPTS) {
        throw new Error(
          `removing ${requests.length} items of ${items[0]?.pk?.S} stayed unprocessed after ${UNPROCESSED_ATTEMPTS} attempts; ` +
            'remove the workflow again to finish',
        );
      }
      if (attempt > 0) await pause(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
      const result: BatchWriteItemCommandOutput = await context.client.send(
        new BatchWriteItemCommand({
          RequestItems: { [context.tableName]: requests },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      const left = result.UnprocessedItems?.[context.tableName] ?? [];
      const leftKeys = new Set(left.map((request) => shapeKey(request.DeleteRequest!.Key!)));
      context.meter.record('remove.batch', {
        kind: 'write',
        reported: result.ConsumedCapacity,
        estimatedWriteUnits: requests
          .map((request) => shapeKey(request.DeleteRequest!.Key!))
          .filter((key) => !leftKeys.has(key))
          .reduce((sum, key) => sum + (units.get(key) ?? 1), 0),
      });
      requests = left;
    }
  }
};

/** Frees the key for new starts, unless it has been handed to another execution since. */
const releaseIdempotencyKey = async (
  context: StoreContext,
  workflowId: string,
  workflowName: string,
  key: string,
): Promise<void> => {
  try {
    const result = await context.client.send(
      new DeleteItemCommand({
        TableName: context.tableName,
        Key: idempotencyKeyOf(workflowName, key),
        ConditionExpression: 'workflowId = :id',
        ExpressionAttributeValues: { ':id': S(workflowId) },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    context.meter.record('remove.idempotencyKey', {
      kind: 'write',
      reported: result.ConsumedCapacity,
      estimatedWriteUnits: 1,
    });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    context.meter.record('remove.idempotencyKey', {
      kind: 'write',
      estimatedWriteUnits: 1,
      conditionFailed: true,
    });
  }
};
