/**
 * moto for integration tests: the local runtime's launcher (infra/local/moto-server.ts) wrapped
 * for vitest, plus SDK clients pointed at it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  DEFAULT_START_TIMEOUT_MS,
  type Moto,
  type MotoOptions,
  startMoto,
} from '../../infra/local/moto-server';

export { MOTO_INSTALL_HINT, type Moto, type MotoOptions, startMoto } from '../../infra/local/moto-server';

/**
 * One moto server for the test file: started before its tests, stopped after. The returned
 * object's fields work once `beforeAll` has run; read them inside tests and hooks, not at import.
 * If moto cannot start, every test of the file fails with the reason (a failing `beforeAll` alone
 * would only mark them skipped).
 */
export const useMoto = (options: MotoOptions = {}): Moto => {
  let server: Moto | undefined;
  let failure: unknown;
  const running = (): Moto => {
    if (failure) throw failure;
    if (!server) throw new Error('moto is not running: read useMoto() fields inside tests, after beforeAll');
    return server;
  };
  beforeAll(
    async () => {
      try {
        server = await startMoto(options);
      } catch (error) {
        failure = error;
      }
    },
    (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS) + 5_000,
  );
  beforeEach(() => {
    if (failure) throw failure;
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get endpoint() {
      return running().endpoint;
    },
    reset: () => running().reset(),
    stop: async () => server?.stop(),
  };
};

/** What every client for moto shares: the loopback endpoint, a region, and credentials moto accepts. */
export const motoClientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  // moto answers or it is down; retrying only hides that and slows the test down.
  maxAttempts: 2,
});

/** SDK clients pointed at a moto endpoint. */
export const motoClients = (endpoint: string) => {
  const config = motoClientConfig(endpoint);
  return {
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    scheduler: new SchedulerClient(config),
  };
};
