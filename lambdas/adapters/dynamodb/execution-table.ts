import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  POLLABLE_INDEX,
  RECONCILE_INDEX,
  WORKFLOWS_BY_CORRELATION_INDEX,
  WORKFLOWS_BY_STATUS_INDEX,
  WORKFLOWS_BY_TYPE_INDEX,
} from './execution-keys';

/**
 * The executions table as plain CreateTable input: the local runtime creates it from this, and the
 * CDK stack translates the same object, so the two cannot drift. Key layout: execution-keys.ts.
 */
export const executionTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'queueKey', AttributeType: 'S' },
    { AttributeName: 'queueSort', AttributeType: 'S' },
    { AttributeName: 'rcShard', AttributeType: 'S' },
    { AttributeName: 'rcDue', AttributeType: 'N' },
    { AttributeName: 'typeKey', AttributeType: 'S' },
    { AttributeName: 'statusKey', AttributeType: 'S' },
    { AttributeName: 'correlationKey', AttributeType: 'S' },
    { AttributeName: 'startKey', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  // When TTL deletes an ended execution's head, the expiry handler reads the head's old image from
  // the stream (its name and idempotency key) and removes the rest of the execution. Lambda's reads
  // of a stream are free, and its event filter lets only TTL deletions of heads through.
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'OLD_IMAGE' },
  GlobalSecondaryIndexes: [
    {
      // A poller needs the item's key to claim it, and its response timeout to mark when the
      // claimed task is overdue; the claim returns the whole item.
      IndexName: POLLABLE_INDEX,
      KeySchema: [
        { AttributeName: 'queueKey', KeyType: 'HASH' },
        { AttributeName: 'queueSort', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['responseTimeoutMs'] },
    },
    {
      // workflowId names what to decide; rev lets the reconcile retire a stale marker conditionally.
      IndexName: RECONCILE_INDEX,
      KeySchema: [
        { AttributeName: 'rcShard', KeyType: 'HASH' },
        { AttributeName: 'rcDue', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['workflowId', 'rev'] },
    },
    // The search indexes hold heads only, and only what never changes besides their keys: a
    // projected attribute that a commit changed would cost an index write on every commit. A
    // search reads the page's heads and bodies from the table (search-workflows.ts).
    {
      // workflowVersion lets the running list filter by version without reading heads.
      IndexName: WORKFLOWS_BY_TYPE_INDEX,
      KeySchema: [
        { AttributeName: 'typeKey', KeyType: 'HASH' },
        { AttributeName: 'startKey', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['workflowVersion'] },
    },
    {
      IndexName: WORKFLOWS_BY_STATUS_INDEX,
      KeySchema: [
        { AttributeName: 'statusKey', KeyType: 'HASH' },
        { AttributeName: 'startKey', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: WORKFLOWS_BY_CORRELATION_INDEX,
      KeySchema: [
        { AttributeName: 'correlationKey', KeyType: 'HASH' },
        { AttributeName: 'startKey', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
});
