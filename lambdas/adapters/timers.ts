import { createHash } from 'node:crypto';
import { CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Clock, DecideQueue, Timers } from '../ports';
import { MAX_SQS_DELAY_SECONDS } from './sqs-queues';

export interface SchedulerTimersOptions {
  client: SchedulerClient;
  /** Short wake-ups go out as delayed decide requests: cheaper and more punctual than a schedule. */
  decideQueue: DecideQueue;
  decideQueueArn: string;
  /** The role EventBridge Scheduler assumes to send to the decide queue. */
  roleArn: string;
  groupName: string;
  clock?: Clock;
}

/**
 * Wake-ups for the decider. Within SQS's 15-minute delay, a delayed decide request; beyond it, a
 * one-time EventBridge schedule that sends the same `{ workflowId }` message to the decide queue
 * and deletes itself. Timers are never cancelled: one that fires when nothing is due costs a decide
 * that reads the state and finds nothing to do.
 */
export class SchedulerTimers implements Timers {
  private readonly options: SchedulerTimersOptions;
  private readonly clock: Clock;

  constructor(options: SchedulerTimersOptions) {
    this.options = options;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  async wakeAt(workflowId: string, at: number): Promise<void> {
    const delaySeconds = Math.max(0, Math.ceil((at - this.clock.now()) / 1000));
    if (delaySeconds <= MAX_SQS_DELAY_SECONDS) {
      return this.options.decideQueue.requestDecide(workflowId, delaySeconds);
    }
    // Rounded up to the second, so that the decide never comes before the instant it is for.
    const instant = Math.ceil(at / 1000) * 1000;
    const { client, decideQueueArn, roleArn, groupName } = this.options;
    try {
      await client.send(
        new CreateScheduleCommand({
          Name: scheduleName(workflowId, instant),
          GroupName: groupName,
          ScheduleExpression: `at(${new Date(instant).toISOString().slice(0, 19)})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: decideQueueArn, RoleArn: roleArn, Input: JSON.stringify({ workflowId }) },
        }),
      );
    } catch (error) {
      // Same name, same instant: a repeated wakeAt (a decide carried out twice) is one schedule.
      // Matched by name, which holds even when a bundle carries two copies of the SDK.
      if ((error as { name?: unknown } | null)?.name !== 'ConflictException') throw error;
    }
  }
}

/**
 * Schedule names allow 64 characters of [0-9a-zA-Z-_.]; workflow ids can be longer and hold ':'.
 * A readable prefix helps whoever lists the schedules; the hash keeps distinct ids apart.
 */
export const scheduleName = (workflowId: string, instant: number): string => {
  const readable = workflowId.replace(/[^0-9a-zA-Z_.-]/g, '_').slice(0, 24);
  const hash = createHash('sha256').update(workflowId).digest('hex').slice(0, 24);
  return `${readable}-${hash}-${Math.floor(instant / 1000)}`;
};
