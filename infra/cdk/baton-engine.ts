import { type CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/shared/config';
import {
  type BatonResources,
  batonResources,
  type FunctionId,
  type QueueId,
  type TableId,
} from '../resources';
import { grantAccess } from './access';
import { EngineAlarms } from './alarms';
import type { AuthMode, BatonEngineProps } from './engine-props';
import { engineFunction } from './functions';
import { conductorApi } from './http-api';
import { acknowledgeJustifiedFindings } from './nag-suppressions';
import { type QueueWithDeadLetters, queueFromResource } from './queues';
import { entries, kebab, mapRecord, pascal } from './records';
import { reconcileSchedule, timerScheduling } from './schedules';
import { streamSourceFromResource } from './streams';
import { tableFromDefinition } from './tables';

export type { AuthMode, BatonEngineProps } from './engine-props';

/** Functions only token auth uses; an `iam` installation does without them. */
const TOKEN_AUTH_FUNCTIONS: readonly FunctionId[] = ['authorizer'];

const DEFAULTS = {
  namePrefix: 'baton',
  finishedExecutionRetentionDays: 30,
  authMode: 'token' as AuthMode,
  apiThrottle: { rateLimit: 1000, burstLimit: 2000 },
  logRetention: RetentionDays.ONE_MONTH,
  dataRemovalPolicy: RemovalPolicy.RETAIN,
  oldestMessageAgeSeconds: 1200,
  rescuedWorkflows: 1,
};

/**
 * A whole Baton installation: the resources infra/resources.ts describes (the same ones the local
 * runtime provisions), translated record by record, plus what only the cloud has: the HTTP API and
 * its auth, the minute reconcile schedule, the timer schedule group and role, alarms and IAM.
 */
export class BatonEngine extends Construct {
  readonly resources: BatonResources;
  readonly authMode: AuthMode;
  readonly tables: Record<TableId, Table>;
  readonly queues: Record<QueueId, QueueWithDeadLetters>;
  /** Every function of resources.ts the auth mode needs, by its id there. */
  readonly functions: Partial<Record<FunctionId, NodejsFunction>>;
  readonly httpApi: HttpApi;
  /** What Conductor clients take as their server URL (CONDUCTOR_SERVER_URL), ending in `/api`. */
  readonly conductorServerUrl: string;
  readonly timerScheduleGroup: ScheduleGroup;
  readonly timerSchedulerRole: Role;
  /** The secret tokens are signed with; `token` auth only. */
  readonly tokenSecret?: Secret;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: BatonEngineProps = {}) {
    super(scope, id);
    const prefix = props.namePrefix ?? DEFAULTS.namePrefix;
    const logRetention = props.logRetention ?? DEFAULTS.logRetention;
    const resources = batonResources(prefix);
    this.resources = resources;
    this.authMode = props.authMode ?? DEFAULTS.authMode;

    this.tables = mapRecord(resources.tables, (definition, tableId) =>
      tableFromDefinition(this, `${pascal(tableId)}Table`, definition, {
        timeToLiveAttribute: resources.timeToLive[tableId],
        removalPolicy: props.dataRemovalPolicy ?? DEFAULTS.dataRemovalPolicy,
      }),
    );
    this.queues = mapRecord(resources.queues, (queue, queueId) =>
      queueFromResource(this, `${pascal(queueId)}Queue`, queue),
    );
    const decideQueue = this.queues.decide.queue;
    const timers = timerScheduling(this, { groupName: resources.scheduleGroup, decideQueue });
    this.timerScheduleGroup = timers.group;
    this.timerSchedulerRole = timers.schedulerRole;
    if (this.authMode === 'token') {
      this.tokenSecret = new Secret(this, 'TokenSigningSecret', {
        description: `Signs the API tokens of the ${prefix} Baton installation`,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      });
    }

    const environment = this.functionEnvironment(
      props.finishedExecutionRetentionDays ?? DEFAULTS.finishedExecutionRetentionDays,
    );
    const grantable = {
      tables: mapRecord(this.tables, (table, tableId) => ({
        table,
        indexNames: (resources.tables[tableId].GlobalSecondaryIndexes ?? []).map((index) => index.IndexName!),
      })),
      queues: mapRecord(this.queues, ({ queue }) => queue),
      timers: { groupName: resources.scheduleGroup, schedulerRole: timers.schedulerRole },
      eventQueueArns: props.eventQueueArns ?? [],
      tokenSecret: this.tokenSecret,
    };
    this.functions = {};
    for (const [functionId, resource] of entries(resources.functions)) {
      if (this.authMode !== 'token' && TOKEN_AUTH_FUNCTIONS.includes(functionId)) continue;
      const fn = engineFunction(this, `${pascal(functionId)}Function`, {
        functionName: `${prefix}-${kebab(functionId)}`,
        resource,
        environment,
        logRetention,
        reservedConcurrency: props.reservedConcurrency?.[functionId],
      });
      grantAccess(fn, resource.access ?? {}, grantable);
      this.functions[functionId] = fn;
    }
    for (const [queueId, queue] of entries(resources.queues)) {
      this.function(queue.consumer).addEventSource(
        new SqsEventSource(this.queues[queueId].queue, {
          batchSize: queue.batchSize,
          maxConcurrency: props.maxConcurrency?.[queueId] ?? queue.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }

    const streamDeadLetters = mapRecord(resources.streams, (stream, streamId) =>
      streamSourceFromResource(this, `${pascal(streamId)}Stream`, {
        resource: stream,
        table: this.tables[stream.table],
        consumer: this.function(stream.consumer),
      }),
    );

    const api = conductorApi(this, {
      apiName: `${prefix}-api`,
      apiFunction: this.function('api'),
      authMode: this.authMode,
      authorizerFunction: this.functions.authorizer,
      throttle: props.apiThrottle ?? DEFAULTS.apiThrottle,
      logRetention,
    });
    this.httpApi = api.api;
    this.conductorServerUrl = `${api.stage.url}api`;

    const reconcileTarget = this.function(resources.schedules.reconcile.target);
    const reconcile = reconcileSchedule(this, {
      scheduleName: `${prefix}-reconcile`,
      expression: resources.schedules.reconcile.expression,
      target: reconcileTarget,
      deadLetterQueueName: `${prefix}-reconcile-schedule-dlq`,
    });

    const thresholds = props.alarmThresholds ?? {};
    const alarms = new EngineAlarms(this, props.alarmTopic);
    for (const [queueId, { queue, deadLetters }] of entries(this.queues)) {
      alarms.deadLetters(`${pascal(queueId)}DeadLettersAlarm`, deadLetters);
      alarms.oldestMessageAge(
        `${pascal(queueId)}OldestMessageAlarm`,
        queue,
        thresholds.oldestMessageAgeSeconds ?? DEFAULTS.oldestMessageAgeSeconds,
      );
    }
    for (const [streamId, { deadLetters }] of entries(streamDeadLetters)) {
      alarms.deadLetters(`${pascal(streamId)}StreamDeadLettersAlarm`, deadLetters);
    }
    alarms.deadLetters('ReconcileScheduleDeadLettersAlarm', reconcile.deadLetters);
    alarms.rescuedWorkflows(
      'RescuedWorkflowsAlarm',
      reconcileTarget,
      thresholds.rescuedWorkflows ?? DEFAULTS.rescuedWorkflows,
    );
    this.alarms = alarms.alarms;

    acknowledgeJustifiedFindings({
      functions: Object.values(this.functions),
      timerGroupName: resources.scheduleGroup,
      tokenRoutes: api.tokenRoutes,
      tokenSecret: this.tokenSecret,
      reconcileDeadLetters: reconcile.deadLetters,
      streamDeadLetters: Object.values(streamDeadLetters).map(({ deadLetters }) => deadLetters),
      streamConsumers: Object.values(resources.streams).map((stream) => ({
        fn: this.function(stream.consumer),
        tableLogicalId: Stack.of(this).getLogicalId(
          this.tables[stream.table].node.defaultChild as CfnElement,
        ),
      })),
    });
  }

  /** The function created for a resources.ts function id; an id the installation lacks is a bug. */
  function(functionId: FunctionId): NodejsFunction {
    const fn = this.functions[functionId];
    if (!fn) throw new Error(`the installation has no ${functionId} function`);
    return fn;
  }

  /**
   * Every function gets the whole configuration readConfig expects (it refuses to start with any
   * part missing); what a function may do with those resources is decided by its grants alone.
   */
  private functionEnvironment(retentionDays: number): Record<string, string> {
    const { environment, scheduleGroup } = this.resources;
    const variables: Record<string, string> = {
      [ENV.DECIDE_QUEUE_ARN]: this.queues.decide.queue.queueArn,
      [ENV.SCHEDULE_GROUP]: scheduleGroup,
      [ENV.SCHEDULER_ROLE_ARN]: this.timerSchedulerRole.roleArn,
      [ENV.FINISHED_RETENTION_DAYS]: String(retentionDays),
    };
    for (const [tableId, name] of entries(environment.tables)) {
      variables[name] = this.tables[tableId].tableName;
    }
    for (const [queueId, name] of entries(environment.queueUrls)) {
      variables[name] = this.queues[queueId].queue.queueUrl;
    }
    if (this.tokenSecret) {
      variables[ENV.TOKEN_SECRET_ARN] = this.tokenSecret.secretArn;
    } else {
      // Without an auth table the api function serves no token exchange (POST /api/token is a 404).
      delete variables[ENV.AUTH_TABLE];
    }
    return variables;
  }
}
