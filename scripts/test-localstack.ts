/**
 * `npm run test:localstack`: the integration, end-to-end and contract tests against LocalStack
 * (docker-compose.yml) instead of a moto per test file. The tests need nothing but the endpoint:
 * given AWS_ENDPOINT_URL they start no emulator, never reset it, and give everything they create a
 * name of its own (test/support/aws-endpoint.ts).
 *
 *   LOCALSTACK_AUTH_TOKEN=<your token> docker compose up -d
 *   npm run test:localstack              # extra arguments go to vitest: -- -t 'SchedulerTimers'
 *
 * LOCALSTACK_ENDPOINT replaces http://localhost:4566; any emulator speaking the AWS APIs will do
 * (a moto server too). The tests get dummy credentials, so no real ones reach them.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const ENDPOINT = process.env.LOCALSTACK_ENDPOINT || 'http://localhost:4566';
const SUITES = ['test/integration', 'test/e2e', 'test/contract'];
/** What the suites call; docker-compose.yml starts more, for deploying the stack to LocalStack. */
const SERVICES_USED = ['dynamodb', 'sqs', 'scheduler'];
const START_HINT = 'Start LocalStack with: LOCALSTACK_AUTH_TOKEN=<your token> docker compose up -d';

type Probe =
  | { kind: 'localstack'; services: Record<string, string> }
  | { kind: 'other' }
  | { kind: 'down'; reason: string };

/** Asks LocalStack's health route; anything else that answers HTTP is some other emulator. */
const probe = async (): Promise<Probe> => {
  let body: string;
  try {
    const answer = await fetch(`${ENDPOINT}/_localstack/health`, { signal: AbortSignal.timeout(5_000) });
    body = await answer.text();
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { kind: 'down', reason: cause };
  }
  try {
    const health = JSON.parse(body) as { services?: Record<string, string> };
    return health.services ? { kind: 'localstack', services: health.services } : { kind: 'other' };
  } catch {
    return { kind: 'other' };
  }
};

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const vitestEntry = (): string => {
  const manifestPath = createRequire(import.meta.url).resolve('vitest/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifestPath), manifest.bin.vitest!);
};

const found = await probe();
if (found.kind === 'down') {
  fail(`Nothing answers at ${ENDPOINT} (${found.reason}).\n${START_HINT}`);
} else if (found.kind === 'localstack') {
  const missing = SERVICES_USED.filter(
    (name) => !['available', 'running'].includes(found.services[name] ?? ''),
  );
  if (missing.length > 0) {
    fail(
      `LocalStack at ${ENDPOINT} does not offer ${missing.join(', ')} ` +
        `(${missing.map((name) => `${name}: ${found.services[name] ?? 'absent'}`).join(', ')}).\n` +
        'Is LOCALSTACK_AUTH_TOKEN set, and SERVICES as in docker-compose.yml? `docker compose logs` says more.',
    );
  }
  console.log(`LocalStack answers at ${ENDPOINT}.`);
} else {
  console.log(`${ENDPOINT} answers but is not LocalStack; running the tests against it all the same.`);
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ENDPOINT_URL: ENDPOINT,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
};
delete env.AWS_SESSION_TOKEN;
delete env.AWS_PROFILE;

const vitest = spawn(process.execPath, [vitestEntry(), 'run', ...SUITES, ...process.argv.slice(2)], {
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => vitest.kill(signal));
vitest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
