/**
 * The local runtime of infra/local/start.ts, rebuilt from its pieces so that every handler
 * invocation and every AWS call can be counted: same resources, same handlers, same pollers, but
 * each handler wrapped as one Lambda invocation in the Ledger, and the SDK clients instrumented.
 * Left out on purpose: the local scheduler (its once-a-second ListSchedules is an artifact of playing
 * EventBridge Scheduler, and no timer of these workloads comes due within the bench) and the minute
 * reconcile (a fixed cost per month, not per transition).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startApiServer } from '../../infra/local/api-server';
import { localConfig, provision } from '../../infra/local/provision';
import { startQueuePoller } from '../../infra/local/queue-poller';
import { batonResources } from '../../infra/resources';
import type { DynamoExecutionStore } from '../../lambdas/adapters/dynamodb/execution-store';
import { createApiHandler } from '../../lambdas/handlers/api';
import { createDecideHandler } from '../../lambdas/handlers/decide';
import { createSystemTaskHandler } from '../../lambdas/handlers/system-task';
import type { DecideCommit } from '../../lambdas/ports';
import type { APIGatewayProxyEventV2 } from '../../lambdas/shared/api-gateway';
import type { SqsEvent } from '../../lambdas/shared/sqs-batch';
import { createAwsClients, createRuntimeDeps } from '../../lambdas/shared/wiring';
import { instrumentClients, instrumentStore } from './instrument';
import type { Invocation, Ledger } from './ledger';

export type CommitListener = (commit: DecideCommit, at: number) => void;

export interface BenchRuntime {
  url: string;
  decideQueueUrl: string;
  definitionsTable: string;
  ledger: Ledger;
  store: DynamoExecutionStore;
  /** Handler failures (what processBatch logs and the pollers' onError sees). */
  errors: string[];
  /** Called after every committed decide, with the commit and the instant (performance.now()). */
  onCommit(listener: CommitListener): void;
  stop(): Promise<void>;
}

const workflowIdsOf = (event: SqsEvent): string[] => {
  const ids = new Set<string>();
  for (const record of event.Records) {
    try {
      const id = (JSON.parse(record.body) as { workflowId?: unknown }).workflowId;
      if (typeof id === 'string') ids.add(id);
    } catch {
      // An unreadable record is the handler's business.
    }
  }
  return [...ids];
};

const bodyOf = (event: APIGatewayProxyEventV2): string =>
  event.body === undefined
    ? ''
    : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString();

/** An API request's class: its route, and for polls and update-v2 whether a task came back. */
const classifyApi = (event: APIGatewayProxyEventV2, status: number | undefined, body: string | undefined) => {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (status === undefined || status >= 400) return 'api:error';
  if (method === 'POST' && path.startsWith('/api/workflow')) return 'api:start';
  if (path.startsWith('/api/tasks/poll/')) return body && body !== '[]' ? 'api:poll' : 'api:poll (empty)';
  if (path === '/api/tasks/update-v2') return status === 200 ? 'api:update-v2 (next task)' : 'api:update-v2';
  if (path === '/api/tasks' && method === 'POST') return 'api:update';
  if (path.startsWith('/api/metadata')) return 'api:metadata';
  return `api:${method} other`;
};

const handedOutOf = (body: string | undefined): string[] => {
  if (!body || (!body.startsWith('[') && !body.startsWith('{'))) return [];
  try {
    const parsed = JSON.parse(body) as unknown;
    const tasks = Array.isArray(parsed) ? parsed : [parsed];
    return tasks
      .map((task) => (task as { taskId?: unknown }).taskId)
      .filter((id): id is string => typeof id === 'string');
  } catch {
    return [];
  }
};

export const startBenchRuntime = async (
  emulator: string,
  prefix: string,
  ledger: Ledger,
): Promise<BenchRuntime> => {
  const resources = batonResources(prefix);
  const clients = createAwsClients({ endpoint: emulator });
  instrumentClients(clients, ledger, resources.tables.definitions.TableName!);
  const queues = await provision(resources, clients);
  const config = localConfig(resources, queues, emulator);
  const deps = await createRuntimeDeps(config, clients);
  const store = deps.store as DynamoExecutionStore;
  instrumentStore(store, ledger);

  const listeners: CommitListener[] = [];
  const commit = store.commit.bind(store);
  store.commit = async (decided) => {
    const outcome = await commit(decided);
    if (outcome.kind === 'committed') {
      const at = performance.now();
      for (const listener of listeners) listener(decided, at);
    }
    return outcome;
  };

  const errors: string[] = [];
  const onError = (error: unknown) => errors.push(String(error));

  const decide = createDecideHandler(deps);
  const systemTask = createSystemTaskHandler(deps);
  const batchHandler = (kind: 'decide' | 'systemTask', handler: typeof decide) => (event: SqsEvent) =>
    ledger.invoke(
      kind,
      `${kind} ×${event.Records.length}`,
      { workflowIds: workflowIdsOf(event) },
      () => handler(event),
      () => kind,
    );

  const pollers = [
    startQueuePoller({
      client: clients.sqs,
      queueUrl: queues.decide.url,
      batchSize: resources.queues.decide.batchSize,
      handler: batchHandler('decide', decide),
      onError,
    }),
    startQueuePoller({
      client: clients.sqs,
      queueUrl: queues.systemTask.url,
      batchSize: resources.queues.systemTask.batchSize,
      handler: batchHandler('systemTask', systemTask),
      onError,
    }),
  ];

  const api = createApiHandler(deps);
  const server = await startApiServer(async (event) => {
    let status: number | undefined;
    let body: string | undefined;
    let taskId: string | undefined;
    let workflowIds: string[] = [];
    if (event.rawPath.startsWith('/api/tasks/update')) {
      try {
        const result = JSON.parse(bodyOf(event)) as { taskId?: string; workflowInstanceId?: string };
        taskId = result.taskId;
        workflowIds = result.workflowInstanceId ? [result.workflowInstanceId] : [];
      } catch {
        // The handler answers 400.
      }
    }
    return ledger.invoke(
      'api',
      `${event.requestContext.http.method} ${event.rawPath}`,
      { taskId, workflowIds },
      async () => {
        const result = await api(event);
        status = result.statusCode;
        body = result.body;
        return result;
      },
      (_result, invocation: Invocation) => {
        invocation.handedOut = handedOutOf(body);
        return classifyApi(event, status, body);
      },
    );
  }, 0);

  // processBatch logs a failed record with console.error: keep those lines as this runtime's errors.
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (line.includes('"message failed') || line.includes('unreadable message')) errors.push(line);
    else consoleError(...args);
  };

  return {
    url: `${server.url}/api`,
    decideQueueUrl: queues.decide.url,
    definitionsTable: config.definitionsTable,
    ledger,
    store,
    errors,
    onCommit: (listener) => listeners.push(listener),
    stop: async () => {
      console.error = consoleError;
      await server.close();
      await Promise.all(pollers.map((poller) => poller.stop()));
      clients.dynamodb.destroy();
      clients.sqs.destroy();
      clients.scheduler.destroy();
    },
  };
};

export const uniquePrefix = (name: string) => `bench-${name}-${randomUUID().slice(0, 8)}`;
