/**
 * Issues, revokes and lists application keys (what Conductor SDKs exchange for tokens).
 *
 *   npm run keys -- create [--name <label>]   prints the new key's id and secret; the secret only once
 *   npm run keys -- revoke <keyId>            refuses the key's next token exchanges
 *   npm run keys -- list                      every key, with its state; never a secret
 *
 * Reads the auth table named by BATON_AUTH_TABLE (default: the `baton` installation's), in the
 * account and region of the usual AWS credentials, or on an emulator when AWS_ENDPOINT_URL is set.
 */
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batonResources } from '../infra/resources';
import { type ApplicationKeyStore, issueApplicationKey } from '../lambdas/auth/application-keys';
import { DynamoApplicationKeyStore } from '../lambdas/auth/dynamo-application-key-store';
import { ENV, readAuthConfig } from '../lambdas/shared/config';

const USAGE = [
  'usage: npm run keys -- create [--name <label>]',
  '       npm run keys -- revoke <keyId>',
  '       npm run keys -- list',
].join('\n');

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const isoOf = (epochMs: number) => new Date(epochMs).toISOString();

/** Runs one command against the store, printing through `print`; bad arguments throw a UsageError. */
export const runKeysCommand = async (
  args: string[],
  { store, print, now }: { store: ApplicationKeyStore; print: (line: string) => void; now: () => number },
): Promise<void> => {
  const [command, ...rest] = args;
  if (command === 'create') {
    const nameAt = rest.indexOf('--name');
    const name = nameAt === -1 ? undefined : rest[nameAt + 1];
    const unknown = rest.filter((_arg, index) => index !== nameAt && index !== nameAt + 1);
    if ((nameAt !== -1 && !name) || unknown.length > 0) {
      throw new UsageError(`create takes only --name <label>, got: ${rest.join(' ')}`);
    }
    const { keyId, keySecret } = await issueApplicationKey(store, { name, now: now() });
    print(`keyId:     ${keyId}`);
    print(`keySecret: ${keySecret}`);
    print('The secret is shown only now; only its hash is stored. Give both to the SDK as');
    print('CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET (or keyId / keySecret in its config).');
    return;
  }
  if (command === 'revoke') {
    const [keyId, ...extra] = rest;
    if (!keyId || extra.length > 0) throw new UsageError('revoke takes exactly one key id');
    if ((await store.revoke(keyId, now())) === 'missing') throw new Error(`no application key ${keyId}`);
    print(`revoked ${keyId}: it gets no new tokens; tokens it already has work until they expire`);
    return;
  }
  if (command === 'list') {
    if (rest.length > 0) throw new UsageError('list takes no arguments');
    const keys = (await store.list()).sort((a, b) => a.createdAt - b.createdAt);
    if (keys.length === 0) print('no application keys');
    for (const key of keys) {
      const state = key.revokedAt === undefined ? 'active' : `revoked ${isoOf(key.revokedAt)}`;
      print([key.keyId, isoOf(key.createdAt), state, key.name ?? ''].join('\t').trimEnd());
    }
    return;
  }
  throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'no command given');
};

const main = async () => {
  const config = readAuthConfig(process.env);
  if (config.endpoint) {
    // An emulator takes any credentials; the SDK only insists that some exist.
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  }
  const tableName = config.authTable ?? batonResources().tables.auth.TableName!;
  const client = new DynamoDBClient(config.endpoint ? { endpoint: config.endpoint } : {});
  const store = new DynamoApplicationKeyStore({ client: DynamoDBDocumentClient.from(client), tableName });
  try {
    await runKeysCommand(process.argv.slice(2), { store, print: (line) => console.log(line), now: Date.now });
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    const where = config.endpoint ?? 'this AWS account and region';
    throw new Error(`no table ${tableName} at ${where}; set ${ENV.AUTH_TABLE} or ${ENV.AWS_ENDPOINT_URL}`);
  }
};

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    if (error instanceof UsageError) console.error(USAGE);
    process.exit(1);
  });
}
