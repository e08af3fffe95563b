import { isTerminalWorkflow, type Workflow } from '../core/model';

const SECONDS_PER_DAY = 86_400;

/** What an installation keeps an ended execution for unless told otherwise (the stack's default too). */
export const DEFAULT_FINISHED_RETENTION_DAYS = 30;

/** The longest retention accepted: 100 years, far beyond any real need and well inside epoch seconds. */
const MAX_RETENTION_DAYS = 36_500;

/**
 * The epoch second after which DynamoDB's TTL may delete an ended execution: its end plus the
 * retention. None while the workflow runs or is paused, so a running execution never expires, and a
 * retry or restart that reopens an ended one takes the expiry away again in the same commit.
 */
export const expiryOf = (
  workflow: Pick<Workflow, 'status' | 'endTime' | 'updateTime'>,
  retentionDays: number | undefined,
): number | undefined => {
  if (retentionDays === undefined || !isTerminalWorkflow(workflow.status)) return undefined;
  // endTime is set on every end; updateTime is the fallback for an execution stored before it was.
  const endedAt = workflow.endTime || workflow.updateTime;
  return Math.floor(endedAt / 1000) + retentionDays * SECONDS_PER_DAY;
};

/** Reads a retention in whole days; `source` names where the text came from, for the error. */
export const parseRetentionDays = (text: string, source: string): number => {
  const days = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new Error(
      `${source} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${JSON.stringify(text)}`,
    );
  }
  return days;
};
