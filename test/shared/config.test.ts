import { describe, expect, it } from 'vitest';
import { ENV, readConfig } from '../../lambdas/shared/config';
import { DEFAULT_FINISHED_RETENTION_DAYS, expiryOf } from '../../lambdas/shared/retention';

const complete = {
  [ENV.STATE_TABLE]: 'state',
  [ENV.DEFINITIONS_TABLE]: 'definitions',
  [ENV.DECIDE_QUEUE_URL]: 'https://sqs/decide',
  [ENV.DECIDE_QUEUE_ARN]: 'arn:aws:sqs:us-east-1:1:decide',
  [ENV.SYSTEM_TASK_QUEUE_URL]: 'https://sqs/system-task',
  [ENV.SCHEDULE_GROUP]: 'timers',
  [ENV.SCHEDULER_ROLE_ARN]: 'arn:aws:iam::1:role/scheduler',
};

describe('readConfig', () => {
  it('names every missing variable at once', () => {
    expect(() => readConfig({ [ENV.STATE_TABLE]: 'state' })).toThrow(
      `missing environment variables: ${ENV.DEFINITIONS_TABLE}, ${ENV.DECIDE_QUEUE_URL}`,
    );
  });

  it('keeps ended executions 30 days unless told otherwise', () => {
    expect(readConfig(complete).finishedRetentionDays).toBe(DEFAULT_FINISHED_RETENTION_DAYS);
    expect(readConfig({ ...complete, [ENV.FINISHED_RETENTION_DAYS]: '7' }).finishedRetentionDays).toBe(7);
  });

  it.each(['0', '-3', '1.5', 'a week', '36501'])('refuses a retention of %j, naming the variable', (days) => {
    expect(() => readConfig({ ...complete, [ENV.FINISHED_RETENTION_DAYS]: days })).toThrow(
      `${ENV.FINISHED_RETENTION_DAYS} must be a whole number of days from 1 to 36500`,
    );
  });
});

describe('expiryOf', () => {
  const endTime = Date.UTC(2026, 10, 24, 12, 0, 0, 750);

  it('is the end, in epoch seconds, plus the retention, for an ended workflow only', () => {
    expect(expiryOf({ status: 'COMPLETED', endTime, updateTime: endTime }, 2)).toBe(
      Math.floor(endTime / 1000) + 2 * 86_400,
    );
    for (const status of ['RUNNING', 'PAUSED'] as const) {
      expect(expiryOf({ status, endTime: 0, updateTime: endTime }, 2)).toBeUndefined();
    }
    expect(expiryOf({ status: 'FAILED', endTime, updateTime: endTime }, undefined)).toBeUndefined();
  });
});
