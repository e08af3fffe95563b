import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { BatonResources, QueueId } from '../resources';

/** SQS's longest retention: a message in a DLQ waits for whoever investigates it. */
const DEAD_LETTER_RETENTION = Duration.days(14);

export interface QueueWithDeadLetters {
  queue: Queue;
  deadLetters: Queue;
}

/** An encrypted, TLS-only queue, as resources.ts describes it, with its dead-letter queue. */
export const queueFromResource = (
  scope: Construct,
  id: string,
  resource: BatonResources['queues'][QueueId],
): QueueWithDeadLetters => {
  const deadLetters = deadLetterQueue(scope, `${id}DeadLetters`, resource.deadLetterName);
  const queue = new Queue(scope, id, {
    queueName: resource.name,
    visibilityTimeout: Duration.seconds(resource.visibilityTimeoutSeconds),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: resource.maxReceiveCount },
  });
  return { queue, deadLetters };
};

/** An encrypted, TLS-only queue that only ever holds failures (of an SQS queue or a schedule). */
export const deadLetterQueue = (scope: Construct, id: string, queueName: string): Queue =>
  new Queue(scope, id, {
    queueName,
    retentionPeriod: DEAD_LETTER_RETENTION,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
