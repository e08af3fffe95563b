/**
 * The local runtime (`npm start`): the same handlers as the Lambdas, against an AWS emulator.
 * Without AWS_ENDPOINT_URL it starts moto on a free loopback port; with it (LocalStack:
 * AWS_ENDPOINT_URL=http://localhost:4566) it uses that. It creates the tables and queues from
 * infra/resources.ts, serves the Conductor API on http://localhost:8080 (PORT overrides), plays
 * the queue event sources, fires timers and runs the minute reconcile. Ctrl-C stops everything.
 */
import { createApiHandler } from '../../lambdas/handlers/api';
import { createDecideHandler } from '../../lambdas/handlers/decide';
import { createReconcileHandler } from '../../lambdas/handlers/reconcile';
import { createSystemTaskHandler } from '../../lambdas/handlers/system-task';
import { createAwsClients, createRuntimeDeps } from '../../lambdas/shared/wiring';
import { batonResources } from '../resources';
import { startApiServer } from './api-server';
import { startLocalScheduler } from './local-scheduler';
import { startMoto } from './moto-server';
import { localConfig, provision } from './provision';
import { startQueuePoller } from './queue-poller';

export interface LocalRuntimeOptions {
  port?: number;
  /** An emulator to use instead of starting moto. */
  endpoint?: string;
  prefix?: string;
  reconcileEveryMs?: number;
  log?: (line: string) => void;
}

export const startLocalRuntime = async ({
  port = 8080,
  endpoint,
  prefix = 'baton',
  reconcileEveryMs,
  log = (line) => console.log(line),
}: LocalRuntimeOptions = {}) => {
  // The emulator accepts any credentials; the SDK only insists that some exist.
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const moto = endpoint ? undefined : await startMoto();
  const emulator = endpoint ?? moto!.endpoint;
  log(moto ? `moto server started on ${emulator}` : `using the AWS emulator at ${emulator}`);

  const resources = batonResources(prefix);
  const clients = createAwsClients({ endpoint: emulator });
  const queues = await provision(resources, clients);
  const config = localConfig(resources, queues, emulator);
  const deps = await createRuntimeDeps(config, clients);
  const onError = (error: unknown) => log(JSON.stringify({ message: 'handler error', error: String(error) }));

  const pollers = [
    startQueuePoller({
      client: clients.sqs,
      queueUrl: queues.decide.url,
      batchSize: resources.queues.decide.batchSize,
      handler: createDecideHandler(deps),
      onError,
    }),
    startQueuePoller({
      client: clients.sqs,
      queueUrl: queues.systemTask.url,
      batchSize: resources.queues.systemTask.batchSize,
      handler: createSystemTaskHandler(deps),
      onError,
    }),
  ];
  const reconcile = createReconcileHandler(deps);
  const scheduler = startLocalScheduler({
    scheduler: clients.scheduler,
    sqs: clients.sqs,
    groupName: resources.scheduleGroup,
    queueUrls: { [queues.decide.arn]: queues.decide.url },
    reconcile: () => reconcile({}),
    reconcileEveryMs,
    onError,
  });
  const api = await startApiServer(createApiHandler(deps), port);
  log(`Baton's Conductor API is listening on ${api.url}/api`);

  return {
    url: api.url,
    deps,
    config,
    stop: async () => {
      scheduler.stop();
      await api.close();
      await Promise.all(pollers.map((poller) => poller.stop()));
      await moto?.stop();
    },
  };
};

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  startLocalRuntime({ port, endpoint: process.env.AWS_ENDPOINT_URL || undefined })
    .then((runtime) => {
      const stop = () => {
        console.log('stopping…');
        runtime.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
