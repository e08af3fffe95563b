import { type DynamoStreamRecord, expiredHeadOf } from '../adapters/dynamodb/expired-heads';
import type { ExpiredHead } from '../adapters/dynamodb/remove-execution';
import type { TaskLogStore } from '../ports';

/** Lambda's partial-batch answer for a stream: the sequence number to retry the shard from. */
export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface ExpiryDeps {
  executions: { removeExpired(expired: ExpiredHead): Promise<'removed' | 'headExists'> };
  taskLogs: Pick<TaskLogStore, 'removeTaskLogs'>;
}

/**
 * Runs on the state table's stream, for the #HEAD deletions DynamoDB's TTL makes once an ended
 * execution's retention has passed: removes the rest of the execution (body, definition, tasks),
 * its task logs and its idempotency key. Removal is idempotent, so a record delivered twice is
 * harmless. A stream shard is ordered and Lambda retries it from the first failed record on, so
 * the handler stops at a failure and reports that record alone.
 */
export const createExpiryHandler =
  (deps: ExpiryDeps) =>
  async (event: { Records?: DynamoStreamRecord[] }): Promise<StreamBatchResponse> => {
    let removed = 0;
    for (const record of event.Records ?? []) {
      const expired = expiredHeadOf(record);
      if (!expired) continue;
      try {
        if ((await deps.executions.removeExpired(expired)) === 'removed') removed++;
        await deps.taskLogs.removeTaskLogs(expired.workflowId);
      } catch (error) {
        console.error(
          JSON.stringify({ message: 'expiry failed', workflowId: expired.workflowId, error: String(error) }),
        );
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    console.log(JSON.stringify({ message: 'expired executions removed', removed }));
    return { batchItemFailures: [] };
  };
