/**
 * The queue contract against moto's SQS over HTTP with the real SDK: the behaviour the simulator's
 * queue model claims. Fails, never skips, when moto cannot start.
 */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeEach } from 'vitest';
import { describeQueueContract, QUEUE_SETTINGS } from '../contract/queue.contract';
import { motoClients, useMoto } from '../support/moto';

const moto = useMoto();
let sqs: SQSClient;
let queues = 0;

beforeEach(() => {
  sqs ??= motoClients(moto.endpoint).sqs;
});
afterAll(() => sqs?.destroy());

const createQueue = async (name: string, attributes: Record<string, string> = {}) => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
};

describeQueueContract('SQS on moto', async () => {
  const id = `contract-${process.pid}-${++queues}`;
  const deadLetter = await createQueue(`${id}-dlq`);
  const queue = await createQueue(id, {
    VisibilityTimeout: String(QUEUE_SETTINGS.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetter.arn,
      maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount,
    }),
  });
  const receiveFrom = async (url: string, max: number) => {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: max,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    return (Messages ?? []).map((message) => ({
      handle: message.ReceiptHandle!,
      body: message.Body!,
      receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    }));
  };
  return {
    send: async (body, delaySeconds) => {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body, DelaySeconds: delaySeconds }),
      );
    },
    receive: (max) => receiveFrom(queue.url, max),
    delete: async (handle) => {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: handle }));
    },
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    deadLetters: async () => (await receiveFrom(deadLetter.url, 10)).map((message) => message.body),
  };
});
