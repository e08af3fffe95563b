import { DEFAULT_FINISHED_RETENTION_DAYS, parseRetentionDays } from './retention';

/**
 * Configuration, read once from the environment, typed and frozen. The variable names are shared
 * with infra/, which sets them on every function, and with the local runtime.
 */
export const ENV = {
  STATE_TABLE: 'BATON_STATE_TABLE',
  DEFINITIONS_TABLE: 'BATON_DEFINITIONS_TABLE',
  DECIDE_QUEUE_URL: 'BATON_DECIDE_QUEUE_URL',
  DECIDE_QUEUE_ARN: 'BATON_DECIDE_QUEUE_ARN',
  SYSTEM_TASK_QUEUE_URL: 'BATON_SYSTEM_TASK_QUEUE_URL',
  SCHEDULE_GROUP: 'BATON_SCHEDULE_GROUP',
  SCHEDULER_ROLE_ARN: 'BATON_SCHEDULER_ROLE_ARN',
  AWS_ENDPOINT_URL: 'AWS_ENDPOINT_URL',
  /** Application keys for the token exchange; only the api function and the keys command read it. */
  AUTH_TABLE: 'BATON_AUTH_TABLE',
  /** The Secrets Manager secret whose value signs tokens (deployed). */
  TOKEN_SECRET_ARN: 'BATON_TOKEN_SECRET_ARN',
  /** The token signing secret itself, for the local runtime and tests. */
  TOKEN_SECRET: 'BATON_TOKEN_SECRET',
  /** Days an ended execution is kept before DynamoDB's TTL may delete it (default 30). */
  FINISHED_RETENTION_DAYS: 'BATON_FINISHED_RETENTION_DAYS',
  /** The local runtime's auth mode: `token` puts the authorizer in front of the API; unset or `none`, no auth. */
  AUTH_MODE: 'BATON_AUTH',
} as const;

export interface Config {
  stateTable: string;
  definitionsTable: string;
  decideQueueUrl: string;
  decideQueueArn: string;
  systemTaskQueueUrl: string;
  scheduleGroup: string;
  schedulerRoleArn: string;
  /** Days an ended execution is kept; running ones are kept as long as they run. */
  finishedRetentionDays: number;
  /** Set only when talking to an emulator (moto, LocalStack). */
  endpoint?: string;
}

const REQUIRED = {
  stateTable: ENV.STATE_TABLE,
  definitionsTable: ENV.DEFINITIONS_TABLE,
  decideQueueUrl: ENV.DECIDE_QUEUE_URL,
  decideQueueArn: ENV.DECIDE_QUEUE_ARN,
  systemTaskQueueUrl: ENV.SYSTEM_TASK_QUEUE_URL,
  scheduleGroup: ENV.SCHEDULE_GROUP,
  schedulerRoleArn: ENV.SCHEDULER_ROLE_ARN,
} as const;

/** Reads every variable; throws once, naming all the missing ones. */
export const readConfig = (env: Record<string, string | undefined>): Readonly<Config> => {
  const missing = Object.values(REQUIRED).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`missing environment variables: ${missing.join(', ')}`);
  const values = Object.fromEntries(Object.entries(REQUIRED).map(([key, name]) => [key, env[name]]));
  const retention = env[ENV.FINISHED_RETENTION_DAYS];
  return Object.freeze({
    ...(values as Omit<Config, 'endpoint' | 'finishedRetentionDays'>),
    finishedRetentionDays: retention
      ? parseRetentionDays(retention, ENV.FINISHED_RETENTION_DAYS)
      : DEFAULT_FINISHED_RETENTION_DAYS,
    endpoint: env[ENV.AWS_ENDPOINT_URL] || undefined,
  });
};

/**
 * What the token exchange, the authorizer and the keys command read. Every field is optional: an
 * installation may run without token auth, and the authorizer needs only the signing secret.
 */
export interface AuthConfig {
  authTable?: string;
  tokenSecretArn?: string;
  tokenSecret?: string;
  endpoint?: string;
}

export const readAuthConfig = (env: Record<string, string | undefined>): Readonly<AuthConfig> =>
  Object.freeze({
    authTable: env[ENV.AUTH_TABLE] || undefined,
    tokenSecretArn: env[ENV.TOKEN_SECRET_ARN] || undefined,
    tokenSecret: env[ENV.TOKEN_SECRET] || undefined,
    endpoint: env[ENV.AWS_ENDPOINT_URL] || undefined,
  });
