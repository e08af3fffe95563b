/**
 * Smoke test: the synthesized stack (default props, token auth) deployed to moto's CloudFormation,
 * and what that created read back through the service APIs, compared with infra/resources.ts.
 * It shows that the template deploys and that its references resolve to resources that exist,
 * which the synth tests (baton-stack.test.ts) cannot: they read the template only.
 *
 * How it deploys (test/infra/moto-deploy.ts): the stack is synthesized with the real function
 * bundles; the bootstrap's staging bucket and version parameter are created; each bundle is zipped
 * and uploaded at the key the template names; the template goes to CreateStack by URL.
 * Departures from a real deploy, all forced by moto:
 *   - The token-signing AWS::SecretsManager::Secret is created through the Secrets Manager API and
 *     its ARN written in place of every Ref to it: moto's CloudFormation has no such resource.
 *   - The CheckBootstrapVersion rule is not evaluated: moto ignores a template's Rules.
 *
 * Checked through the APIs:
 *   - DynamoDB: each table of resources.ts with its key schema, attribute types, GSIs (keys and
 *     projections) and on-demand billing.
 *   - SQS: each queue's visibility timeout and redrive policy (its DLQ, maxReceiveCount), SSE on
 *     every queue, the DLQs' 14-day retention, the reconcile schedule's DLQ.
 *   - Lambda: each function's name, runtime, handler, memory, timeout; its code is the bundle
 *     uploaded for it (CodeSha256); its environment passes readConfig/readAuthConfig and every
 *     value names a created resource (tables, queue URLs and ARN, scheduler role, stand-in secret).
 *   - Event source mappings: queue → consumer, batch size, ReportBatchItemFailures, maximum
 *     concurrency, enabled; no other function has one.
 *   - IAM: every function's role exists, only Lambda may assume it, and its inline policy names
 *     resolved ARNs only; the timer schedules' role exists and only the Scheduler may assume it.
 *   - Logs: every log group exists with the one-month retention.
 *   - The outputs naming the tables.
 *
 * Not checked here, because moto cannot show it:
 *   - No Lambda code runs (moto has no Docker): a handler that fails at start-up would pass.
 *   - Skipped by moto's CloudFormation, so not created at all (the test pins this list, so a
 *     moto that learns one of them fails it and the check can be added): the HTTP API, its routes,
 *     integration, stage and authorizer (AWS::ApiGatewayV2::*), the reconcile schedule and the
 *     timer schedule group (AWS::Scheduler::*), the alarms (AWS::CloudWatch::Alarm) and the
 *     TLS-only queue policies (AWS::SQS::QueuePolicy). The ConductorServerUrl output is
 *     therefore meaningless on moto.
 *   - Dropped by moto's CloudFormation although created: the functions' arm64 architecture (moto
 *     reports x86_64) and log group wiring, the tables' point-in-time recovery, encryption and TTL.
 * The synth tests assert these on the template instead, all but the log group wiring. Whether AWS
 * itself accepts the template (IAM policy grammar, service quotas) only a real deploy shows.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kebab } from '../../infra/cdk/records';
import { batonResources, type QueueId, type TableId } from '../../infra/resources';
import { ENV, readAuthConfig, readConfig } from '../../lambdas/shared/config';
import { motoClientConfig, useMoto } from '../support/moto';
import { type Deployment, deployToMoto, type Synthesized, synthesizeWithBundles } from './moto-deploy';

const resources = batonResources();
const STACK_NAME = 'Baton';
const ONE_MONTH_DAYS = 30;
const DEAD_LETTER_RETENTION_SECONDS = String(14 * 24 * 3600);

/** What moto's CloudFormation 5.2.1 accepts in a template but does not create. */
const SKIPPED_BY_MOTO = [
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::CloudWatch::Alarm',
  'AWS::SQS::QueuePolicy',
  'AWS::Scheduler::Schedule',
  'AWS::Scheduler::ScheduleGroup',
];

const clientsFor = (endpoint: string) => {
  const config = motoClientConfig(endpoint);
  return {
    cloudFormation: new CloudFormationClient(config),
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    secrets: new SecretsManagerClient(config),
  };
};

// This test is about moto's CloudFormation, so it starts moto even when AWS_ENDPOINT_URL is set.
const moto = useMoto({ ownServer: true });
let synthesized: Synthesized | undefined;
/** Awaited by every test, so that a failed deploy fails each of them with its reason. */
let deployed: Promise<Deployment>;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  deployed = (async () => {
    clients = clientsFor(moto.endpoint);
    synthesized = synthesizeWithBundles(STACK_NAME);
    return deployToMoto(moto.endpoint, synthesized);
  })();
  await deployed.catch(() => undefined);
}, 90_000);

afterAll(() => {
  synthesized?.remove();
  for (const client of Object.values(clients ?? {})) client.destroy();
});

/** The stack's resources as CloudFormation lists them, created or not. */
const stackResources = async (): Promise<StackResourceSummary[]> => {
  await deployed;
  const { StackResourceSummaries } = await clients.cloudFormation.send(
    new ListStackResourcesCommand({ StackName: STACK_NAME }),
  );
  return StackResourceSummaries ?? [];
};

const queueAttributes = async (queueUrl: string) => {
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return Attributes ?? {};
};

const queueNamed = async (name: string) => {
  const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  return queueAttributes(QueueUrl!);
};

const functionNamed = async (name: string) => {
  await deployed;
  return clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
};

const roleNamed = async (arn: string) => {
  const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: arn.split('/').pop()! }));
  const trust = JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!));
  return {
    role: Role!,
    trustedServices: trust.Statement.map((s: { Principal: { Service: string } }) => s.Principal.Service),
  };
};

const FUNCTIONS = Object.entries(resources.functions).map(([id, fn]) => ({
  name: `baton-${kebab(id)}`,
  ...fn,
}));

describe('the Baton stack on moto CloudFormation', () => {
  it('reaches CREATE_COMPLETE', async () => {
    await deployed;
    const { Stacks } = await clients.cloudFormation.send(
      new DescribeStacksCommand({ StackName: STACK_NAME }),
    );
    expect(Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('creates every resource of the template except the types moto skips', async () => {
    const { deployedTemplate } = await deployed;
    const created = new Set((await stackResources()).map((resource) => resource.LogicalResourceId));
    const skippedTypes = new Set(
      Object.entries(deployedTemplate.Resources)
        .filter(([logicalId]) => !created.has(logicalId))
        .map(([, resource]) => resource.Type),
    );
    expect([...skippedTypes].sort()).toEqual(SKIPPED_BY_MOTO);
  });

  it('names the tables in its outputs', async () => {
    await deployed;
    const { Stacks } = await clients.cloudFormation.send(
      new DescribeStacksCommand({ StackName: STACK_NAME }),
    );
    const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    expect(outputs).toMatchObject({
      StateTableName: resources.tables.state.TableName,
      DefinitionsTableName: resources.tables.definitions.TableName,
      AuthTableName: resources.tables.auth.TableName,
    });
  });
});

describe('the tables', () => {
  it.each(Object.entries(resources.tables) as [TableId, (typeof resources.tables)[TableId]][])(
    '%s has the keys and indexes resources.ts gives it, billed on demand',
    async (_id, definition) => {
      await deployed;
      const { Table } = await clients.dynamodb.send(
        new DescribeTableCommand({ TableName: definition.TableName }),
      );
      expect(Table?.KeySchema).toEqual(definition.KeySchema);
      expect(new Set(Table?.AttributeDefinitions)).toEqual(new Set(definition.AttributeDefinitions));
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const indexes = (Table?.GlobalSecondaryIndexes ?? []).map(({ IndexName, KeySchema, Projection }) => ({
        IndexName,
        KeySchema,
        Projection,
      }));
      const expected = (definition.GlobalSecondaryIndexes ?? []).map(
        ({ IndexName, KeySchema, Projection }) => ({
          IndexName,
          KeySchema,
          Projection,
        }),
      );
      expect(indexes).toEqual(expected);
    },
  );
});

describe('the queues', () => {
  it.each(Object.entries(resources.queues) as [QueueId, (typeof resources.queues)[QueueId]][])(
    '%s is encrypted, with its visibility timeout and a DLQ after maxReceiveCount receives',
    async (_id, queue) => {
      await deployed;
      const deadLetters = await queueNamed(queue.deadLetterName);
      const attributes = await queueNamed(queue.name);
      expect(attributes.VisibilityTimeout).toBe(String(queue.visibilityTimeoutSeconds));
      expect(JSON.parse(attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: deadLetters.QueueArn,
        maxReceiveCount: queue.maxReceiveCount,
      });
      expect(attributes.SqsManagedSseEnabled).toBe('true');
      expect(deadLetters.SqsManagedSseEnabled).toBe('true');
      expect(deadLetters.MessageRetentionPeriod).toBe(DEAD_LETTER_RETENTION_SECONDS);
    },
  );

  it("creates the reconcile schedule's DLQ, encrypted, although the schedule itself is skipped", async () => {
    await deployed;
    const attributes = await queueNamed('baton-reconcile-schedule-dlq');
    expect(attributes.SqsManagedSseEnabled).toBe('true');
    expect(attributes.MessageRetentionPeriod).toBe(DEAD_LETTER_RETENTION_SECONDS);
  });
});

describe('the functions', () => {
  it.each(FUNCTIONS)(
    '$name runs the bundle uploaded for it on Node 22, sized as resources.ts says',
    async (fn) => {
      const { uploadedSha256, deployedTemplate } = await deployed;
      const { Configuration } = await functionNamed(fn.name);
      expect(Configuration).toMatchObject({
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        MemorySize: fn.memoryMb,
        Timeout: fn.timeoutSeconds,
      });
      const [resource] = Object.values(deployedTemplate.Resources).filter(
        (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === fn.name,
      );
      const uploaded = uploadedSha256.get(resource!.Properties.Code.S3Key);
      expect(uploaded).toBeDefined();
      expect(Configuration?.CodeSha256).toBe(uploaded);
    },
  );

  it.each(FUNCTIONS)('$name is configured with resources that exist', async (fn) => {
    const { standInSecretArns } = await deployed;
    const variables = (await functionNamed(fn.name)).Configuration?.Environment?.Variables ?? {};
    const config = readConfig(variables);
    const auth = readAuthConfig(variables);

    expect(config.stateTable).toBe(resources.tables.state.TableName);
    expect(config.definitionsTable).toBe(resources.tables.definitions.TableName);
    expect(auth.authTable).toBe(resources.tables.auth.TableName);
    for (const table of [config.stateTable, config.definitionsTable, auth.authTable]) {
      await expect(
        clients.dynamodb.send(new DescribeTableCommand({ TableName: table })),
      ).resolves.toBeDefined();
    }
    const decide = await queueAttributes(config.decideQueueUrl);
    expect(decide.QueueArn).toBe((await queueNamed(resources.queues.decide.name)).QueueArn);
    expect(config.decideQueueArn).toBe(decide.QueueArn);
    const systemTask = await queueAttributes(config.systemTaskQueueUrl);
    expect(systemTask.QueueArn).toBe((await queueNamed(resources.queues.systemTask.name)).QueueArn);

    expect(config.scheduleGroup).toBe(resources.scheduleGroup);
    expect((await roleNamed(config.schedulerRoleArn)).trustedServices).toEqual(['scheduler.amazonaws.com']);
    expect([...standInSecretArns.values()]).toEqual([auth.tokenSecretArn]);
    await expect(
      clients.secrets.send(new DescribeSecretCommand({ SecretId: auth.tokenSecretArn })),
    ).resolves.toBeDefined();
    expect(variables[ENV.FINISHED_RETENTION_DAYS]).toBe('30');
  });

  it.each(FUNCTIONS)(
    '$name has a role of its own that only Lambda assumes, granting named resources',
    async (fn) => {
      const { Configuration } = await functionNamed(fn.name);
      const { role, trustedServices } = await roleNamed(Configuration!.Role!);
      expect(trustedServices).toEqual(['lambda.amazonaws.com']);
      const { PolicyNames } = await clients.iam.send(
        new ListRolePoliciesCommand({ RoleName: role.RoleName }),
      );
      expect(PolicyNames).toHaveLength(1);
      const { PolicyDocument } = await clients.iam.send(
        new GetRolePolicyCommand({ RoleName: role.RoleName, PolicyName: PolicyNames![0] }),
      );
      const statements: { Resource: string | string[] }[] = JSON.parse(
        decodeURIComponent(PolicyDocument!),
      ).Statement;
      const named = statements.flatMap((statement) => [statement.Resource].flat());
      expect(named.length).toBeGreaterThan(0);
      // Every Ref and GetAtt resolved to an ARN in this account (moto's is 123456789012); IAM's
      // ARNs name no Region.
      for (const arn of named) expect(arn).toMatch(/^arn:aws:[a-z0-9-]+:(us-east-1)?:123456789012:\S+$/);
    },
  );
});

describe('the event source mappings', () => {
  it.each(Object.entries(resources.queues) as [QueueId, (typeof resources.queues)[QueueId]][])(
    '%s feeds its consumer in batches, reporting partial failures, at a bounded concurrency',
    async (_id, queue) => {
      await deployed;
      const { QueueArn } = await queueNamed(queue.name);
      const { EventSourceMappings } = await clients.lambda.send(
        new ListEventSourceMappingsCommand({ FunctionName: `baton-${kebab(queue.consumer)}` }),
      );
      expect(EventSourceMappings).toHaveLength(1);
      expect(EventSourceMappings![0]).toMatchObject({
        EventSourceArn: QueueArn,
        BatchSize: queue.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: queue.maxConcurrency },
        State: 'Enabled',
      });
    },
  );

  it("feeds the expiry consumer from the state table's stream", async () => {
    await deployed;
    const stream = resources.streams.expiry;
    const { Table } = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: resources.tables[stream.table].TableName }),
    );
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'OLD_IMAGE' });
    const { EventSourceMappings } = await clients.lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: `baton-${kebab(stream.consumer)}` }),
    );
    expect(EventSourceMappings).toHaveLength(1);
    expect(EventSourceMappings![0]).toMatchObject({
      EventSourceArn: Table?.LatestStreamArn,
      BatchSize: stream.batchSize,
      State: 'Enabled',
    });
  });

  it('exist for the queue consumers and the stream consumer only', async () => {
    await deployed;
    const { EventSourceMappings } = await clients.lambda.send(new ListEventSourceMappingsCommand({}));
    const consumers = [...Object.values(resources.queues), ...Object.values(resources.streams)].map(
      (source) => `baton-${kebab(source.consumer)}`,
    );
    expect(EventSourceMappings?.map((mapping) => mapping.FunctionArn?.split(':').pop()).sort()).toEqual(
      consumers.sort(),
    );
  });
});

describe('the log groups', () => {
  it('exist with a one-month retention, one per function and one for the API', async () => {
    const logGroups = (await stackResources()).filter(
      (resource) => resource.ResourceType === 'AWS::Logs::LogGroup',
    );
    expect(logGroups).toHaveLength(FUNCTIONS.length + 1);
    const { logGroups: described } = await clients.logs.send(new DescribeLogGroupsCommand({}));
    const retention = new Map(described?.map((group) => [group.logGroupName, group.retentionInDays]));
    for (const group of logGroups) expect(retention.get(group.PhysicalResourceId)).toBe(ONE_MONTH_DAYS);
  });
});
