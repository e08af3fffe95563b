import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { FunctionAccess } from '../resources';
import { timerScheduleArnPattern } from './schedules';

const TABLE_ACTIONS = {
  read: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:ConditionCheckItem',
  ],
  // A TransactWriteItems call is authorized action by action, so it needs no action of its own.
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
};

export interface GrantableTable {
  table: ITable;
  /** Named one by one, rather than `index/*`, so a grant reaches no index the table does not declare. */
  indexNames: string[];
}

/** The installation's resources a function's declared access may name. */
export interface GrantableResources {
  tables: Record<string, GrantableTable>;
  queues: Record<string, IQueue>;
  /** Where timers go: schedules are created in this group and handed this role. */
  timers: { groupName: string; schedulerRole: IRole };
  eventQueueArns: string[];
  tokenSecret?: ISecret;
}

/** Turns a function's declared access into IAM grants on those resources only. */
export const grantAccess = (fn: IFunction, access: FunctionAccess, resources: GrantableResources): void => {
  for (const [tableId, level] of Object.entries(access.tables ?? {})) {
    const { table, indexNames } = required(resources.tables[tableId], `table ${tableId}`);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: level === 'readWrite' ? [...TABLE_ACTIONS.read, ...TABLE_ACTIONS.write] : TABLE_ACTIONS.read,
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
  }
  for (const queueId of access.sendsTo ?? []) {
    required(resources.queues[queueId], `queue ${queueId}`).grantSendMessages(fn);
  }
  if (access.setsTimers) {
    const { groupName, schedulerRole } = resources.timers;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule'],
        resources: [timerScheduleArnPattern(groupName)],
      }),
    );
    schedulerRole.grantPassRole(fn.grantPrincipal);
  }
  if (access.publishesEvents && resources.eventQueueArns.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage', 'sqs:GetQueueUrl'],
        resources: resources.eventQueueArns,
      }),
    );
  }
  if (access.readsTokenSecret && resources.tokenSecret) resources.tokenSecret.grantRead(fn);
};

const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`access names ${what}, which the installation does not have`);
  return value;
};
