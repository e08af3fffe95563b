import { DeleteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { fromAttribute, type Item } from './attribute-values';
import { batchWriteAll } from './batch-write';
import { itemWriteUnits, shapeOf } from './capacity';
import { S } from './execution-items';
import { HEAD_SK } from './execution-keys';
import { idempotencyKeyOf } from './idempotency-keys';
import { readPartition } from './read-partition';
import { isConditionFailure, knownShape, type StoreContext, shapeKey } from './store-context';

/** Rounds of resending what DynamoDB left unprocessed (throttling) before giving up. */
const UNPROCESSED_ATTEMPTS = 8;

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
  const items = await readPartition(context, workflowId, 'remove.query');
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
  const items = await readPartition(context, workflowId, 'remove.query');
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

/** Deletes the items in batches, metering each call by the items it deleted. */
const deleteAll = async (context: StoreContext, items: Item[]): Promise<void> => {
  const units = new Map(items.map((item) => [shapeKey(item), itemWriteUnits(shapeOf(item), null)]));
  const unitsOf = (requests: WriteRequest[]) =>
    requests.reduce((sum, request) => sum + (units.get(shapeKey(request.DeleteRequest!.Key!)) ?? 1), 0);
  await batchWriteAll(
    context.client,
    context.tableName,
    items.map((item) => ({ DeleteRequest: { Key: keyOfItem(item) } })),
    {
      attempts: UNPROCESSED_ATTEMPTS,
      describeLeft: (left) =>
        `removing ${left} items of ${items[0]?.pk?.S} stayed unprocessed after ${UNPROCESSED_ATTEMPTS} attempts; ` +
        'remove the workflow again to finish',
      onCall: (result, sent, left) =>
        context.meter.record('remove.batch', {
          kind: 'write',
          reported: result.ConsumedCapacity,
          estimatedWriteUnits: unitsOf(sent) - unitsOf(left),
        }),
    },
  );
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
