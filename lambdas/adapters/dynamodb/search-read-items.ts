import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { type Item, itemSize } from './attribute-values';
import { readUnitsFor } from './capacity';
import { type StoreContext, shapeKey } from './store-context';

/** BatchGetItem's cap on keys per request. */
const BATCH_GET_LIMIT = 100;
/** Requests per chunk before unprocessed keys (a throttled table) fail the read. */
const BATCH_GET_ATTEMPTS = 5;

/**
 * Items by key, eventually consistent (a list may lag a moment; it never decides anything), 100
 * keys a request. Returned by `shapeKey` (`pk sk`); a key with no item is absent. Each key is billed
 * on its own: 0.5 RCU per 4 KB of its item, 0.5 for one that does not exist.
 */
export const readItems = async (
  context: StoreContext,
  keys: readonly Item[],
  operation: string,
): Promise<Map<string, Item>> => {
  const found = new Map<string, Item>();
  const distinct = [...new Map(keys.map((key) => [shapeKey(key), { pk: key.pk!, sk: key.sk! }])).values()];
  for (let i = 0; i < distinct.length; i += BATCH_GET_LIMIT) {
    let request: KeysAndAttributes | undefined = { Keys: distinct.slice(i, i + BATCH_GET_LIMIT) };
    for (let attempt = 0; request; attempt++) {
      if (attempt === BATCH_GET_ATTEMPTS) {
        throw new Error(
          `DynamoDB left ${request.Keys?.length} of the keys unread after ${BATCH_GET_ATTEMPTS} attempts (throttled?)`,
        );
      }
      const result: BatchGetItemCommandOutput = await context.client.send(
        new BatchGetItemCommand({
          RequestItems: { [context.tableName]: request },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      const items = result.Responses?.[context.tableName] ?? [];
      const unprocessed: KeysAndAttributes | undefined = result.UnprocessedKeys?.[context.tableName];
      const answered = (request.Keys?.length ?? 0) - (unprocessed?.Keys?.length ?? 0);
      context.meter.record(operation, {
        kind: 'read',
        reported: result.ConsumedCapacity,
        estimatedReadUnits:
          items.reduce((sum, item) => sum + readUnitsFor(itemSize(item), false), 0) +
          readUnitsFor(0, false) * (answered - items.length),
      });
      for (const item of items) found.set(shapeKey(item), item);
      request = unprocessed?.Keys?.length ? unprocessed : undefined;
    }
  }
  return found;
};
