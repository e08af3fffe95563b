/**
 * Every AWS resource Baton needs, as plain data: the local runtime creates tables and queues from
 * it, and the CDK stack translates the same objects, so the two cannot drift.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { definitionsTableDefinition } from '../lambdas/adapters/dynamodb/definitions-store';
import { executionTableDefinition } from '../lambdas/adapters/dynamodb/execution-table';
import { ENV } from '../lambdas/shared/config';

export type FunctionId = 'api' | 'decide' | 'systemTask' | 'reconcile' | 'timer';
export type QueueId = 'decide' | 'systemTask';
export type TableId = 'state' | 'definitions';

export interface FunctionResource {
  /** Source file whose `handler` export is the Lambda entry point. */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
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

export interface ScheduleResource {
  expression: string;
  target: FunctionId;
}

export interface BatonResources {
  tables: Record<TableId, CreateTableCommandInput>;
  queues: Record<QueueId, QueueResource & { name: string; deadLetterName: string }>;
  functions: Record<FunctionId, FunctionResource>;
  schedules: { reconcile: ScheduleResource };
  scheduleGroup: string;
  /** Which ENV variable carries which resource's name or address. */
  environment: { tables: Record<TableId, string>; queueUrls: Record<QueueId, string> };
}

const FUNCTIONS: Record<FunctionId, FunctionResource> = {
  api: { entry: 'lambdas/handlers/api.ts', timeoutSeconds: 29, memoryMb: 512 },
  decide: { entry: 'lambdas/handlers/decide.ts', timeoutSeconds: 30, memoryMb: 512 },
  systemTask: { entry: 'lambdas/handlers/system-task.ts', timeoutSeconds: 60, memoryMb: 256 },
  reconcile: { entry: 'lambdas/handlers/reconcile.ts', timeoutSeconds: 60, memoryMb: 256 },
  timer: { entry: 'lambdas/handlers/timer.ts', timeoutSeconds: 10, memoryMb: 128 },
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

/** The resources of one Baton installation; `prefix` keeps several apart in one account. */
export const batonResources = (prefix = 'baton'): BatonResources => ({
  tables: {
    state: executionTableDefinition(`${prefix}-state`),
    definitions: definitionsTableDefinition(`${prefix}-definitions`),
  },
  queues: {
    decide: { ...QUEUES.decide, name: `${prefix}-decide`, deadLetterName: `${prefix}-decide-dlq` },
    systemTask: {
      ...QUEUES.systemTask,
      name: `${prefix}-system-task`,
      deadLetterName: `${prefix}-system-task-dlq`,
    },
  },
  functions: FUNCTIONS,
  schedules: { reconcile: { expression: 'rate(1 minute)', target: 'reconcile' } },
  scheduleGroup: `${prefix}-timers`,
  environment: {
    tables: { state: ENV.STATE_TABLE, definitions: ENV.DEFINITIONS_TABLE },
    queueUrls: { decide: ENV.DECIDE_QUEUE_URL, systemTask: ENV.SYSTEM_TASK_QUEUE_URL },
  },
});
