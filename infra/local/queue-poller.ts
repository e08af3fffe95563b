import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SqsBatchResponse, SqsEvent } from '../../lambdas/shared/sqs-batch';

export interface QueuePollerOptions {
  client: SQSClient;
  queueUrl: string;
  batchSize: number;
  handler: (event: SqsEvent) => Promise<SqsBatchResponse>;
  /** Invocations running at once, like the event source mapping's maximum concurrency. */
  concurrency?: number;
  onError?: (error: unknown) => void;
}

/**
 * Plays the Lambda event source mapping for one queue: long-polls, invokes the handler with a
 * Lambda-shaped batch, and deletes only the records the handler did not report as failed. Failed
 * ones stay in flight and come back after the visibility timeout, as they would deployed.
 */
export const startQueuePoller = ({
  client,
  queueUrl,
  batchSize,
  handler,
  concurrency = 2,
  onError,
}: QueuePollerOptions) => {
  let running = true;
  const abort = new AbortController();
  const loop = async () => {
    while (running) {
      try {
        const received = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: abort.signal },
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0) continue;
        const event: SqsEvent = {
          Records: messages.map((message) => ({ messageId: message.MessageId!, body: message.Body ?? '' })),
        };
        const failed = new Set(
          await handler(event)
            .then((response) => response.batchItemFailures.map((failure) => failure.itemIdentifier))
            .catch((error: unknown) => {
              onError?.(error);
              return messages.map((message) => message.MessageId!);
            }),
        );
        const done = messages.filter((message) => !failed.has(message.MessageId!));
        if (done.length > 0) {
          await client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle!,
              })),
            }),
          );
        }
      } catch (error) {
        if (!running) return;
        onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const workers = Array.from({ length: concurrency }, loop);
  return {
    stop: async () => {
      running = false;
      abort.abort();
      await Promise.allSettled(workers);
    },
  };
};
