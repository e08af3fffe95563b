import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DecideQueue, EventSink, SystemTaskQueue } from '../ports';

/** SQS caps DelaySeconds at 15 minutes; longer waits are the Scheduler's job (SchedulerTimers). */
export const MAX_SQS_DELAY_SECONDS = 900;

/** Whole seconds within SQS's range, rounded up so that a delayed message never arrives early. */
export const sqsDelay = (seconds: number | undefined): number =>
  Number.isFinite(seconds) ? Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil(seconds!))) : 0;

interface QueueOptions {
  client: SQSClient;
  queueUrl: string;
}

/** Decide requests as `{ workflowId }` messages on the decide queue. */
export class SqsDecideQueue implements DecideQueue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor({ client, queueUrl }: QueueOptions) {
    this.client = client;
    this.queueUrl = queueUrl;
  }

  async requestDecide(workflowId: string, delaySeconds?: number): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({ workflowId }),
        DelaySeconds: sqsDelay(delaySeconds),
      }),
    );
  }
}

/** System-task work as `{ workflowId, taskId, taskType }` messages on the system-task queue. */
export class SqsSystemTaskQueue implements SystemTaskQueue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor({ client, queueUrl }: QueueOptions) {
    this.client = client;
    this.queueUrl = queueUrl;
  }

  async enqueue(
    work: { workflowId: string; taskId: string; taskType: string },
    delaySeconds: number,
  ): Promise<void> {
    const { workflowId, taskId, taskType } = work;
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({ workflowId, taskId, taskType }),
        DelaySeconds: sqsDelay(delaySeconds),
      }),
    );
  }
}

/**
 * EVENT tasks' `sqs:` sink. The destination is a queue URL or a queue name; a name is resolved once
 * with GetQueueUrl and remembered, since a queue's URL never changes while it exists.
 */
export class SqsEventSink implements EventSink {
  private readonly client: SQSClient;
  private readonly urls = new Map<string, Promise<string>>();

  constructor({ client }: { client: SQSClient }) {
    this.client = client;
  }

  async publish(sink: { type: 'sqs'; destination: string }, message: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: await this.urlOf(sink.destination), MessageBody: message }),
    );
  }

  private urlOf(destination: string): Promise<string> {
    if (/^https?:\/\//.test(destination)) return Promise.resolve(destination);
    let url = this.urls.get(destination);
    if (!url) {
      url = this.client
        .send(new GetQueueUrlCommand({ QueueName: destination }))
        .then((found) => found.QueueUrl!);
      // A failed lookup (queue not created yet, throttled) must not be remembered.
      url.catch(() => this.urls.delete(destination));
      this.urls.set(destination, url);
    }
    return url;
  }
}
