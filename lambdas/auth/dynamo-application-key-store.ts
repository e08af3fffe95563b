import { ConditionalCheckFailedException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ApplicationKey, ApplicationKeyStore } from './application-keys';

/**
 * Application keys, one item per key under `keyId`. The table stays tiny (a key per client or
 * team) and is read once per token exchange, never per request (the authorizer checks tokens by
 * their signature alone), so listing it is a plain scan.
 */
export const authTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'keyId', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'keyId', KeyType: 'HASH' }],
});

const keyOf = (item: Record<string, unknown>): ApplicationKey => ({
  keyId: item.keyId as string,
  name: item.name as string | undefined,
  secretHash: item.secretHash as string,
  createdAt: item.createdAt as number,
  revokedAt: item.revokedAt as number | undefined,
});

export class DynamoApplicationKeyStore implements ApplicationKeyStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = client;
    this.tableName = tableName;
  }

  async create(key: ApplicationKey): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: Object.fromEntries(Object.entries(key).filter(([, value]) => value !== undefined)),
          ConditionExpression: 'attribute_not_exists(keyId)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new Error(`application key ${key.keyId} already exists`);
      }
      throw error;
    }
  }

  async get(keyId: string): Promise<ApplicationKey | undefined> {
    const found = await this.client.send(
      // Strongly consistent, so a key revoked a moment ago is already refused.
      new GetCommand({ TableName: this.tableName, Key: { keyId }, ConsistentRead: true }),
    );
    return found.Item ? keyOf(found.Item) : undefined;
  }

  async revoke(keyId: string, at: number): Promise<'revoked' | 'missing'> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { keyId },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'attribute_exists(keyId)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return 'revoked';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'missing';
      throw error;
    }
  }

  async list(): Promise<ApplicationKey[]> {
    const keys: ApplicationKey[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      keys.push(...(page.Items ?? []).map(keyOf));
      start = page.LastEvaluatedKey;
    } while (start);
    return keys;
  }
}
