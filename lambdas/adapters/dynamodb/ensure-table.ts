import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';

export interface EnsureTableOptions {
  /** How long to wait for a new table and its indexes to become ACTIVE (ms). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const isActive = (table: TableDescription | undefined): boolean =>
  table?.TableStatus === 'ACTIVE' &&
  (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');

const describe = async (client: DynamoDBClient, name: string): Promise<TableDescription | undefined> => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

/**
 * Creates the table from its definition unless it exists, and waits until it and its indexes are
 * ACTIVE. For the local runtime and tests; in AWS the stack owns the table. An existing table that
 * lacks an index of the definition is an error (a leftover from an older layout), not something to
 * paper over.
 */
export const ensureTable = async (
  client: DynamoDBClient,
  definition: CreateTableCommandInput,
  {
    timeoutMs = 60_000,
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }: EnsureTableOptions = {},
): Promise<'created' | 'exists'> => {
  const name = definition.TableName!;
  let outcome: 'created' | 'exists' = 'exists';
  let table = await describe(client, name);
  if (!table) {
    try {
      table = (await client.send(new CreateTableCommand(definition))).TableDescription;
      outcome = 'created';
    } catch (error) {
      // Someone else created it between our describe and create: theirs is as good as ours.
      if (!(error instanceof ResourceInUseException)) throw error;
      table = await describe(client, name);
    }
  }
  const wanted = (definition.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName!);
  const present = new Set((table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = wanted.filter((index) => !present.has(index));
  if (missing.length > 0) {
    throw new Error(`table ${name} exists without index ${missing.join(', ')}; delete it to recreate it`);
  }
  const giveUpAt = Date.now() + timeoutMs;
  while (!isActive(table)) {
    if (Date.now() > giveUpAt) throw new Error(`table ${name} did not become ACTIVE within ${timeoutMs} ms`);
    await sleep(500);
    table = await describe(client, name);
  }
  return outcome;
};
