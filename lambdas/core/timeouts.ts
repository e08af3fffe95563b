import {
  TASK_DEF_DEFAULTS,
  type Task,
  type TaskDef,
  TaskStatus,
  TimeoutPolicy,
  type Workflow,
  type WorkflowDef,
} from './model';
import { runnerOf } from './tasks/index';

export type TimeoutCause = 'poll' | 'response' | 'task';

export interface TaskDeadline {
  at: number;
  cause: TimeoutCause;
}

/** When a worker may first pick the task up: after its startDelay, or a retry delay or callback. */
export const pollableAt = (task: Task): number =>
  Math.max(task.scheduledTime + task.startDelayInSeconds * 1000, task.callbackTime ?? 0);

/**
 * The earliest timeout still ahead of a task run outside the decider: pollTimeoutSeconds while
 * SCHEDULED, responseTimeoutSeconds since the last update while IN_PROGRESS, and timeoutSeconds
 * since the first poll, also once a callback has put the task back to SCHEDULED (as Conductor's
 * checkTaskTimeout). ALERT_ONLY poll and task timeouts never end anything, so they are not
 * deadlines; the response timeout applies whatever the policy, as in Conductor.
 */
export const taskDeadline = (task: Task, taskDef: TaskDef | undefined): TaskDeadline | undefined => {
  const candidates: TaskDeadline[] = [];
  const active = task.status === TaskStatus.SCHEDULED || task.status === TaskStatus.IN_PROGRESS;
  const alertOnly = timeoutPolicyOf(taskDef) === TimeoutPolicy.ALERT_ONLY;
  if (task.status === TaskStatus.SCHEDULED && !alertOnly) {
    const pollTimeout = taskDef?.pollTimeoutSeconds ?? TASK_DEF_DEFAULTS.pollTimeoutSeconds;
    if (pollTimeout > 0) candidates.push({ at: pollableAt(task) + pollTimeout * 1000, cause: 'poll' });
  }
  if (task.status === TaskStatus.IN_PROGRESS && task.responseTimeoutSeconds > 0) {
    candidates.push({ at: task.updateTime + task.responseTimeoutSeconds * 1000, cause: 'response' });
  }
  const timeout = taskDef?.timeoutSeconds ?? TASK_DEF_DEFAULTS.timeoutSeconds;
  if (active && timeout > 0 && !alertOnly && task.startTime > 0) {
    candidates.push({ at: task.startTime + timeout * 1000, cause: 'task' });
  }
  return candidates.reduce<TaskDeadline | undefined>(
    (soonest, c) => (!soonest || c.at < soonest.at ? c : soonest),
    undefined,
  );
};

export const timeoutPolicyOf = (taskDef: TaskDef | undefined): TimeoutPolicy =>
  taskDef?.timeoutPolicy ?? TASK_DEF_DEFAULTS.timeoutPolicy;

/** When the whole workflow times out, or undefined when it never does (no timeout, or ALERT_ONLY). */
export const workflowDeadline = (workflow: Workflow, definition: WorkflowDef): number | undefined => {
  const seconds = definition.timeoutSeconds ?? 0;
  if (seconds <= 0 || (definition.timeoutPolicy ?? TimeoutPolicy.ALERT_ONLY) !== TimeoutPolicy.TIME_OUT_WF) {
    return undefined;
  }
  return workflow.startTime + seconds * 1000;
};

export const timeoutReason = (task: Task, cause: TimeoutCause, taskDef: TaskDef | undefined): string => {
  switch (cause) {
    case 'poll':
      return `no worker polled ${task.taskType} within pollTimeoutSeconds (${taskDef?.pollTimeoutSeconds})`;
    case 'response':
      return `no update from the worker within responseTimeoutSeconds (${task.responseTimeoutSeconds})`;
    case 'task':
      return `task did not complete within timeoutSeconds (${taskDef?.timeoutSeconds})`;
  }
};

/**
 * When a task someone is working on is overdue: its response timeout after the last word from its
 * worker (or the system-task runner). Nothing else watches a claimed task, since a poll involves
 * no decide, so the reconcile finds it through this marker and a decide times it out.
 */
export const responseDeadlineOf = (task: Task): number | undefined => {
  const runner = runnerOf(task);
  if (task.status !== TaskStatus.IN_PROGRESS || task.responseTimeoutSeconds <= 0) return undefined;
  return runner === 'worker' || runner === 'system'
    ? task.updateTime + task.responseTimeoutSeconds * 1000
    : undefined;
};

/**
 * How long a system task may wait SCHEDULED before the decider hands it to the runner again. The
 * first hand-off is an effect carried out after the commit; a crash in between would lose it, so
 * the decider wakes up and repeats it (the runner claims a task once, so repeats are harmless).
 */
export const SYSTEM_TASK_REDRIVE_MS = 60_000;

const isWaitingSystemTask = (task: Task): boolean =>
  task.status === TaskStatus.SCHEDULED && runnerOf(task) === 'system';

/** Whether a system task has waited long enough to be handed to the runner again. */
export const isRedriveDue = (task: Task, now: number): boolean =>
  isWaitingSystemTask(task) && now >= pollableAt(task) + SYSTEM_TASK_REDRIVE_MS;

/** The next instant a waiting system task is handed over again; undefined for any other task. */
export const nextRedriveAt = (task: Task, now: number): number | undefined => {
  if (!isWaitingSystemTask(task)) return undefined;
  const first = pollableAt(task) + SYSTEM_TASK_REDRIVE_MS;
  if (now < first) return first;
  return first + SYSTEM_TASK_REDRIVE_MS * (Math.floor((now - first) / SYSTEM_TASK_REDRIVE_MS) + 1);
};

/** First look at a SUB_WORKFLOW's child a minute after the start, then at doubling intervals up to an hour. */
const CHILD_CHECK_FIRST_MS = 60_000;
const CHILD_CHECK_MAX_INTERVAL_MS = 3_600_000;

const isWaitingForChild = (task: Task): boolean =>
  task.status === TaskStatus.IN_PROGRESS && runnerOf(task) === 'child';

/** Whether the child of a waiting SUB_WORKFLOW task is due a look (see the checkChildWorkflow effect). */
export const isChildCheckDue = (task: Task, now: number): boolean =>
  isWaitingForChild(task) && now >= task.startTime + CHILD_CHECK_FIRST_MS;

/** The next instant after `now` at which a waiting SUB_WORKFLOW task's child is looked at. */
export const nextChildCheckAt = (task: Task, now: number): number | undefined => {
  if (!isWaitingForChild(task)) return undefined;
  let at = task.startTime + CHILD_CHECK_FIRST_MS;
  let interval = CHILD_CHECK_FIRST_MS;
  while (at <= now) {
    interval = Math.min(interval * 2, CHILD_CHECK_MAX_INTERVAL_MS);
    at += interval;
  }
  return at;
};
