import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StreamSourceResource } from '../resources';
import { deadLetterQueue } from './queues';

/** What Lambda's poller does with a stream on the function's behalf. */
const STREAM_READ_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

/**
 * Feeds a function from its table's stream as resources.ts describes it. Records not matching the
 * filter never invoke it. A batch that keeps failing is split to find the bad record, retried, and
 * finally described in the dead-letter queue (the records themselves stay in the stream for 24 h).
 * TRIM_HORIZON: a mapping created after the stream starts from the oldest record, not from now.
 * The mapping is made directly rather than through DynamoEventSource, whose grant allows
 * ListStreams on every resource; this one is scoped to the table's own streams.
 */
export const streamSourceFromResource = (
  scope: Construct,
  id: string,
  props: { resource: StreamSourceResource; table: Table; consumer: IFunction },
): { deadLetters: Queue } => {
  const { resource, table, consumer } = props;
  if (!table.tableStreamArn) throw new Error(`table ${table.node.id} has no stream for ${id}`);
  const deadLetters = deadLetterQueue(scope, `${id}DeadLetters`, resource.deadLetterName);
  consumer.addToRolePolicy(
    new PolicyStatement({ actions: STREAM_READ_ACTIONS, resources: [`${table.tableArn}/stream/*`] }),
  );
  consumer.addEventSourceMapping(id, {
    eventSourceArn: table.tableStreamArn,
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: resource.batchSize,
    maxBatchingWindow: Duration.seconds(resource.maxBatchingWindowSeconds),
    retryAttempts: resource.retryAttempts,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    onFailure: new SqsDlq(deadLetters),
    filters: [{ pattern: JSON.stringify(resource.filterPattern) }],
  });
  return { deadLetters };
};
