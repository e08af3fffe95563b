import { randomBytes } from 'node:crypto';
import { type DynamoDBClient, QueryCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { TaskExecLog, TaskLogStore } from '../../ports';
import type { Item } from './attribute-values';
import { batchWriteAll } from './batch-write';
import { paddedMs, taskSk } from './execution-keys';

/**
 * Task logs in the executions table, one partition per workflow beside the workflow's own:
 *
 *   pk = LOG#<workflowId>
 *     sk = <taskSk>#<createdTime, 13 digits>#<position, 4 digits>#<8 hex>     taskId log createdTime
 *
 * Not in `WF#<workflowId>`: loading an execution reads that whole partition, so every decide would
 * pay for every log line. The items carry no index key attributes, so no index of the table ever
 * holds them. `<taskSk>` is the task item's own sort key (`T#<rest>`), so one
 * task's lines are one key range, in time order. The position keeps the lines of one request in
 * order within a millisecond; the random part keeps two writers of the same millisecond from
 * overwriting each other's lines.
 */
export const logPk = (workflowId: string): string => `LOG#${workflowId}`;

const taskRangeOf = (workflowId: string, taskId: string): string => `${taskSk(workflowId, taskId)}#`;

/** Lines per page when reading; a reader that stops early has paid for at most this many more. */
const PAGE_SIZE = 100;
/** Attempts at lines DynamoDB left unprocessed (throttling) before giving up on them. */
const UNPROCESSED_ATTEMPTS = 4;

export class DynamoTaskLogStore implements TaskLogStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  /** The low-level client, as the execution store takes it: these items are plain strings and numbers. */
  constructor({ client, tableName }: { client: DynamoDBClient; tableName: string }) {
    this.client = client;
    this.tableName = tableName;
  }

  async appendTaskLogs(workflowId: string, logs: readonly TaskExecLog[]): Promise<void> {
    const requests: WriteRequest[] = logs.map((entry, position) => ({
      PutRequest: { Item: this.itemOf(workflowId, entry, position) },
    }));
    await this.writeAll(requests);
  }

  async *newestTaskLogs(workflowId: string, taskId: string): AsyncIterable<TaskExecLog> {
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :range)',
          ExpressionAttributeValues: {
            ':pk': { S: logPk(workflowId) },
            ':range': { S: taskRangeOf(workflowId, taskId) },
          },
          ScanIndexForward: false,
          // Read after write: a line just posted shows up in the next GET.
          ConsistentRead: true,
          Limit: PAGE_SIZE,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        // A reference holding '#' could make another task's range start with this one's.
        if (item.taskId?.S !== taskId) continue;
        yield { taskId, log: item.log?.S ?? '', createdTime: Number(item.createdTime?.N ?? 0) };
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async removeTaskLogs(workflowId: string): Promise<void> {
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: logPk(workflowId) } },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }),
      );
      await this.writeAll((page.Items ?? []).map((key) => ({ DeleteRequest: { Key: key } })));
      start = page.LastEvaluatedKey;
    } while (start);
  }

  private itemOf(workflowId: string, entry: TaskExecLog, position: number): Item {
    const order = `${paddedMs(entry.createdTime)}#${String(position).padStart(4, '0')}`;
    return {
      pk: { S: logPk(workflowId) },
      sk: { S: `${taskRangeOf(workflowId, entry.taskId)}${order}#${randomBytes(4).toString('hex')}` },
      taskId: { S: entry.taskId },
      log: { S: entry.log },
      createdTime: { N: String(entry.createdTime) },
    };
  }

  private writeAll(requests: WriteRequest[]): Promise<void> {
    return batchWriteAll(this.client, this.tableName, requests, {
      attempts: UNPROCESSED_ATTEMPTS,
      describeLeft: (left) => `${left} task log lines were not written: DynamoDB kept them unprocessed`,
    });
  }
}
