import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TaskDef, WorkflowDef } from '../../core/index';
import type { MetadataStore, WorkflowDefSummary } from '../../ports';
import { isConditionFailure } from './store-context';

/**
 * Workflow definitions by name and version, task definitions by name, in a table of their own.
 * Keys: workflow `pk = WORKFLOW#<name>`, `sk = V#<version, 10 digits>` (so the newest version is the
 * last in the partition); task `pk = TASK#<name>`, `sk = #`. A name's versions are one Query on
 * its partition. The table holds nothing else, so the rare full listings (GET /metadata/workflow,
 * /metadata/taskdefs) read it whole.
 */
export const definitionsTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
});

const workflowPartition = (name: string) => `WORKFLOW#${name}`;
const workflowKey = (name: string, version: number) => ({
  pk: workflowPartition(name),
  sk: `V#${String(version).padStart(10, '0')}`,
});
const taskKey = (name: string) => ({ pk: `TASK#${name}`, sk: '#' });
const versionOfSk = (sk: string): number => Number(sk.slice('V#'.length));

/** A definition without a version is version 1, as Conductor defaults it. */
const workflowItem = (definition: WorkflowDef) => {
  const version = definition.version ?? 1;
  return {
    ...workflowKey(definition.name, version),
    kind: 'workflow',
    definition: { ...definition, version },
  };
};

export class DynamoDefinitionsStore implements MetadataStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = client;
    this.tableName = tableName;
  }

  async putWorkflowDef(definition: WorkflowDef): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: workflowItem(definition) }));
  }

  async createWorkflowDef(definition: WorkflowDef): Promise<'created' | 'exists'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: workflowItem(definition),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'exists';
      throw error;
    }
  }

  async deleteWorkflowDef(name: string, version: number): Promise<boolean> {
    const deleted = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: workflowKey(name, version),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return deleted.Attributes !== undefined;
  }

  /**
   * One Query on the name's partition. DynamoDB bills a Query by the size of the items it reads,
   * not of what it returns, so this costs the whole definitions; the projection only keeps their
   * bodies off the wire.
   */
  async listWorkflowVersions(name: string): Promise<WorkflowDefSummary[]> {
    const summaries: WorkflowDefSummary[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': workflowPartition(name) },
          ProjectionExpression: 'sk, #definition.createTime, #definition.updateTime',
          ExpressionAttributeNames: { '#definition': 'definition' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const times = (item.definition ?? {}) as { createTime?: number; updateTime?: number };
        summaries.push({ name, version: versionOfSk(item.sk as string), ...times });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return summaries;
  }

  async getWorkflowDef(name: string, version?: number): Promise<WorkflowDef | undefined> {
    if (version !== undefined) {
      const found = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: workflowKey(name, version), ConsistentRead: true }),
      );
      return found.Item?.definition as WorkflowDef | undefined;
    }
    const newest = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': workflowPartition(name) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return newest.Items?.[0]?.definition as WorkflowDef | undefined;
  }

  async listWorkflowDefs(): Promise<WorkflowDef[]> {
    return (await this.scan('workflow')).map((item) => item.definition as WorkflowDef);
  }

  async putTaskDef(definition: TaskDef): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...taskKey(definition.name), kind: 'task', definition },
      }),
    );
  }

  async getTaskDef(name: string): Promise<TaskDef | undefined> {
    const found = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: taskKey(name), ConsistentRead: true }),
    );
    return found.Item?.definition as TaskDef | undefined;
  }

  async listTaskDefs(): Promise<TaskDef[]> {
    return (await this.scan('task')).map((item) => item.definition as TaskDef);
  }

  async deleteTaskDef(name: string): Promise<boolean> {
    const deleted = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: taskKey(name), ReturnValues: 'ALL_OLD' }),
    );
    return deleted.Attributes !== undefined;
  }

  private async scan(kind: 'workflow' | 'task'): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#kind = :kind',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: { ':kind': kind },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
