/**
 * DynamoApplicationKeyStore against moto, held to the same contract as the in-memory fake.
 * Fails, never skips, when moto cannot start: see test/support/moto.ts.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach } from 'vitest';
import { ensureTable } from '../../lambdas/adapters/dynamodb/ensure-table';
import {
  authTableDefinition,
  DynamoApplicationKeyStore,
} from '../../lambdas/auth/dynamo-application-key-store';
import { motoClients, useMoto } from '../support/moto';
import { describeApplicationKeyStoreContract } from './application-key-store.contract';

const moto = useMoto();
let client: DynamoDBClient;
let tables = 0;

beforeEach(() => {
  client ??= motoClients(moto.endpoint).dynamodb;
});
afterAll(() => client?.destroy());

describeApplicationKeyStoreContract('DynamoApplicationKeyStore on moto', async () => {
  const tableName = `auth-${process.pid}-${++tables}`;
  await ensureTable(client, authTableDefinition(tableName));
  return new DynamoApplicationKeyStore({ client: DynamoDBDocumentClient.from(client), tableName });
});
