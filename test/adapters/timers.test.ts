import { ConflictException, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { SchedulerTimers, scheduleName } from '../../lambdas/adapters/timers';
import { ManualClock, RecordingDecideQueue } from '../fakes/in-memory-ports';

/** A Scheduler client that records CreateSchedule inputs and can answer like a second create does. */
const fakeScheduler = () => {
  const created: Record<string, unknown>[] = [];
  let next: Error | undefined;
  const client = {
    send: async (command: { input: Record<string, unknown> }) => {
      if (next) throw next;
      created.push(command.input);
      return {};
    },
  } as unknown as SchedulerClient;
  return { client, created, failNextWith: (error: Error) => (next = error) };
};

const makeTimers = () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 9, 0, 0));
  const decideQueue = new RecordingDecideQueue();
  const scheduler = fakeScheduler();
  const timers = new SchedulerTimers({
    client: scheduler.client,
    decideQueue,
    decideQueueArn: 'arn:aws:sqs:us-east-1:123456789012:decide',
    roleArn: 'arn:aws:iam::123456789012:role/scheduler',
    groupName: 'baton',
    clock,
  });
  return { clock, decideQueue, scheduler, timers };
};

describe('SchedulerTimers', () => {
  it('turns a wake-up within 15 minutes into a delayed decide request, rounded up to the second', async () => {
    const { clock, decideQueue, scheduler, timers } = makeTimers();
    await timers.wakeAt('wf-1', clock.now() + 900_000);
    await timers.wakeAt('wf-1', clock.now() + 1_500);
    await timers.wakeAt('wf-1', clock.now() - 5_000);
    expect(decideQueue.requests).toEqual([
      { workflowId: 'wf-1', delaySeconds: 900 },
      { workflowId: 'wf-1', delaySeconds: 2 },
      { workflowId: 'wf-1', delaySeconds: 0 },
    ]);
    expect(scheduler.created).toEqual([]);
  });

  it('creates a one-time, self-deleting schedule that sends { workflowId } to the decide queue for a later one', async () => {
    const { clock, decideQueue, scheduler, timers } = makeTimers();
    await timers.wakeAt('wf-1', clock.now() + 900_001);
    expect(decideQueue.requests).toEqual([]);
    expect(scheduler.created).toEqual([
      {
        Name: scheduleName('wf-1', Date.UTC(2026, 10, 24, 9, 15, 1)),
        GroupName: 'baton',
        ScheduleExpression: 'at(2026-11-24T09:15:01)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: 'arn:aws:sqs:us-east-1:123456789012:decide',
          RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
          Input: '{"workflowId":"wf-1"}',
        },
      },
    ]);
  });

  it('treats a schedule that already exists as created', async () => {
    const { clock, scheduler, timers } = makeTimers();
    scheduler.failNextWith(new ConflictException({ Message: 'exists', message: 'exists', $metadata: {} }));
    await expect(timers.wakeAt('wf-1', clock.now() + 3_600_000)).resolves.toBeUndefined();
  });

  it('passes other Scheduler errors on', async () => {
    const { clock, scheduler, timers } = makeTimers();
    scheduler.failNextWith(new Error('ThrottlingException'));
    await expect(timers.wakeAt('wf-1', clock.now() + 3_600_000)).rejects.toThrow('ThrottlingException');
  });

  it('names schedules within the Scheduler rules, the same for the same workflow and instant only', () => {
    // The Scheduler allows 1–64 characters of [0-9a-zA-Z-_.]; moto does not check, so this does.
    const long = `${'parent-workflow:'.repeat(6)}child:0:0:child`;
    const at = Date.UTC(2026, 10, 24, 10);
    for (const id of ['wf-1', long, 'a:b/c d'])
      expect(scheduleName(id, at)).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
    expect(scheduleName(long, at)).toBe(scheduleName(long, at));
    expect(scheduleName(long, at)).not.toBe(scheduleName(long, at + 1_000));
    expect(scheduleName('a:b', at)).not.toBe(scheduleName('a_b', at));
  });
});
