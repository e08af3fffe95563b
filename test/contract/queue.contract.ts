/**
 * What the engine relies on from an SQS standard queue, as one suite for the simulator's queue
 * model (sim/sqs-model.ts) and for moto over HTTP, so the model cannot drift from the wire.
 */
import { describe, expect, it } from 'vitest';

export interface QueueUnderTest {
  send(body: string, delaySeconds?: number): Promise<void>;
  /** Visible messages, each with a handle to delete it by and its receive count. */
  receive(max: number): Promise<{ handle: string; body: string; receiveCount: number }[]>;
  delete(handle: string): Promise<void>;
  /** Lets time pass: real time on moto, simulated time in the model. */
  wait(ms: number): Promise<void>;
  deadLetters(): Promise<string[]>;
}

/** Both sides are made with a 1 s visibility timeout and maxReceiveCount 2. */
export const QUEUE_SETTINGS = { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 } as const;

export const describeQueueContract = (name: string, make: () => Promise<QueueUnderTest>): void => {
  describe(`${name} honours the queue contract`, () => {
    it('hides a received message for the visibility timeout, then delivers it again with a higher receive count', async () => {
      const queue = await make();
      await queue.send('{"workflowId":"wf-1"}');
      const [first] = await queue.receive(10);
      expect(first).toMatchObject({ body: '{"workflowId":"wf-1"}', receiveCount: 1 });
      expect(await queue.receive(10)).toEqual([]);
      await queue.wait(1_200);
      const [again] = await queue.receive(10);
      expect(again).toMatchObject({ body: '{"workflowId":"wf-1"}', receiveCount: 2 });
    }, 15_000);

    it('never delivers a deleted message again', async () => {
      const queue = await make();
      await queue.send('done');
      const [message] = await queue.receive(10);
      await queue.delete(message!.handle);
      await queue.wait(1_200);
      expect(await queue.receive(10)).toEqual([]);
    }, 15_000);

    it('holds a delayed message back for its delay', async () => {
      const queue = await make();
      await queue.send('later', 1);
      expect(await queue.receive(10)).toEqual([]);
      await queue.wait(1_300);
      expect((await queue.receive(10)).map((message) => message.body)).toEqual(['later']);
    }, 15_000);

    it('moves a message received more than maxReceiveCount times to the DLQ instead of delivering it', async () => {
      const queue = await make();
      await queue.send('poison');
      for (let receive = 1; receive <= QUEUE_SETTINGS.maxReceiveCount; receive++) {
        expect(await queue.receive(10)).toHaveLength(1);
        await queue.wait(1_200);
      }
      expect(await queue.receive(10)).toEqual([]);
      expect(await queue.deadLetters()).toEqual(['poison']);
    }, 20_000);
  });
};
