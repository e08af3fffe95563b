import { describe, expect, it } from 'vitest';
import { TOKEN_HEADER } from '../../infra/cdk/http-api';
import { kebab } from '../../infra/cdk/records';
import { batonResources, type QueueId } from '../../infra/resources';
import { ENV, readConfig } from '../../lambdas/shared/config';
import { asArray, policyStatements, synthesizeStack } from './synthesized-stack';

const resources = batonResources();
const { resourcesOf, named } = synthesizeStack();

const functionNamed = (functionId: string) =>
  named('AWS::Lambda::Function', 'FunctionName', `baton-${kebab(functionId)}`);
const queueNamed = (name: string) => named('AWS::SQS::Queue', 'QueueName', name);
const tableNamed = (name: string) => named('AWS::DynamoDB::Table', 'TableName', name);
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

describe('the functions', () => {
  it.each(Object.entries(resources.functions))(
    '%s is an arm64 Node 22 function as resources.ts sizes it',
    (id, fn) => {
      const [, lambda] = functionNamed(id);
      expect(lambda.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: fn.timeoutSeconds,
        MemorySize: fn.memoryMb,
      });
    },
  );

  it.each(Object.keys(resources.functions))('%s gets every variable readConfig requires', (id) => {
    const variables: Record<string, unknown> = functionNamed(id)[1].Properties.Environment.Variables;
    // Literal values are read as they are; references to resources only need to be there.
    const present = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : 'set']),
    );
    expect(() => readConfig(present)).not.toThrow();
    expect(variables[ENV.TOKEN_SECRET_ARN]).toBeDefined();
  });

  it('points the table and queue variables at the resources of the same names', () => {
    const variables = functionNamed('decide')[1].Properties.Environment.Variables;
    for (const [tableId, variable] of Object.entries(resources.environment.tables)) {
      const [logicalId] = tableNamed(resources.tables[tableId as keyof typeof resources.tables].TableName!);
      expect(variables[variable]).toEqual({ Ref: logicalId });
    }
    for (const [queueId, variable] of Object.entries(resources.environment.queueUrls)) {
      const [logicalId] = queueNamed(resources.queues[queueId as QueueId].name);
      expect(variables[variable]).toEqual({ Ref: logicalId });
    }
    expect(variables[ENV.DECIDE_QUEUE_ARN]).toEqual(arnOf(queueNamed(resources.queues.decide.name)[0]));
    expect(variables[ENV.SCHEDULE_GROUP]).toBe(resources.scheduleGroup);
  });
});

describe('the queues', () => {
  const mappings = resourcesOf('AWS::Lambda::EventSourceMapping').filter(
    ([, m]) => m.Properties.EventSourceArn['Fn::GetAtt']?.[1] === 'Arn',
  );

  it.each(Object.entries(resources.queues))(
    '%s feeds its consumer in batches, reporting partial failures, at a bounded concurrency',
    (_id, queue) => {
      const [queueId] = queueNamed(queue.name);
      const [functionId] = functionNamed(queue.consumer);
      const mapping = mappings.find(([, m]) => m.Properties.FunctionName.Ref === functionId)?.[1];
      expect(mapping?.Properties).toMatchObject({
        EventSourceArn: arnOf(queueId),
        BatchSize: queue.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: queue.maxConcurrency },
      });
    },
  );

  it('keeps every consumed message invisible for at least 6 times its consumer’s timeout', () => {
    expect(mappings).toHaveLength(Object.keys(resources.queues).length);
    for (const [, mapping] of mappings) {
      const queue = resourcesOf('AWS::SQS::Queue').find(
        ([logicalId]) => mapping.Properties.EventSourceArn['Fn::GetAtt'][0] === logicalId,
      )![1];
      const consumer = resourcesOf('AWS::Lambda::Function').find(
        ([logicalId]) => mapping.Properties.FunctionName.Ref === logicalId,
      )![1];
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * consumer.Properties.Timeout);
    }
  });

  it('gives every queue that is not itself a dead-letter queue one, after at least 5 receives', () => {
    const queues = resourcesOf('AWS::SQS::Queue');
    const deadLetterIds = new Set([
      ...queues.flatMap(([, q]) => q.Properties.RedrivePolicy?.deadLetterTargetArn['Fn::GetAtt'][0] ?? []),
      ...resourcesOf('AWS::Scheduler::Schedule').map(
        ([, s]) => s.Properties.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0],
      ),
      ...resourcesOf('AWS::Lambda::EventSourceMapping').flatMap(
        ([, m]) => m.Properties.DestinationConfig?.OnFailure.Destination['Fn::GetAtt'][0] ?? [],
      ),
    ]);
    const working = queues.filter(([logicalId]) => !deadLetterIds.has(logicalId));
    expect(working.map(([, q]) => q.Properties.QueueName).sort()).toEqual(
      Object.values(resources.queues)
        .map((q) => q.name)
        .sort(),
    );
    for (const [, queue] of working) {
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
    }
  });

  it('encrypts every queue and refuses plain-HTTP access to it', () => {
    const queues = resourcesOf('AWS::SQS::Queue');
    for (const [logicalId, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      const policy = resourcesOf('AWS::SQS::QueuePolicy').find(([, p]) =>
        p.Properties.Queues.some((ref: { Ref: string }) => ref.Ref === logicalId),
      )?.[1];
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });
});

describe('the tables', () => {
  it('bills on demand, keeps point-in-time backups and encrypts with a KMS key', () => {
    for (const [, table] of resourcesOf('AWS::DynamoDB::Table')) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it('lets DynamoDB expire finished executions by their TTL attribute', () => {
    const [, state] = tableNamed(resources.tables.state.TableName!);
    expect(state.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: resources.timeToLive.state,
      Enabled: true,
    });
  });

  it("feeds the expire function TTL's deletions of heads from the state table's stream, and nothing else", () => {
    const [stateId, state] = tableNamed(resources.tables.state.TableName!);
    expect(state.Properties.StreamSpecification).toEqual({ StreamViewType: 'OLD_IMAGE' });
    const stream = resources.streams.expiry;
    const [consumerId] = functionNamed(stream.consumer);
    const mapping = resourcesOf('AWS::Lambda::EventSourceMapping').find(
      ([, m]) => m.Properties.FunctionName.Ref === consumerId,
    )?.[1];
    const [deadLettersId] = queueNamed(stream.deadLetterName);
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [stateId, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: stream.batchSize,
      MaximumBatchingWindowInSeconds: stream.maxBatchingWindowSeconds,
      MaximumRetryAttempts: stream.retryAttempts,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: arnOf(deadLettersId) } },
    });
    const pattern = JSON.parse(mapping!.Properties.FilterCriteria.Filters[0].Pattern);
    expect(pattern).toEqual({
      eventName: ['REMOVE'],
      userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
      dynamodb: { Keys: { sk: { S: ['#HEAD'] } } },
    });
  });

  it("lets the expire function read the state table's streams only, and delete its items", () => {
    const [stateId] = tableNamed(resources.tables.state.TableName!);
    const role = resourcesOf('AWS::IAM::Policy').find(([id]) => id.startsWith('EngineExpireFunction'));
    const statements = asArray(role![1].Properties.PolicyDocument.Statement);
    const streamRead = statements.find((s) => asArray(s.Action).includes('dynamodb:GetRecords'));
    expect(streamRead.Resource).toEqual({ 'Fn::Join': ['', [arnOf(stateId), '/stream/*']] });
    const tableWrite = statements.find((s) => asArray(s.Action).includes('dynamodb:BatchWriteItem'));
    expect(asArray(tableWrite.Resource)).toContainEqual(arnOf(stateId));
    expect(statements.some((s) => asArray(s.Action).some((a: string) => a.startsWith('sqs:Receive')))).toBe(
      false,
    );
  });
});

describe('the HTTP API', () => {
  const routes = resourcesOf('AWS::ApiGatewayV2::Route');

  it("sends Conductor's /api paths to the api function", () => {
    const proxy = routes.find(([, r]) => r.Properties.RouteKey === 'ANY /api/{proxy+}')?.[1];
    const integration = resourcesOf('AWS::ApiGatewayV2::Integration')[0]![1];
    expect(proxy?.Properties.Target['Fn::Join'][1]).toContainEqual({
      Ref: resourcesOf('AWS::ApiGatewayV2::Integration')[0]![0],
    });
    expect(integration.Properties.IntegrationUri).toEqual(arnOf(functionNamed('api')[0]));
  });

  it('puts the token authorizer on every route but the token exchange', () => {
    const [authorizerId] = resourcesOf('AWS::ApiGatewayV2::Authorizer')[0]!;
    for (const [, route] of routes) {
      if (route.Properties.RouteKey === 'POST /api/token') {
        expect(route.Properties.AuthorizationType).toBe('NONE');
      } else {
        expect(route.Properties).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: authorizerId },
        });
      }
    }
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual([
      'ANY /api/{proxy+}',
      'POST /api/token',
    ]);
  });

  it('checks the X-Authorization header with the authorizer function and caches its answers', () => {
    const [, authorizer] = resourcesOf('AWS::ApiGatewayV2::Authorizer')[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: [`$request.header.${TOKEN_HEADER}`],
      AuthorizerResultTtlInSeconds: 300,
      EnableSimpleResponses: true,
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(functionNamed('authorizer')[0]);
  });

  it('serves on the $default stage, throttled and access-logged', () => {
    const [, stage] = resourcesOf('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
    });
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
  });
});

describe('the schedules', () => {
  it('runs the reconcile every minute, with retries and a dead-letter queue', () => {
    const [, schedule] = named('AWS::Scheduler::Schedule', 'ScheduleExpression', 'rate(1 minute)');
    expect(schedule.Properties.Target).toMatchObject({
      Arn: arnOf(functionNamed('reconcile')[0]),
      RetryPolicy: { MaximumRetryAttempts: 3 },
      DeadLetterConfig: { Arn: expect.anything() },
    });
  });

  it('creates the timer group and a role Scheduler assumes to send to the decide queue only', () => {
    named('AWS::Scheduler::ScheduleGroup', 'Name', resources.scheduleGroup);
    const roleArn = functionNamed('decide')[1].Properties.Environment.Variables[ENV.SCHEDULER_ROLE_ARN];
    const roleId = roleArn['Fn::GetAtt'][0];
    const statements = resourcesOf('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements.flatMap((s) => asArray(s.Resource))).toEqual([
      arnOf(queueNamed(resources.queues.decide.name)[0]),
    ]);
  });
});

describe('IAM', () => {
  const statements = policyStatements(resourcesOf);

  it('grants no wildcard action', () => {
    const actions = statements.flatMap((s) => asArray(s.Action));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
  });

  it('grants nothing on every resource', () => {
    expect(statements.filter((s) => asArray(s.Resource).includes('*'))).toEqual([]);
  });

  it('lets only the functions that set timers create schedules, in the timer group only', () => {
    const creating = statements.filter((s) => asArray(s.Action).includes('scheduler:CreateSchedule'));
    expect(creating).toHaveLength(3);
    for (const statement of creating) {
      expect(JSON.stringify(statement.Resource)).toContain(`:schedule/${resources.scheduleGroup}/*`);
    }
  });
});

describe('the alarms', () => {
  const alarms = resourcesOf('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it('watch each dead-letter queue’s depth and each queue’s oldest message', () => {
    const watched = (metric: string) =>
      alarms
        .filter((a) => a.MetricName === metric)
        .map((a) => a.Dimensions[0].Value['Fn::GetAtt'][0])
        .sort();
    const queueIds = Object.values(resources.queues).map((q) => queueNamed(q.name)[0]);
    const deadLetterIds = Object.values(resources.queues).map((q) => queueNamed(q.deadLetterName)[0]);
    expect(watched('ApproximateAgeOfOldestMessage')).toEqual(queueIds.sort());
    expect(watched('ApproximateNumberOfMessagesVisible')).toEqual(expect.arrayContaining(deadLetterIds));
  });

  it('watch the workflows the reconcile rescues', () => {
    const rescued = alarms.find((a) => a.MetricName === 'WorkflowsRescued');
    expect(rescued).toMatchObject({
      Namespace: 'Baton',
      Statistic: 'Sum',
      Threshold: 1,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionNamed('reconcile')[0] } }],
    });
  });
});
