import type { CancellationReason, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { TERMINAL_WORKFLOW_STATUSES } from '../../core/model';
import type { IdempotentStart } from '../../ports';
import type { Item } from './attribute-values';
import { keyOf, S } from './execution-items';
import { HEAD_SK } from './execution-keys';

/**
 * A start's idempotency key is one item, `pk = IDEM#<workflow name>#<key>`, naming the execution
 * that holds it. It is written in the same transaction as the execution (Put only if absent), so two
 * concurrent starts with one key create one workflow. Replacing it (FAIL_ON_RUNNING after the
 * holder ended) is conditioned on the item still naming that holder and on the holder having ended.
 */
export const idempotencyKeyOf = (workflowName: string, key: string): Item => ({
  pk: S(`IDEM#${workflowName}#${key}`),
  sk: S('#'),
});

/** The actions that claim the key for `workflowId`, appended after the execution's own puts. */
export const idempotencyActions = (
  workflowName: string,
  workflowId: string,
  start: IdempotentStart,
  tableName: string,
): TransactWriteItem[] => {
  const key = idempotencyKeyOf(workflowName, start.key);
  if (!start.replacing) {
    return [
      {
        Put: {
          TableName: tableName,
          Item: { ...key, workflowId: S(workflowId) },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
  }
  const ended = Object.fromEntries(
    TERMINAL_WORKFLOW_STATUSES.map((status, index) => [`:ended${index}`, S(status)]),
  );
  return [
    {
      Update: {
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET workflowId = :new',
        ConditionExpression: 'workflowId = :holder',
        ExpressionAttributeValues: { ':new': S(workflowId), ':holder': S(start.replacing) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      ConditionCheck: {
        TableName: tableName,
        Key: keyOf(start.replacing, HEAD_SK),
        // A holder that was removed has ended too.
        ConditionExpression: `attribute_not_exists(pk) OR #status IN (${Object.keys(ended).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: ended,
      },
    },
  ];
};

/**
 * Which execution holds the key when the transaction was canceled over it: the one the key item
 * names, or, when the holder being replaced is running again, that holder. Undefined when the key
 * was not the reason.
 */
export const keyHolderOf = (
  reasons: CancellationReason[] | undefined,
  firstKeyAction: number,
  start: IdempotentStart,
): string | undefined => {
  const onKey = reasons?.[firstKeyAction];
  if (onKey?.Code === 'ConditionalCheckFailed') return onKey.Item?.workflowId?.S ?? start.replacing;
  const onHolder = start.replacing ? reasons?.[firstKeyAction + 1] : undefined;
  if (onHolder?.Code === 'ConditionalCheckFailed') return start.replacing;
  return undefined;
};
