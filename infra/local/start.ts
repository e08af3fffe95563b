/**
 * The local runtime (`npm start`): the same handlers as the Lambdas, against an AWS emulator.
 * Without AWS_ENDPOINT_URL it starts moto on a free loopback port; with it (LocalStack:
 * AWS_ENDPOINT_URL=http://localhost:4566) it uses that. It creates the tables and queues from
 * infra/resources.ts, serves the Conductor API on http://localhost:8080 (PORT overrides), plays
 * the queue event sources, fires timers, runs the minute reconcile, and plays DynamoDB's TTL with
 * the expiry stream (BATON_FINISHED_RETENTION_DAYS, default 30). Ctrl-C stops everything.
 * Auth is off unless BATON_AUTH=token or `--auth` is given: then every route but POST /api/token
 * needs a token, checked by the same authorizer as deployed.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ApiDepsWithTokens, TOKEN_ROUTE } from '../../lambdas/api/token-routes';
import { createTokenExchange } from '../../lambdas/auth/wiring';
import { createApiHandler } from '../../lambdas/handlers/api';
import { createAuthorizerHandler, TOKEN_HEADER } from '../../lambdas/handlers/authorizer';
import { createDecideHandler } from '../../lambdas/handlers/decide';
import { createExpiryHandler } from '../../lambdas/handlers/expire';
import { createReconcileHandler } from '../../lambdas/handlers/reconcile';
import { createSystemTaskHandler } from '../../lambdas/handlers/system-task';
import { ENV } from '../../lambdas/shared/config';
import { parseRetentionDays } from '../../lambdas/shared/retention';
import {
  createAwsClients,
  createExpiryDeps,
  createRuntimeDeps,
  type RuntimeDeps,
} from '../../lambdas/shared/wiring';
import { batonResources } from '../resources';
import { type ApiHandler, behindAuthorizer, startApiServer } from './api-server';
import { startLocalScheduler } from './local-scheduler';
import { startLocalTtl } from './local-ttl';
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
  /** `token`: the API answers only requests carrying a token from POST /api/token. */
  auth?: 'none' | 'token';
  /** Signs tokens when auth is on; a random one per run when not given. */
  tokenSecret?: string;
}

/**
 * The API as API Gateway would serve it with token auth: the token exchange on, the authorizer in
 * front of every other route. Keys live in the auth table on the emulator.
 */
const withTokenAuth = (
  deps: RuntimeDeps,
  dynamodb: DynamoDBClient,
  authTable: string,
  tokenSecret: string,
) => {
  const tokenExchange = createTokenExchange({ authTable, tokenSecret }, dynamodb, { clock: deps.clock })!;
  const apiDeps: ApiDepsWithTokens = { ...deps, tokenExchange };
  const handler = behindAuthorizer(createApiHandler(apiDeps), {
    authorize: createAuthorizerHandler({ signingSecret: tokenExchange.signingSecret, clock: deps.clock }),
    identityHeader: TOKEN_HEADER,
    openRoutes: [`${TOKEN_ROUTE.method} ${TOKEN_ROUTE.path}`],
  });
  return { handler, tokenExchange };
};

export const startLocalRuntime = async ({
  port = 8080,
  endpoint,
  prefix = 'baton',
  reconcileEveryMs,
  log = (line) => console.log(line),
  auth = 'none',
  tokenSecret = randomBytes(32).toString('base64url'),
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
  const retention = process.env[ENV.FINISHED_RETENTION_DAYS];
  const config = localConfig(
    resources,
    queues,
    emulator,
    retention ? parseRetentionDays(retention, ENV.FINISHED_RETENTION_DAYS) : undefined,
  );
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
  const expiry = resources.streams.expiry;
  const ttl = startLocalTtl({
    client: clients.dynamodb,
    tableName: resources.tables[expiry.table].TableName!,
    attribute: resources.timeToLive[expiry.table]!,
    consumer: createExpiryHandler(createExpiryDeps(config, clients.dynamodb)),
    filterPattern: expiry.filterPattern,
    onError,
  });
  const authTable = resources.tables.auth.TableName!;
  const tokenAuth =
    auth === 'token' ? withTokenAuth(deps, clients.dynamodb, authTable, tokenSecret) : undefined;
  const handler: ApiHandler = tokenAuth?.handler ?? createApiHandler(deps);
  const api = await startApiServer(handler, port);
  log(`Baton's Conductor API is listening on ${api.url}/api`);
  if (tokenAuth) {
    log('Token auth is on: every route but POST /api/token needs an X-Authorization token.');
    log('Create an application key (its secret is printed once):');
    log(
      `  ${ENV.AWS_ENDPOINT_URL}=${emulator} ${ENV.AUTH_TABLE}=${authTable} npm run keys -- create --name local`,
    );
    log('and give it to the SDK as CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET.');
  }

  return {
    url: api.url,
    deps,
    config,
    clients,
    /** The token exchange (key store, signing secret) when auth is on. */
    tokenExchange: tokenAuth?.tokenExchange,
    stop: async () => {
      scheduler.stop();
      ttl.stop();
      await api.close();
      await Promise.all(pollers.map((poller) => poller.stop()));
      await moto?.stop();
    },
  };
};

/** The auth mode `npm start` was asked for, by BATON_AUTH or the `--auth` flag. */
const authModeOf = async (mode: string | undefined, args: string[]): Promise<'none' | 'token'> => {
  if (args.includes('--auth') || mode === 'token') return 'token';
  if (!mode || mode === 'none') return 'none';
  throw new Error(`${ENV.AUTH_MODE} must be token or none, got ${JSON.stringify(mode)}`);
};

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  authModeOf(process.env[ENV.AUTH_MODE], process.argv.slice(2))
    .then((auth) =>
      startLocalRuntime({
        port,
        endpoint: process.env.AWS_ENDPOINT_URL || undefined,
        auth,
        tokenSecret: process.env[ENV.TOKEN_SECRET] || undefined,
      }),
    )
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
