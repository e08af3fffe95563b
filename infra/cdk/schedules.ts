import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deadLetterQueue } from './queues';

/**
 * Every schedule the timer group can hold. Timer schedule names derive from workflow ids at run
 * time, so grants name the group's schedules by pattern. Built from the pseudo-parameters (not the
 * stack's own account and Region) so that it reads the same in every stack.
 */
export const timerScheduleArnPattern = (groupName: string): string =>
  `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${groupName}/*`;

export interface TimerScheduling {
  group: ScheduleGroup;
  /** The role one-time timer schedules run as: it may send to the decide queue and do nothing else. */
  schedulerRole: Role;
}

/**
 * The group the engine's one-time timer schedules are created in (each deletes itself once fired)
 * and the role they send their decide request with.
 */
export const timerScheduling = (
  scope: Construct,
  props: { groupName: string; decideQueue: IQueue },
): TimerScheduling => {
  const group = new ScheduleGroup(scope, 'TimerScheduleGroup', {
    scheduleGroupName: props.groupName,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stack = Stack.of(scope);
  // Only schedules of this account's timer group may assume it (confused-deputy protection).
  const schedulerRole = new Role(scope, 'TimerSchedulerRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': timerScheduleArnPattern(props.groupName) },
    }),
    description: 'Sends the decide requests of one-time timer schedules',
  });
  props.decideQueue.grantSendMessages(schedulerRole);
  return { group, schedulerRole };
};

export interface ReconcileSchedule {
  schedule: Schedule;
  /** Ticks the Scheduler could not deliver after its retries. */
  deadLetters: Queue;
}

/**
 * The backstop's clock. A tick that cannot be delivered within a few minutes is worth little (the
 * next one comes a minute later and looks at the whole store), so retries are few and short.
 */
export const reconcileSchedule = (
  scope: Construct,
  props: { scheduleName: string; expression: string; target: IFunction; deadLetterQueueName: string },
): ReconcileSchedule => {
  const deadLetters = deadLetterQueue(scope, 'ReconcileScheduleDeadLetters', props.deadLetterQueueName);
  const schedule = new Schedule(scope, 'ReconcileSchedule', {
    scheduleName: props.scheduleName,
    description: 'Finds workflows whose decide is overdue and asks for it again',
    schedule: ScheduleExpression.expression(props.expression),
    target: new InvokeFunctionOnly(props.target, {
      retryAttempts: 3,
      maxEventAge: Duration.minutes(5),
      deadLetterQueue: deadLetters,
    }),
  });
  return { schedule, deadLetters };
};

/**
 * LambdaInvoke lets the schedule's role invoke the function and every version and alias of it
 * (`<arn>:*`); the engine publishes none, so this one grants the function itself and nothing more.
 */
class InvokeFunctionOnly extends LambdaInvoke {
  protected override addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.targetArn] }),
    );
  }
}
