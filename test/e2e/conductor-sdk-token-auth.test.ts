/**
 * Token auth end to end: the local runtime on moto with the authorizer on, keys issued and revoked
 * with the documented command (`npm run keys`), and the official Conductor JavaScript SDK given
 * only a key id and secret. Fails, never skips, when moto cannot start.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type ConductorWorker,
  createConductorClient,
  MetadataClient,
  TaskManager,
  WorkflowExecutor,
} from '@io-orkes/conductor-javascript';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../lambdas/auth/tokens';
import { ENV } from '../../lambdas/shared/config';
import { useLocalRuntime } from '../support/local-runtime-api';

const TOKEN_SECRET = 'e2e-token-signing-secret-of-at-least-32-characters';
const prefix = `e2e-auth-${process.pid}`;
const local = useLocalRuntime({ prefix, auth: 'token', tokenSecret: TOKEN_SECRET });

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** `npm run keys -- <args>` against the runtime's emulator, as its start-up message says to run it. */
const keys = async (...args: string[]): Promise<string> => {
  const { stdout } = await run(`${root}node_modules/.bin/tsx`, ['scripts/keys.ts', ...args], {
    cwd: root,
    env: {
      ...process.env,
      [ENV.AWS_ENDPOINT_URL]: local.runtime.config.endpoint,
      [ENV.AUTH_TABLE]: `${prefix}-auth`,
    },
  });
  return stdout;
};

const createKey = async (name: string) => {
  const printed = await keys('create', '--name', name);
  const field = (label: string) => new RegExp(`^${label}:\\s+(\\S+)$`, 'm').exec(printed)?.[1];
  const keyId = field('keyId');
  const keySecret = field('keySecret');
  if (!keyId || !keySecret) throw new Error(`keys create printed no key:\n${printed}`);
  return { keyId, keySecret };
};

const exchange = (credentials: { keyId: string; keySecret: string }) =>
  fetch(`${local.runtime.url}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });

const workflowDef = {
  name: 'greet_with_auth',
  version: 1,
  schemaVersion: 2,
  tasks: [
    {
      name: 'greet',
      taskReferenceName: 'greet_ref',
      type: 'SIMPLE',
      inputParameters: { who: '${workflow.input.who}' },
    },
  ],
  outputParameters: { greeting: '${greet_ref.output.greeting}' },
};

describe('token auth with the Conductor JavaScript SDK against the local runtime', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('registers, starts and completes a workflow with an SDK given only keyId and keySecret', async () => {
    const credentials = await createKey('e2e-worker');
    const client = await createConductorClient({ serverUrl: `${local.runtime.url}/api`, ...credentials });
    cleanups.push(() => client.stopBackgroundRefresh());

    const headers = await client.getAuthenticationHeaders();
    expect(verifyToken(headers?.['X-Authorization'] ?? '', TOKEN_SECRET, Date.now())).toMatchObject({
      valid: true,
      claims: { sub: credentials.keyId },
    });

    const metadata = new MetadataClient(client);
    await metadata.registerTask({
      name: 'greet',
      retryCount: 0,
      timeoutSeconds: 60,
      responseTimeoutSeconds: 30,
    } as never);
    await metadata.registerWorkflowDef(workflowDef as never, true);

    const worker: ConductorWorker = {
      taskDefName: 'greet',
      execute: async (task) => ({
        status: 'COMPLETED',
        outputData: { greeting: `hello ${task.inputData?.who}` },
      }),
      pollInterval: 50,
    };
    const manager = new TaskManager(client, [worker], { options: { pollInterval: 50, concurrency: 1 } });
    cleanups.unshift(() => manager.stopPolling());
    manager.startPolling();

    const executor = new WorkflowExecutor(client);
    const workflowId = await executor.startWorkflow({
      name: 'greet_with_auth',
      version: 1,
      input: { who: 'auth' },
    });
    const giveUpAt = Date.now() + 30_000;
    let workflow = await executor.getWorkflow(workflowId, true);
    while (workflow.status === 'RUNNING' && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      workflow = await executor.getWorkflow(workflowId, true);
    }
    expect(workflow.status).toBe('COMPLETED');
    expect(workflow.output).toEqual({ greeting: 'hello auth' });
  }, 60_000);

  it('answers 401 to a request without a token and 403 to one with a forged token', async () => {
    const withoutToken = await fetch(`${local.runtime.url}/api/metadata/workflow`);
    expect(withoutToken.status).toBe(401);
    const forged = await fetch(`${local.runtime.url}/api/metadata/workflow`, {
      headers: { 'X-Authorization': 'eyJhbGciOiJIUzI1NiJ9.e30.forged' },
    });
    expect(forged.status).toBe(403);
  });

  it('stops exchanging a revoked key for tokens, while its last token lasts until it expires', async () => {
    const credentials = await createKey('to-revoke');
    const before = await exchange(credentials);
    expect(before.status).toBe(200);
    const { token } = (await before.json()) as { token: string };

    expect(await keys('revoke', credentials.keyId)).toContain(`revoked ${credentials.keyId}`);
    expect(await keys('list')).toMatch(
      new RegExp(`^${credentials.keyId}\\t.*\\trevoked .*\\tto-revoke$`, 'm'),
    );

    const after = await exchange(credentials);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({
      status: 401,
      message: 'keyId and keySecret do not match an active application key',
    });
    const stillValid = await fetch(`${local.runtime.url}/api/metadata/workflow`, {
      headers: { 'X-Authorization': token },
    });
    expect(stillValid.status).toBe(200);
  }, 30_000);
});
