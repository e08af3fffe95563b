import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ConflictException,
  CreateScheduleGroupCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ensureTable } from '../../lambdas/adapters/dynamodb/ensure-table';
import type { Config } from '../../lambdas/shared/config';
import { DEFAULT_FINISHED_RETENTION_DAYS } from '../../lambdas/shared/retention';
import type { BatonResources, QueueId } from '../resources';

export interface ProvisionedQueue {
  url: string;
  arn: string;
}

/** The scheduler role is never assumed on an emulator; any well-formed ARN will do. */
const LOCAL_SCHEDULER_ROLE = 'arn:aws:iam::123456789012:role/baton-local-scheduler';

/** The configuration the handlers read, for resources provisioned on an emulator. */
export const localConfig = (
  resources: BatonResources,
  queues: Record<QueueId, ProvisionedQueue>,
  endpoint: string,
  finishedRetentionDays = DEFAULT_FINISHED_RETENTION_DAYS,
): Config => ({
  stateTable: resources.tables.state.TableName!,
  definitionsTable: resources.tables.definitions.TableName!,
  decideQueueUrl: queues.decide.url,
  decideQueueArn: queues.decide.arn,
  systemTaskQueueUrl: queues.systemTask.url,
  scheduleGroup: resources.scheduleGroup,
  schedulerRoleArn: LOCAL_SCHEDULER_ROLE,
  finishedRetentionDays,
  endpoint,
});

/**
 * Creates what the stack would, on the emulator: the tables, each queue with its dead-letter queue
 * and redrive policy, and the schedule group for timers. Safe to run again on an existing setup.
 */
export const provision = async (
  resources: BatonResources,
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; scheduler: SchedulerClient },
): Promise<Record<QueueId, ProvisionedQueue>> => {
  for (const table of Object.values(resources.tables)) await ensureTable(clients.dynamodb, table);
  const queues = {} as Record<QueueId, ProvisionedQueue>;
  for (const [id, queue] of Object.entries(resources.queues) as [
    QueueId,
    BatonResources['queues'][QueueId],
  ][]) {
    const deadLetter = await createQueue(clients.sqs, queue.deadLetterName, {
      MessageRetentionPeriod: '1209600',
    });
    queues[id] = await createQueue(clients.sqs, queue.name, {
      VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: deadLetter.arn,
        maxReceiveCount: queue.maxReceiveCount,
      }),
    });
  }
  try {
    await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: resources.scheduleGroup }));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
  return queues;
};

const createQueue = async (
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<ProvisionedQueue> => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
};
