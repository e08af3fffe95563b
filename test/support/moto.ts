/**
 * The AWS emulator for integration tests: the endpoint AWS_ENDPOINT_URL names when it is set
 * (LocalStack, see test/support/aws-endpoint.ts), otherwise a moto server of the test file's own,
 * started with the local runtime's launcher (infra/local/moto-server.ts). Plus SDK clients for it.
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
import { externalEndpoint } from './aws-endpoint';

export { MOTO_INSTALL_HINT, type Moto, type MotoOptions, startMoto } from '../../infra/local/moto-server';

export interface AwsEmulator {
  /** Where SDK clients send requests. */
  readonly endpoint: string;
}

export interface UseMotoOptions extends MotoOptions {
  /**
   * Start moto even when AWS_ENDPOINT_URL names another emulator: for tests of moto's own
   * behaviour (its CloudFormation), which another emulator would answer differently.
   */
  ownServer?: boolean;
}

/**
 * The test file's emulator. With AWS_ENDPOINT_URL set it is that endpoint and nothing is started:
 * the file must then use fresh names (uniqueName) and never reset the emulator. Otherwise one moto
 * server is started before the file's tests and stopped after them; if it cannot start, every test
 * of the file fails with the reason (a failing `beforeAll` alone would only mark them skipped).
 * Read `endpoint` inside tests and hooks, not at import.
 */
export const useMoto = (options: UseMotoOptions = {}): AwsEmulator => {
  const external = options.ownServer ? undefined : externalEndpoint();
  if (external) return { endpoint: external };

  let server: Moto | undefined;
  let failure: unknown;
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
      if (failure) throw failure;
      if (!server)
        throw new Error('moto is not running: read useMoto().endpoint inside tests, after beforeAll');
      return server.endpoint;
    },
  };
};

/** What every client for the emulator shares: its endpoint, a region, and credentials it accepts. */
export const motoClientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  // The emulator answers or it is down; retrying only hides that and slows the test down.
  maxAttempts: 2,
});

/** SDK clients pointed at an emulator endpoint. */
export const motoClients = (endpoint: string) => {
  const config = motoClientConfig(endpoint);
  return {
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    scheduler: new SchedulerClient(config),
  };
};
