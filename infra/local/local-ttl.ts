import { DeleteItemCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../lambdas/adapters/dynamodb/attribute-values';
import { type DynamoStreamRecord, TTL_DELETER } from '../../lambdas/adapters/dynamodb/expired-heads';
import { isConditionFailure } from '../../lambdas/adapters/dynamodb/store-context';
import type { StreamBatchResponse } from '../../lambdas/handlers/expire';
import { matchesFilterPattern } from './event-filter';

export interface LocalTtlOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The table's TTL attribute: epoch seconds. */
  attribute: string;
  /** The stream's consumer, and the filter its event source mapping applies. */
  consumer: (event: { Records: DynamoStreamRecord[] }) => Promise<StreamBatchResponse>;
  filterPattern: Record<string, unknown>;
  sweepEveryMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Plays DynamoDB's TTL and the stream event source mapping, which the emulator has neither of: finds
 * the items whose TTL attribute has passed, deletes each one only if it still has (as TTL does: an
 * item whose expiry was taken away in the meantime stays), and hands the deletions to the consumer
 * as the stream records TTL makes, filtered by the mapping's pattern. Scanning is how the emulator
 * stands in for TTL's background process; the engine itself never scans.
 */
export const sweepExpired = async (options: LocalTtlOptions): Promise<number> => {
  const { client, tableName, attribute, now = () => Date.now() } = options;
  const nowSeconds = Math.floor(now() / 1000);
  const records: DynamoStreamRecord[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#ttl <= :now',
        ExpressionAttributeNames: { '#ttl': attribute },
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const deleted = await deleteIfStillExpired(options, item, nowSeconds);
      if (deleted) records.push(ttlRemoval(item, deleted, records.length));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  const delivered = records.filter((record) => matchesFilterPattern(options.filterPattern, record));
  if (delivered.length > 0) {
    const { batchItemFailures } = await options.consumer({ Records: delivered });
    if (batchItemFailures.length > 0) {
      throw new Error(`the expiry consumer failed from record ${batchItemFailures[0]!.itemIdentifier}`);
    }
  }
  return delivered.length;
};

const deleteIfStillExpired = async (
  { client, tableName, attribute }: LocalTtlOptions,
  item: Item,
  nowSeconds: number,
): Promise<Item | undefined> => {
  try {
    const result = await client.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: { pk: item.pk!, sk: item.sk! },
        ConditionExpression: '#ttl <= :now',
        ExpressionAttributeNames: { '#ttl': attribute },
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

const ttlRemoval = (item: Item, oldImage: Item, index: number): DynamoStreamRecord => ({
  eventID: `local-ttl-${Date.now()}-${index}`,
  eventName: 'REMOVE',
  userIdentity: { ...TTL_DELETER },
  dynamodb: {
    Keys: { pk: item.pk!, sk: item.sk! },
    OldImage: oldImage,
    SequenceNumber: String(index + 1).padStart(21, '0'),
  },
});

/** Sweeps on an interval (TTL works in days, so once a minute is plenty) until stopped. */
export const startLocalTtl = (options: LocalTtlOptions) => {
  const onError =
    options.onError ??
    ((error) => console.error(JSON.stringify({ message: 'local TTL error', error: String(error) })));
  const timer = setInterval(() => sweepExpired(options).catch(onError), options.sweepEveryMs ?? 60_000);
  return { stop: () => clearInterval(timer) };
};
