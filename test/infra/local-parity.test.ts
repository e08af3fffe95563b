import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateScheduleGroupCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../infra/local/provision';
import { batonResources } from '../../infra/resources';
import { type CfnResource, synthesizeStack } from './synthesized-stack';

/**
 * What the local runtime creates, recorded from its provisioner's own requests, so that the
 * comparison follows infra/local/provision.ts as it is and not a second reading of resources.ts.
 */
const recordLocalProvisioning = async () => {
  const tables: CreateTableCommandInput[] = [];
  const queues: Record<string, Record<string, string>> = {};
  const scheduleGroups: string[] = [];
  const dynamodb = {
    send: async (command: unknown) => {
      if (command instanceof DescribeTableCommand) {
        throw new ResourceNotFoundException({ message: 'not yet', $metadata: {} });
      }
      if (command instanceof CreateTableCommand) {
        tables.push(command.input);
        const indexes = (command.input.GlobalSecondaryIndexes ?? []).map((index) => ({
          IndexName: index.IndexName,
          IndexStatus: 'ACTIVE',
        }));
        return { TableDescription: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: indexes } };
      }
      throw new Error(`unexpected DynamoDB request ${String(command)}`);
    },
  };
  const sqs = {
    send: async (command: unknown) => {
      if (command instanceof CreateQueueCommand) {
        queues[command.input.QueueName!] = command.input.Attributes ?? {};
        return { QueueUrl: `local://${command.input.QueueName}` };
      }
      if (command instanceof GetQueueAttributesCommand) {
        return { Attributes: { QueueArn: `arn:local:${command.input.QueueUrl!.slice('local://'.length)}` } };
      }
      throw new Error(`unexpected SQS request ${String(command)}`);
    },
  };
  const scheduler = {
    send: async (command: unknown) => {
      if (command instanceof CreateScheduleGroupCommand) scheduleGroups.push(command.input.Name!);
      return {};
    },
  };
  await provision(batonResources(), {
    dynamodb: dynamodb as unknown as DynamoDBClient,
    sqs: sqs as unknown as SQSClient,
    scheduler: scheduler as unknown as SchedulerClient,
  });
  return { tables, queues, scheduleGroups };
};

const { resourcesOf } = synthesizeStack();
const stackQueues = new Map(resourcesOf('AWS::SQS::Queue').map(([id, q]) => [id, q.Properties]));
const stackQueueNamed = (name: string) => [...stackQueues.values()].find((q) => q.QueueName === name);

const keys = (schema: KeySchemaElement[] | undefined) =>
  (schema ?? []).map(({ AttributeName, KeyType }) => ({ AttributeName, KeyType }));
const indexes = (list: GlobalSecondaryIndex[] | undefined) =>
  (list ?? [])
    .map((index) => ({
      IndexName: index.IndexName,
      KeySchema: keys(index.KeySchema),
      ProjectionType: index.Projection?.ProjectionType,
      NonKeyAttributes: [...(index.Projection?.NonKeyAttributes ?? [])].sort(),
    }))
    .sort((a, b) => a.IndexName!.localeCompare(b.IndexName!));
const attributes = (table: { AttributeDefinitions?: { AttributeName?: string; AttributeType?: string }[] }) =>
  (table.AttributeDefinitions ?? [])
    .map(({ AttributeName, AttributeType }) => `${AttributeName}:${AttributeType}`)
    .sort();

describe('the stack and the local runtime', () => {
  let local: Awaited<ReturnType<typeof recordLocalProvisioning>>;
  beforeAll(async () => {
    local = await recordLocalProvisioning();
  });

  it('create the same tables, with the same keys, attributes and indexes', () => {
    const stackTables = resourcesOf('AWS::DynamoDB::Table').map(
      ([, t]: [string, CfnResource]) => t.Properties,
    );
    expect(stackTables.map((t) => t.TableName).sort()).toEqual(local.tables.map((t) => t.TableName).sort());
    for (const created of local.tables) {
      const deployed = stackTables.find((t) => t.TableName === created.TableName)!;
      expect(keys(deployed.KeySchema)).toEqual(keys(created.KeySchema));
      expect(attributes(deployed)).toEqual(attributes(created));
      expect(indexes(deployed.GlobalSecondaryIndexes)).toEqual(indexes(created.GlobalSecondaryIndexes));
      expect(deployed.BillingMode).toBe(created.BillingMode);
    }
  });

  it('create the same queues, with the same visibility timeouts and dead-letter redrive', () => {
    const working = Object.entries(local.queues).filter(([, attributes]) => attributes.RedrivePolicy);
    expect(working.length).toBeGreaterThan(0);
    for (const [name, attributes] of working) {
      const deployed = stackQueueNamed(name);
      const redrive = JSON.parse(attributes.RedrivePolicy!);
      expect(deployed?.VisibilityTimeout).toBe(Number(attributes.VisibilityTimeout));
      expect(deployed?.RedrivePolicy.maxReceiveCount).toBe(redrive.maxReceiveCount);
      const deadLetterName = String(redrive.deadLetterTargetArn).slice('arn:local:'.length);
      const deployedDeadLetters = stackQueues.get(
        deployed?.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0],
      );
      expect(deployedDeadLetters?.QueueName).toBe(deadLetterName);
      expect(deployedDeadLetters?.MessageRetentionPeriod).toBe(
        Number(local.queues[deadLetterName]!.MessageRetentionPeriod),
      );
    }
    const deployedNames = [...stackQueues.values()].map((q) => q.QueueName);
    expect(deployedNames).toEqual(expect.arrayContaining(Object.keys(local.queues)));
  });

  it('use the same schedule group for timers', () => {
    const groups = resourcesOf('AWS::Scheduler::ScheduleGroup').map(([, g]) => g.Properties.Name);
    expect(groups).toEqual(local.scheduleGroups);
  });

  it('run one function for each function resources.ts lists', () => {
    const deployed = resourcesOf('AWS::Lambda::Function')
      .map(([, f]) => f.Properties.FunctionName)
      .sort();
    const listed = Object.keys(batonResources().functions)
      .map((id) => `baton-${id.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`)
      .sort();
    expect(deployed).toEqual(listed);
  });
});
