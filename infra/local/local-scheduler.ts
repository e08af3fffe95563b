import {
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface LocalSchedulerOptions {
  scheduler: SchedulerClient;
  sqs: SQSClient;
  groupName: string;
  /** Target queue ARN → URL: the only target Baton's timers use is the decide queue. */
  queueUrls: Record<string, string>;
  /** The minute reconcile. */
  reconcile: () => Promise<unknown>;
  reconcileEveryMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

/**
 * Plays EventBridge Scheduler, which the emulator stores but never fires: every second it delivers
 * the one-time schedules that have come due to their target queue and deletes them (they are
 * created with ActionAfterCompletion DELETE), and every minute it runs the reconcile.
 */
export const startLocalScheduler = ({
  scheduler,
  sqs,
  groupName,
  queueUrls,
  reconcile,
  reconcileEveryMs = 60_000,
  now = () => Date.now(),
  onError = (error) =>
    console.error(JSON.stringify({ message: 'local scheduler error', error: String(error) })),
}: LocalSchedulerOptions) => {
  const fireDue = async () => {
    let token: string | undefined;
    do {
      const page = await scheduler.send(new ListSchedulesCommand({ GroupName: groupName, NextToken: token }));
      for (const summary of page.Schedules ?? []) {
        const schedule = await scheduler.send(
          new GetScheduleCommand({ Name: summary.Name, GroupName: groupName }),
        );
        const at = AT.exec(schedule.ScheduleExpression ?? '')?.[1];
        if (!at || Date.parse(`${at}Z`) > now()) continue;
        const queueUrl = queueUrls[schedule.Target?.Arn ?? ''];
        if (queueUrl)
          await sqs.send(
            new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: schedule.Target?.Input ?? '{}' }),
          );
        await scheduler.send(new DeleteScheduleCommand({ Name: summary.Name, GroupName: groupName }));
      }
      token = page.NextToken;
    } while (token);
  };
  const timers = [
    setInterval(() => fireDue().catch(onError), 1_000),
    setInterval(() => reconcile().catch(onError), reconcileEveryMs),
  ];
  return { stop: () => timers.forEach(clearInterval) };
};
