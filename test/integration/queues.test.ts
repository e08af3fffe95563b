import {
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsDecideQueue, SqsEventSink, SqsSystemTaskQueue } from '../../lambdas/adapters/sqs-queues';
import { SchedulerTimers, scheduleName } from '../../lambdas/adapters/timers';
import { ManualClock } from '../fakes/in-memory-ports';
import { uniqueName } from '../support/aws-endpoint';
import { motoClients, useMoto } from '../support/moto';

/**
 * Every queue and schedule group has a name of its own, so tests need no emulator reset and run
 * the same on a moto of their own and on a shared emulator (AWS_ENDPOINT_URL).
 */
const moto = useMoto();
let sqs: SQSClient;
let scheduler: SchedulerClient;
let queueCount = 0;
let groupCount = 0;

beforeEach(() => {
  if (!sqs) ({ sqs, scheduler } = motoClients(moto.endpoint));
});

afterAll(() => {
  sqs?.destroy();
  scheduler?.destroy();
});

/** A queue, fresh unless named, with its URL and ARN. */
const createQueue = async (name = uniqueName(`queue-${++queueCount}`)) => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl!, arn: Attributes!.QueueArn!, name };
};

const receive = async (url: string, waitSeconds = 0) => {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
  );
  return (Messages ?? []).map((message) => JSON.parse(message.Body!) as unknown);
};

/** Counts the SQS calls of one kind a client makes. */
const countCalls = (client: SQSClient, commandName: string) => {
  const counter = { calls: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === commandName) counter.calls++;
      return next(args);
    },
    { step: 'initialize', name: `count-${commandName}-${Math.random()}` },
  );
  return counter;
};

describe('SqsDecideQueue and SqsSystemTaskQueue on moto', () => {
  it('sends a decide request as { workflowId } at once', async () => {
    const queue = await createQueue();
    await new SqsDecideQueue({ client: sqs, queueUrl: queue.url }).requestDecide('wf-1');
    expect(await receive(queue.url)).toEqual([{ workflowId: 'wf-1' }]);
  });

  it('holds a delayed decide request back until its delay has passed', async () => {
    const queue = await createQueue();
    await new SqsDecideQueue({ client: sqs, queueUrl: queue.url }).requestDecide('wf-1', 1);
    expect(await receive(queue.url)).toEqual([]);
    expect(await receive(queue.url, 3)).toEqual([{ workflowId: 'wf-1' }]);
  });

  it('sends a delay beyond 15 minutes as 900 s, which SQS accepts, instead of failing', async () => {
    const queue = await createQueue();
    const decide = new SqsDecideQueue({ client: sqs, queueUrl: queue.url });
    await expect(decide.requestDecide('wf-1', 3_600)).resolves.toBeUndefined();
    await expect(decide.requestDecide('wf-2', -5)).resolves.toBeUndefined();
    expect(await receive(queue.url)).toEqual([{ workflowId: 'wf-2' }]);
  });

  it('sends system-task work as { workflowId, taskId, taskType }', async () => {
    const queue = await createQueue();
    const work = { workflowId: 'wf-1', taskId: 'wf-1:call:0:0', taskType: 'HTTP' };
    await new SqsSystemTaskQueue({ client: sqs, queueUrl: queue.url }).enqueue(work, 0);
    expect(await receive(queue.url)).toEqual([work]);
  });
});

describe('SqsEventSink on moto', () => {
  it('publishes to a queue named in the sink, looking its URL up once', async () => {
    const queue = await createQueue();
    const lookups = countCalls(sqs, 'GetQueueUrlCommand');
    const sink = new SqsEventSink({ client: sqs });
    await sink.publish({ type: 'sqs', destination: queue.name }, '{"n":1}');
    await sink.publish({ type: 'sqs', destination: queue.name }, '{"n":2}');
    expect(lookups.calls).toBe(1);
    expect(await receive(queue.url)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('publishes to a queue URL without a lookup', async () => {
    const queue = await createQueue();
    const lookups = countCalls(sqs, 'GetQueueUrlCommand');
    await new SqsEventSink({ client: sqs }).publish({ type: 'sqs', destination: queue.url }, '{"n":1}');
    expect(lookups.calls).toBe(0);
    expect(await receive(queue.url)).toEqual([{ n: 1 }]);
  });

  it('fails for a queue that does not exist, and finds it once it has been created', async () => {
    const sink = new SqsEventSink({ client: sqs });
    const name = uniqueName('late-queue');
    await expect(sink.publish({ type: 'sqs', destination: name }, '{}')).rejects.toThrow(
      'The specified queue does not exist',
    );
    const queue = await createQueue(name);
    await sink.publish({ type: 'sqs', destination: name }, '{"late":true}');
    expect(await receive(queue.url)).toEqual([{ late: true }]);
  });
});

describe('SchedulerTimers on moto', () => {
  const now = Date.UTC(2026, 10, 24, 9, 0, 0);

  const makeTimers = async () => {
    const queue = await createQueue();
    const groupName = uniqueName(`timers-${++groupCount}`);
    await scheduler.send(new CreateScheduleGroupCommand({ Name: groupName }));
    const timers = new SchedulerTimers({
      client: scheduler,
      decideQueue: new SqsDecideQueue({ client: sqs, queueUrl: queue.url }),
      decideQueueArn: queue.arn,
      roleArn: 'arn:aws:iam::123456789012:role/baton-scheduler',
      groupName,
      clock: new ManualClock(now),
    });
    return { queue, timers, groupName };
  };

  it('sends a wake-up a second away as a delayed decide request, with no schedule', async () => {
    const { queue, timers, groupName } = await makeTimers();
    await timers.wakeAt('wf-1', now + 1_000);
    expect(await receive(queue.url)).toEqual([]);
    expect(await receive(queue.url, 3)).toEqual([{ workflowId: 'wf-1' }]);
    const { Schedules } = await scheduler.send(new ListSchedulesCommand({ GroupName: groupName }));
    expect(Schedules).toEqual([]);
  });

  it('creates one self-deleting one-time schedule for a wake-up an hour away, however often it is asked', async () => {
    const { queue, timers, groupName } = await makeTimers();
    const workflowId = 'parent.call.0.0.child';
    await timers.wakeAt(workflowId, now + 3_600_000);
    await timers.wakeAt(workflowId, now + 3_600_000);
    const { Schedules } = await scheduler.send(new ListSchedulesCommand({ GroupName: groupName }));
    expect(Schedules?.map((s) => s.Name)).toEqual([scheduleName(workflowId, now + 3_600_000)]);
    const schedule = await scheduler.send(
      new GetScheduleCommand({ GroupName: groupName, Name: Schedules![0]!.Name }),
    );
    expect(schedule).toMatchObject({
      ScheduleExpression: 'at(2026-11-24T10:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: queue.arn,
        RoleArn: 'arn:aws:iam::123456789012:role/baton-scheduler',
        Input: JSON.stringify({ workflowId }),
      },
    });
    expect(await receive(queue.url)).toEqual([]);
  });
});
