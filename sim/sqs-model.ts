import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SqsBatchResponse, SqsEvent } from '../lambdas/shared/sqs-batch';
import type { SimWorld } from './world';

export interface QueueSettings {
  name: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  batchSize: number;
  maxConcurrency: number;
}

interface Message {
  id: string;
  body: string;
  visibleAt: number;
  receiveCount: number;
}

/**
 * A standard SQS queue: at-least-once, no order promised, a visibility timeout per receive, a
 * receive count, and a DLQ for a message received more than maxReceiveCount times. Duplicates and
 * delays come from the fault plan.
 */
export class SimQueue {
  readonly deadLetters: Message[] = [];
  private readonly messages: Message[] = [];
  private nextId = 1;
  private waiters: (() => void)[] = [];

  constructor(
    readonly settings: QueueSettings,
    private readonly world: SimWorld,
  ) {}

  send(body: string, delaySeconds = 0): void {
    const copies = this.world.chance(this.world.faults.rates.duplicate, 'duplicate') ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const late = this.world.chance(this.world.faults.rates.delay, 'delay')
        ? this.world.random.int(1_000, 20_000)
        : 0;
      this.messages.push({
        id: `${this.settings.name}-${this.nextId++}`,
        body,
        visibleAt: this.world.now + delaySeconds * 1000 + late,
        receiveCount: 0,
      });
    }
    this.world.record(`send ${this.settings.name} ${body}`);
    this.wake();
  }

  /**
   * Up to `max` visible messages, picked at random (standard queues keep no order). Each becomes
   * invisible for the visibility timeout; one received too often goes to the DLQ instead.
   */
  receive(max: number): Message[] {
    const batch: Message[] = [];
    while (batch.length < max) {
      const visible = this.messages.filter((message) => message.visibleAt <= this.world.now);
      if (visible.length === 0) break;
      const message = this.world.random.pick(visible);
      message.receiveCount += 1;
      if (message.receiveCount > this.settings.maxReceiveCount) {
        this.remove(message.id);
        this.deadLetters.push(message);
        continue;
      }
      message.visibleAt = this.world.now + this.settings.visibilityTimeoutSeconds * 1000;
      batch.push(message);
    }
    return batch;
  }

  delete(id: string): void {
    this.remove(id);
  }

  /** Messages not yet deleted, visible or not. */
  inFlight(): number {
    return this.messages.length;
  }

  /** Resolves when a message is sent, or when the next one becomes visible, or after `maxMs`. */
  async nextChange(maxMs: number): Promise<void> {
    const soonest = Math.min(...this.messages.map((message) => message.visibleAt), this.world.now + maxMs);
    await new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve();
      };
      this.waiters.push(finish);
      this.world.at(Math.max(soonest, this.world.now + 1), finish);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) this.world.at(this.world.now, waiter);
  }

  private remove(id: string): void {
    const index = this.messages.findIndex((message) => message.id === id);
    if (index >= 0) this.messages.splice(index, 1);
  }
}

/**
 * The SQS client the real adapters (SqsDecideQueue, SqsSystemTaskQueue) are given: their
 * SendMessage calls land in the models, through the world's faults like any AWS call.
 */
export const simSqsClient = (world: SimWorld, queues: ReadonlyMap<string, SimQueue>): SQSClient =>
  ({
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      if (command.constructor.name !== 'SendMessageCommand') {
        throw new Error(`the simulated SQS does not serve ${command.constructor.name}`);
      }
      const { QueueUrl, MessageBody, DelaySeconds } = command.input as {
        QueueUrl: string;
        MessageBody: string;
        DelaySeconds?: number;
      };
      const queue = queues.get(QueueUrl);
      if (!queue) throw new Error(`no simulated queue at ${QueueUrl}`);
      return world.io(`SQS SendMessage ${queue.settings.name}`, async () => {
        queue.send(MessageBody, DelaySeconds ?? 0);
        return { MessageId: 'simulated' };
      });
    },
  }) as unknown as SQSClient;

/**
 * Lambda's event source mapping for one queue: receives batches while fewer than maxConcurrency
 * invocations run, invokes the handler in a process of its own, and deletes only the records that
 * succeeded (ReportBatchItemFailures). A crashed or failed invocation deletes nothing: its records
 * come back after the visibility timeout.
 */
export const runEventSource = (
  world: SimWorld,
  queue: SimQueue,
  kind: string,
  handler: (event: SqsEvent) => Promise<SqsBatchResponse>,
  running: () => boolean,
): void => {
  let active = 0;
  const loop = async () => {
    while (running()) {
      if (active >= queue.settings.maxConcurrency) {
        await world.sleep(50);
        continue;
      }
      const batch = queue.receive(queue.settings.batchSize);
      if (batch.length === 0) {
        await queue.nextChange(20_000);
        continue;
      }
      active += 1;
      const records = batch.map(({ id, body }) => ({ messageId: id, body }));
      void world
        .spawn(kind, () => handler({ Records: records }))
        .then((end) => {
          active -= 1;
          if (end.kind !== 'returned') return;
          const failed = new Set(end.value.batchItemFailures.map((failure) => failure.itemIdentifier));
          for (const { id } of batch) if (!failed.has(id)) queue.delete(id);
        });
    }
  };
  void loop();
};
