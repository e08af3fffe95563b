import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { PollData, PollDataStore } from '../../ports';
import type { Item } from './attribute-values';
import { LruMap } from './lru-map';

/**
 * The last poll per task type and worker, in the executions table:
 *
 *   pk = POLL#<taskType>
 *     sk = W#<workerId>     queueName [domain] [workerId] lastPollTime
 *
 * (`W#` alone for a poller that sent no worker id). No index attributes, so no index sees them.
 * Workers poll many times a second, so the store writes a worker's entry at most once per
 * `writeIntervalMs` per process: an in-process map remembers when it last wrote each one, and
 * `lastPollTime` lags the latest poll by at most that interval (plus the other processes' share).
 */
export const pollPk = (taskType: string): string => `POLL#${taskType}`;

/** How often one process writes one worker's entry at most. */
export const POLL_WRITE_INTERVAL_MS = 10_000;

const keyOf = ({ queueName, workerId }: Pick<PollData, 'queueName' | 'workerId'>) =>
  `${queueName}\u0000${workerId ?? ''}`;

export interface DynamoPollDataStoreOptions {
  /** The low-level client, as the execution store takes it. */
  client: DynamoDBClient;
  tableName: string;
  writeIntervalMs?: number;
  /** Workers remembered; one forgotten costs one early write, nothing more. */
  cacheSize?: number;
}

export class DynamoPollDataStore implements PollDataStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly writeIntervalMs: number;
  /** When this process last wrote each worker's entry (the poll's time, epoch ms). */
  private readonly lastWritten: LruMap<string, number>;

  constructor({
    client,
    tableName,
    writeIntervalMs = POLL_WRITE_INTERVAL_MS,
    cacheSize = 4_096,
  }: DynamoPollDataStoreOptions) {
    this.client = client;
    this.tableName = tableName;
    this.writeIntervalMs = writeIntervalMs;
    this.lastWritten = new LruMap(cacheSize);
  }

  async recordPoll(poll: PollData): Promise<void> {
    const key = keyOf(poll);
    const last = this.lastWritten.get(key);
    if (last !== undefined && poll.lastPollTime - last < this.writeIntervalMs) return;
    // Taken before the write, so concurrent polls of one worker in this process write once.
    this.lastWritten.set(key, poll.lastPollTime);
    const item: Item = {
      pk: { S: pollPk(poll.queueName) },
      sk: { S: `W#${poll.workerId ?? ''}` },
      queueName: { S: poll.queueName },
      lastPollTime: { N: String(poll.lastPollTime) },
    };
    if (poll.workerId !== undefined) item.workerId = { S: poll.workerId };
    if (poll.domain !== undefined) item.domain = { S: poll.domain };
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item }));
    } catch (error) {
      // Not written: the next poll tries again.
      this.lastWritten.delete(key);
      throw error;
    }
  }

  async listPollData(taskType: string): Promise<PollData[]> {
    const polls: PollData[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pollPk(taskType) } },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) polls.push(pollDataOf(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return polls;
  }
}

const pollDataOf = (item: Item): PollData => ({
  queueName: item.queueName?.S ?? '',
  ...(item.domain?.S !== undefined ? { domain: item.domain.S } : {}),
  ...(item.workerId?.S !== undefined ? { workerId: item.workerId.S } : {}),
  lastPollTime: Number(item.lastPollTime?.N ?? 0),
});
