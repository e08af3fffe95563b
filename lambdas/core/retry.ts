import { RetryLogic, TASK_DEF_DEFAULTS, type TaskDef, TaskType, typeOf, type WorkflowTask } from './model';

const MAX_RETRY_DELAY_SECONDS = 365 * 24 * 3600;

/** Looks up a registered task definition by name. */
export type TaskDefLookup = (name: string) => TaskDef | undefined;

/** The definition a step runs with: its inline one, else the registered one. */
export const taskDefFor = (step: WorkflowTask, taskDefs: TaskDefLookup): TaskDef | undefined =>
  step.taskDefinition ?? taskDefs(step.name);

/**
 * How many times a failed attempt may be retried. A SIMPLE task without a definition gets
 * Conductor's default of 3; system tasks are retried only when someone asked for it.
 */
export const maxRetries = (step: WorkflowTask, taskDef: TaskDef | undefined): number => {
  if (typeof step.retryCount === 'number') return step.retryCount;
  if (taskDef && typeof taskDef.retryCount === 'number') return taskDef.retryCount;
  return typeOf(step) === TaskType.SIMPLE ? TASK_DEF_DEFAULTS.retryCount : 0;
};

/** Seconds to wait before retry number `retryCount + 1`, after `retryCount` earlier retries. */
export const retryDelaySeconds = (taskDef: TaskDef | undefined, retryCount: number): number => {
  const base = taskDef?.retryDelaySeconds ?? TASK_DEF_DEFAULTS.retryDelaySeconds;
  const logic = taskDef?.retryLogic ?? TASK_DEF_DEFAULTS.retryLogic;
  let delay = base;
  // 2 ** retryCount becomes Infinity past 1023 retries, and 0 × Infinity is NaN.
  if (logic === RetryLogic.EXPONENTIAL_BACKOFF) delay = base > 0 ? base * 2 ** retryCount : 0;
  if (logic === RetryLogic.LINEAR_BACKOFF) {
    delay = base * (taskDef?.backoffScaleFactor ?? TASK_DEF_DEFAULTS.backoffScaleFactor) * (retryCount + 1);
  }
  const cap = taskDef?.maxRetryDelaySeconds;
  if (typeof cap === 'number' && cap > 0) delay = Math.min(delay, cap);
  // Unbounded exponential growth would overflow; no retry waits longer than a year (Scheduler's horizon is finite).
  return Math.max(0, Math.floor(Math.min(delay, MAX_RETRY_DELAY_SECONDS)));
};
