import type { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { FunctionId, QueueId } from '../resources';

/**
 * How callers authenticate to the HTTP API. `token`: Conductor's own flow, an application key
 * exchanged at `POST /api/token` for a signed token sent as `X-Authorization`, checked by a Lambda
 * authorizer. `iam`: every request is SigV4-signed by an IAM principal allowed `execute-api:Invoke`.
 */
export type AuthMode = 'token' | 'iam';

/** Settings of one Baton installation; every one has a default that deploys as is. */
export interface BatonEngineProps {
  /**
   * Prefix of every named resource (tables, queues, functions, schedule group), so that several
   * installations can share an account and Region.
   * @default 'baton'
   */
  readonly namePrefix?: string;
  /**
   * Days a finished execution is kept before DynamoDB's TTL may delete it.
   * @default 30
   */
  readonly finishedExecutionRetentionDays?: number;
  /** @default 'token' */
  readonly authMode?: AuthMode;
  /**
   * Per queue, how many concurrent invocations may drain it (the event source mapping's maximum
   * concurrency, 2 to 1000). This caps the engine's load on DynamoDB and on called services.
   * @default the values in infra/resources.ts
   */
  readonly maxConcurrency?: Partial<Record<QueueId, number>>;
  /**
   * Reserved concurrency per function. None by default: a new account's concurrency quota is often
   * too small to reserve any, and the queues' maximum concurrency already bounds the consumers.
   * @default no reservation
   */
  readonly reservedConcurrency?: Partial<Record<FunctionId, number>>;
  /**
   * Requests per second (steady, burst) the HTTP API accepts across all routes before answering 429.
   * @default { rateLimit: 1000, burstLimit: 2000 }
   */
  readonly apiThrottle?: { rateLimit: number; burstLimit: number };
  /**
   * Where alarms send their notifications. Without one the alarms still exist in CloudWatch.
   * @default no notifications
   */
  readonly alarmTopic?: ITopic;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * ARNs of the SQS queues EVENT tasks may publish to (`sink: "sqs:<queue>"`). Sending anywhere
   * else is denied.
   * @default none
   */
  readonly eventQueueArns?: string[];
  /**
   * What deleting the stack does to the tables (executions, definitions, keys).
   * @default RemovalPolicy.RETAIN
   */
  readonly dataRemovalPolicy?: RemovalPolicy;
  /** When alarms fire. */
  readonly alarmThresholds?: AlarmThresholds;
}

export interface AlarmThresholds {
  /**
   * Age in seconds of a queue's oldest message. Above SQS's 15-minute maximum delay, because a
   * delayed wake-up is already that old when it becomes visible.
   * @default 1200
   */
  readonly oldestMessageAgeSeconds?: number;
  /**
   * Workflows rescued by the reconcile within five minutes.
   * @default 1
   */
  readonly rescuedWorkflows?: number;
}
