import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDefinitionsStore } from '../adapters/dynamodb/definitions-store';
import { DynamoExecutionStore } from '../adapters/dynamodb/execution-store';
import { DynamoPollDataStore } from '../adapters/dynamodb/poll-data-store';
import { DynamoExecutionQueries } from '../adapters/dynamodb/search-queries';
import { DynamoTaskLogStore } from '../adapters/dynamodb/task-log-store';
import { FetchHttpClient } from '../adapters/fetch-http-client';
import { SqsDecideQueue, SqsEventSink, SqsSystemTaskQueue } from '../adapters/sqs-queues';
import { SchedulerTimers } from '../adapters/timers';
import { loadScriptRuntime } from '../core/scripting/index';
import type { EngineDeps } from '../engine/deps';
import type { SystemTaskDeps } from '../engine/run-system-task';
import { TaskDefCache } from '../engine/task-def-cache';
import type { ExpiryDeps } from '../handlers/expire';
import type { ExecutionQueries, PollDataStore, TaskLogStore } from '../ports';
import type { Config } from './config';

export interface AwsClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  scheduler: SchedulerClient;
}

/** SDK clients for the configured endpoint (an emulator's, or AWS's own when none is set). */
export const createAwsClients = (config: Pick<Config, 'endpoint'>): AwsClients => {
  const options = config.endpoint ? { endpoint: config.endpoint } : {};
  return {
    dynamodb: new DynamoDBClient(options),
    sqs: new SQSClient(options),
    scheduler: new SchedulerClient(options),
  };
};

/** Everything the handlers run on, built once per process (a Lambda container, the local runtime). */
export type RuntimeDeps = EngineDeps &
  SystemTaskDeps & {
    sleep: (ms: number) => Promise<void>;
    /** The API's own stores (ApiDeps); the other handlers ignore them. */
    taskLogs: TaskLogStore;
    pollData: PollDataStore;
    queries: ExecutionQueries;
  };

export const createRuntimeDeps = async (config: Config, clients: AwsClients): Promise<RuntimeDeps> => {
  const clock = { now: () => Date.now() };
  const metadata = new DynamoDefinitionsStore({
    client: DynamoDBDocumentClient.from(clients.dynamodb),
    tableName: config.definitionsTable,
  });
  const decideQueue = new SqsDecideQueue({ client: clients.sqs, queueUrl: config.decideQueueUrl });
  return {
    store: new DynamoExecutionStore({
      client: clients.dynamodb,
      tableName: config.stateTable,
      finishedRetentionDays: config.finishedRetentionDays,
    }),
    metadata,
    decideQueue,
    systemTasks: new SqsSystemTaskQueue({ client: clients.sqs, queueUrl: config.systemTaskQueueUrl }),
    timers: new SchedulerTimers({
      client: clients.scheduler,
      decideQueue,
      decideQueueArn: config.decideQueueArn,
      roleArn: config.schedulerRoleArn,
      groupName: config.scheduleGroup,
      clock,
    }),
    clock,
    ids: { workflowId: () => randomUUID() },
    scripts: await loadScriptRuntime(),
    taskDefs: new TaskDefCache(metadata, clock),
    owner: `decider-${randomUUID()}`,
    http: new FetchHttpClient(),
    events: new SqsEventSink({ client: clients.sqs }),
    taskLogs: new DynamoTaskLogStore({ client: clients.dynamodb, tableName: config.stateTable }),
    pollData: new DynamoPollDataStore({ client: clients.dynamodb, tableName: config.stateTable }),
    queries: new DynamoExecutionQueries({ client: clients.dynamodb, tableName: config.stateTable }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
};

/** The expiry handler needs DynamoDB only: no queues, timers or script engines for a removal. */
export const createExpiryDeps = (
  config: Pick<Config, 'stateTable'>,
  dynamodb: DynamoDBClient,
): ExpiryDeps => ({
  executions: new DynamoExecutionStore({ client: dynamodb, tableName: config.stateTable }),
  taskLogs: new DynamoTaskLogStore({ client: dynamodb, tableName: config.stateTable }),
});
