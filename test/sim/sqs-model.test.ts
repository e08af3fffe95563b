import { faultFree } from '../../sim/faults';
import { Random } from '../../sim/random';
import { SimQueue } from '../../sim/sqs-model';
import { SimWorld } from '../../sim/world';
import { describeQueueContract, QUEUE_SETTINGS } from '../contract/queue.contract';

describeQueueContract('the simulator’s SQS model', async () => {
  const world = new SimWorld(new Random(1), faultFree());
  const queue = new SimQueue(
    { name: 'contract', batchSize: 10, maxConcurrency: 1, ...QUEUE_SETTINGS },
    world,
  );
  return {
    send: async (body, delaySeconds) => queue.send(body, delaySeconds),
    receive: async (max) =>
      queue.receive(max).map((message) => ({
        handle: message.id,
        body: message.body,
        receiveCount: message.receiveCount,
      })),
    delete: async (handle) => queue.delete(handle),
    wait: async (ms) => {
      await world.runUntil(world.now + ms);
    },
    deadLetters: async () => queue.deadLetters.map((message) => message.body),
  };
});
