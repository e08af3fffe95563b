import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

/** BatchWriteItem's cap on requests per call. */
export const BATCH_WRITE_LIMIT = 25;
const FIRST_BACKOFF_MS = 50;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface BatchWriteOptions {
  /** Rounds of resending what DynamoDB left unprocessed (throttling) before giving up. */
  attempts: number;
  /** Says what was left unwritten when giving up, for the error. */
  describeLeft: (left: number) => string;
  /** Sees each call's result with the requests it carried, e.g. to meter consumed capacity. */
  onCall?: (result: BatchWriteItemCommandOutput, sent: WriteRequest[], left: WriteRequest[]) => void;
}

/**
 * Writes every request in BatchWriteItem calls of 25, resending what each call leaves unprocessed
 * with a pause that doubles, and throws once a chunk stays unprocessed after `attempts` rounds.
 */
export const batchWriteAll = async (
  client: DynamoDBClient,
  tableName: string,
  requests: readonly WriteRequest[],
  { attempts, describeLeft, onCall }: BatchWriteOptions,
): Promise<void> => {
  for (let first = 0; first < requests.length; first += BATCH_WRITE_LIMIT) {
    let pending = requests.slice(first, first + BATCH_WRITE_LIMIT);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= attempts) throw new Error(describeLeft(pending.length));
      if (attempt > 0) await pause(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
      const result = await client.send(
        new BatchWriteItemCommand({
          RequestItems: { [tableName]: pending },
          ...(onCall ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}),
        }),
      );
      const left = result.UnprocessedItems?.[tableName] ?? [];
      onCall?.(result, pending, left);
      pending = left;
    }
  }
};
