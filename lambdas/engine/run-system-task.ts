import { type Task, type TaskResult, TaskStatus, TaskType } from '../core/index';
import { pollableAt } from '../core/timeouts';
import type { EventSink, HttpClient } from '../ports';
import { NotFoundError } from '../shared/errors';
import type { EngineDeps } from './deps';
import { runEventTask } from './event-task';
import { httpBudgetMs, runHttpTask } from './http-task';
import { runStartWorkflowTask } from './start-workflow-task';
import { updateTask } from './update-task';

/** Marks the tasks this runner has claimed, as a worker's id marks a polled task. */
export const SYSTEM_TASK_RUNNER = 'baton-system-task-runner';

/**
 * A claim lasts as long as the work may take (an HTTP call's timeouts) plus this margin. Past that,
 * the runner that claimed it is taken to have died (crash, Lambda timeout) and a later delivery
 * carries the task out again: at least once, never stuck.
 */
const CLAIM_MARGIN_MS = 60_000;
const MAX_CLAIM_ATTEMPTS = 3;

export type SystemTaskDeps = EngineDeps & {
  http: HttpClient;
  events: EventSink;
};

export interface SystemTaskWork {
  workflowId: string;
  taskId: string;
  taskType: string;
}

export type SystemTaskOutcome =
  /** Carried out; the outcome went through updateTask (which ignores it if the task ended meanwhile). */
  | { kind: 'ran'; status: string }
  /** Nothing to do: ended, canceled, removed, or carried out by an earlier delivery. */
  | { kind: 'skipped'; reason: string }
  /** Not now (not due yet, or another delivery holds the claim): hand the work back with this delay. */
  | { kind: 'later'; delaySeconds: number; reason: string };

type Outcome = Pick<TaskResult, 'status' | 'outputData' | 'reasonForIncompletion'>;

/**
 * Carries out one HTTP, EVENT or START_WORKFLOW task. The task is first claimed (SCHEDULED →
 * IN_PROGRESS, conditioned on its revision), so a duplicate delivery, even a concurrent one, does
 * not run it twice; the outcome is then recorded with updateTask, the same durable path as a
 * worker's result, which then decides at once (or asks the queue to).
 */
export const runSystemTask = async (
  deps: SystemTaskDeps,
  work: SystemTaskWork,
): Promise<SystemTaskOutcome> => {
  const claimed = await claim(deps, work);
  if (claimed.kind !== 'claimed') return claimed;
  const outcome = await carryOut(deps, claimed.task);
  try {
    await updateTask(
      deps,
      {
        workflowInstanceId: work.workflowId,
        taskId: work.taskId,
        workerId: SYSTEM_TASK_RUNNER,
        ...outcome,
      },
      'now',
    );
  } catch (error) {
    // The workflow was removed while the task ran: there is nobody left to tell.
    if (error instanceof NotFoundError) return { kind: 'skipped', reason: error.message };
    throw error;
  }
  return { kind: 'ran', status: outcome.status };
};

const claim = async (
  deps: SystemTaskDeps,
  { workflowId, taskId }: SystemTaskWork,
): Promise<SystemTaskOutcome | { kind: 'claimed'; task: Task }> => {
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    const stored = await deps.store.getTask(workflowId, taskId);
    if (!stored) return { kind: 'skipped', reason: `task ${taskId} not found` };
    const { task, revision } = stored;
    const now = deps.clock.now();
    if (task.status === TaskStatus.IN_PROGRESS && task.workerId === SYSTEM_TASK_RUNNER) {
      const expiresAt = task.updateTime + claimMs(task);
      if (expiresAt > now) return later(expiresAt - now, 'another delivery is carrying it out');
    } else if (task.status !== TaskStatus.SCHEDULED) {
      return { kind: 'skipped', reason: `task ${taskId} is ${task.status}` };
    } else if (pollableAt(task) > now) {
      // SQS delays cap at 15 minutes, so a longer retry delay arrives early and waits again.
      return later(pollableAt(task) - now, 'not due yet');
    }
    const running: Task = {
      ...task,
      status: TaskStatus.IN_PROGRESS,
      workerId: SYSTEM_TASK_RUNNER,
      pollCount: task.pollCount + 1,
      startTime: task.startTime || now,
      updateTime: now,
    };
    if ((await deps.store.putTask(workflowId, running, revision)) === 'written') {
      return { kind: 'claimed', task: running };
    }
  }
  throw new Error(`task ${taskId} kept changing under ${MAX_CLAIM_ATTEMPTS} attempts to claim it`);
};

const claimMs = (task: Task): number =>
  CLAIM_MARGIN_MS + (task.taskType === TaskType.HTTP ? httpBudgetMs(task.inputData) : 0);

const later = (ms: number, reason: string): SystemTaskOutcome => ({
  kind: 'later',
  delaySeconds: Math.max(1, Math.ceil(ms / 1000)),
  reason,
});

const carryOut = (deps: SystemTaskDeps, task: Task): Promise<Outcome> => {
  switch (task.taskType) {
    case TaskType.HTTP:
      return runHttpTask(deps.http, task.inputData);
    case TaskType.EVENT:
      return runEventTask(deps.events, task);
    case TaskType.START_WORKFLOW:
      return runStartWorkflowTask(deps, task);
    default:
      return Promise.resolve({
        status: TaskStatus.FAILED_WITH_TERMINAL_ERROR,
        reasonForIncompletion: `the system-task runner does not run ${task.taskType} tasks`,
      });
  }
};
