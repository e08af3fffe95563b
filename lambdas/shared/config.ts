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
} as const;

export interface Config {
  stateTable: string;
  definitionsTable: string;
  decideQueueUrl: string;
  decideQueueArn: string;
  systemTaskQueueUrl: string;
  scheduleGroup: string;
  schedulerRoleArn: string;
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
  return Object.freeze({
    ...(values as Omit<Config, 'endpoint'>),
    endpoint: env[ENV.AWS_ENDPOINT_URL] || undefined,
  });
};
