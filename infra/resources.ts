/**
 * Every AWS resource Baton needs, as plain data: the local runtime creates tables and queues from
 * it, and the CDK stack translates the same objects, so the two cannot drift.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { definitionsTableDefinition } from '../lambdas/adapters/dynamodb/definitions-store';
import { EXPIRES_AT_ATTRIBUTE, HEAD_SK } from '../lambdas/adapters/dynamodb/execution-keys';
import { executionTableDefinition } from '../lambdas/adapters/dynamodb/execution-table';
import { TTL_DELETER } from '../lambdas/adapters/dynamodb/expired-heads';
import { authTableDefinition } from '../lambdas/auth/dynamo-application-key-store';
import { ENV } from '../lambdas/shared/config';

export type FunctionId = 'api' | 'decide' | 'systemTask' | 'reconcile' | 'timer' | 'authorizer' | 'expire';
export type QueueId = 'decide' | 'systemTask';
export type StreamId = 'expiry';
export type TableId = 'state' | 'definitions' | 'auth';

/**
 * What a function may touch. The stack turns it into IAM grants scoped to the installation's own
 * resources; anything not named here is denied.
 */
export interface FunctionAccess {
  tables?: Partial<Record<TableId, 'read' | 'readWrite'>>;
  /** Queues it sends to; receiving from its own event source comes with the event source mapping. */
  sendsTo?: QueueId[];
  /** Creates one-time schedules in the timer group, handing them the scheduler role. */
  setsTimers?: boolean;
  /** Sends EVENT tasks' `sqs:` messages to the queues the installation allows. */
  publishesEvents?: boolean;
  /** Reads the token-signing secret (token auth only). */
  readsTokenSecret?: boolean;
}

export interface FunctionResource {
  /** Source file whose `handler` export is the Lambda entry point. */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  access?: FunctionAccess;
}

export interface QueueResource {
  consumer: FunctionId;
  batchSize: number;
  /** The event source mapping's maximum concurrency: how many invocations drain the queue at once. */
  maxConcurrency: number;
  /** At least 6 × the consumer's timeout, as AWS advises for event source mappings. */
  visibilityTimeoutSeconds: number;
  /** Throttled receives count too, so this stays well above 5 before a message lands in the DLQ. */
  maxReceiveCount: number;
}

/** A function fed by a table's DynamoDB stream (the table's definition enables the stream). */
export interface StreamSourceResource {
  table: TableId;
  consumer: FunctionId;
  batchSize: number;
  /** How long Lambda may gather records before it invokes, to invoke less often. */
  maxBatchingWindowSeconds: number;
  /** Retries of a failed batch before its description goes to the dead-letter queue. */
  retryAttempts: number;
  /** A Lambda event filter pattern: only matching records invoke the consumer, and only they are paid for. */
  filterPattern: Record<string, unknown>;
  deadLetterName: string;
}

export interface ScheduleResource {
  expression: string;
  target: FunctionId;
}

export interface BatonResources {
  tables: Record<TableId, CreateTableCommandInput>;
  queues: Record<QueueId, QueueResource & { name: string; deadLetterName: string }>;
  streams: Record<StreamId, StreamSourceResource>;
  functions: Record<FunctionId, FunctionResource>;
  schedules: { reconcile: ScheduleResource };
  scheduleGroup: string;
  /** Per table, the attribute holding the epoch second after which DynamoDB may delete the item. */
  timeToLive: Partial<Record<TableId, string>>;
  /** Which ENV variable carries which resource's name or address. */
  environment: {
    tables: Record<TableId, string>;
    queueUrls: Record<QueueId, string>;
  };
}

/** The API, the decider and the system-task runner all decide in place, so all three carry out effects. */
const DECIDER_ACCESS: FunctionAccess = {
  tables: { state: 'readWrite', definitions: 'read' },
  sendsTo: ['decide', 'systemTask'],
  setsTimers: true,
};

const FUNCTIONS: Record<FunctionId, FunctionResource> = {
  api: {
    entry: 'lambdas/entry/api.ts',
    timeoutSeconds: 29,
    memoryMb: 512,
    // It also serves the token exchange: it looks keys up and signs tokens.
    access: {
      ...DECIDER_ACCESS,
      tables: { ...DECIDER_ACCESS.tables, definitions: 'readWrite', auth: 'read' },
      readsTokenSecret: true,
    },
  },
  decide: { entry: 'lambdas/entry/decide.ts', timeoutSeconds: 30, memoryMb: 512, access: DECIDER_ACCESS },
  systemTask: {
    entry: 'lambdas/entry/system-task.ts',
    timeoutSeconds: 60,
    memoryMb: 256,
    access: { ...DECIDER_ACCESS, publishesEvents: true },
  },
  // Retiring a stale marker is a conditional write, hence readWrite.
  reconcile: {
    entry: 'lambdas/entry/reconcile.ts',
    timeoutSeconds: 60,
    memoryMb: 256,
    access: { tables: { state: 'readWrite' }, sendsTo: ['decide'] },
  },
  timer: {
    entry: 'lambdas/entry/timer.ts',
    timeoutSeconds: 10,
    memoryMb: 128,
    access: { sendsTo: ['decide'] },
  },
  // Deletes what TTL left of an ended execution; it reads its partition to know what to delete.
  expire: {
    entry: 'lambdas/entry/expire.ts',
    timeoutSeconds: 60,
    memoryMb: 256,
    access: { tables: { state: 'readWrite' } },
  },
  // Checks a token's signature and expiry only, so it stays small and fast.
  authorizer: {
    entry: 'lambdas/entry/authorizer.ts',
    timeoutSeconds: 5,
    memoryMb: 128,
    access: { readsTokenSecret: true },
  },
};

const QUEUES: Record<QueueId, QueueResource> = {
  decide: {
    consumer: 'decide',
    batchSize: 10,
    maxConcurrency: 50,
    visibilityTimeoutSeconds: 6 * FUNCTIONS.decide.timeoutSeconds,
    maxReceiveCount: 10,
  },
  systemTask: {
    consumer: 'systemTask',
    batchSize: 5,
    maxConcurrency: 20,
    visibilityTimeoutSeconds: 6 * FUNCTIONS.systemTask.timeoutSeconds,
    maxReceiveCount: 5,
  },
};

/** TTL's deletions of ended executions' heads, and nothing else: see expired-heads.ts. */
const EXPIRED_HEADS_PATTERN = {
  eventName: ['REMOVE'],
  userIdentity: { type: [TTL_DELETER.type], principalId: [TTL_DELETER.principalId] },
  dynamodb: { Keys: { sk: { S: [HEAD_SK] } } },
};

/** The resources of one Baton installation; `prefix` keeps several apart in one account. */
export const batonResources = (prefix = 'baton'): BatonResources => ({
  tables: {
    state: executionTableDefinition(`${prefix}-state`),
    definitions: definitionsTableDefinition(`${prefix}-definitions`),
    auth: authTableDefinition(`${prefix}-auth`),
  },
  queues: {
    decide: { ...QUEUES.decide, name: `${prefix}-decide`, deadLetterName: `${prefix}-decide-dlq` },
    systemTask: {
      ...QUEUES.systemTask,
      name: `${prefix}-system-task`,
      deadLetterName: `${prefix}-system-task-dlq`,
    },
  },
  streams: {
    expiry: {
      table: 'state',
      consumer: 'expire',
      batchSize: 100,
      maxBatchingWindowSeconds: 30,
      retryAttempts: 10,
      filterPattern: EXPIRED_HEADS_PATTERN,
      deadLetterName: `${prefix}-expire-dlq`,
    },
  },
  functions: FUNCTIONS,
  schedules: { reconcile: { expression: 'rate(1 minute)', target: 'reconcile' } },
  scheduleGroup: `${prefix}-timers`,
  timeToLive: { state: EXPIRES_AT_ATTRIBUTE },
  environment: {
    tables: { state: ENV.STATE_TABLE, definitions: ENV.DEFINITIONS_TABLE, auth: ENV.AUTH_TABLE },
    queueUrls: { decide: ENV.DECIDE_QUEUE_URL, systemTask: ENV.SYSTEM_TASK_QUEUE_URL },
  },
});
