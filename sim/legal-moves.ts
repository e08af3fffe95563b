import {
  isTerminalTask,
  isTerminalWorkflow,
  type Task,
  TaskType,
  typeOf,
  WorkflowStatus,
} from '../lambdas/core/model';
import type { OperatorRequest } from './operator-requests';

/**
 * The moves reliability.md's S4 forbids unless an operator asked for them, and which operation
 * permits each. A commit gets these only when it is the commit of such an operation (or of the
 * child retry a parent's retry asked for); any other write gets none.
 */
export interface Permits {
  /** An ended workflow runs again: retry, restart, rerun. */
  reopen: boolean;
  /** RUNNING → PAUSED. */
  pause: boolean;
  /** PAUSED → RUNNING (a rerun sets any workflow running). */
  unpause: boolean;
  /** Tasks start being removed, for the workflow to run again: restart, rerun. */
  clear: boolean;
  /** A task ends SKIPPED. */
  skip: boolean;
  /** An ended SUB_WORKFLOW task waits for its child again: retry with resumeSubworkflowTasks. */
  resumeChildTasks: boolean;
}

export const NO_PERMITS: Permits = {
  reopen: false,
  pause: false,
  unpause: false,
  clear: false,
  skip: false,
  resumeChildTasks: false,
};

export const permitsOf = (request: OperatorRequest | undefined): Permits => {
  switch (request?.kind) {
    case 'pause':
      return { ...NO_PERMITS, pause: true };
    case 'resume':
      return { ...NO_PERMITS, unpause: true };
    case 'retry':
      return { ...NO_PERMITS, reopen: true, resumeChildTasks: request.resumeSubworkflowTasks };
    case 'restart':
      return { ...NO_PERMITS, reopen: true, clear: true };
    case 'rerun':
      return { ...NO_PERMITS, reopen: true, unpause: true, clear: true };
    case 'skip':
      return { ...NO_PERMITS, skip: true };
    default:
      return NO_PERMITS;
  }
};

/**
 * Legal moves of a task's status between two stored versions (reliability.md S4): an ended task
 * keeps its status; SCHEDULED and IN_PROGRESS may move on (IN_PROGRESS back to SCHEDULED is a
 * worker's callbackAfterSeconds).
 */
export const legalTaskMove = (from: string, to: string, task: Task): boolean =>
  from === to ||
  !isTerminalTask(from as Task['status']) ||
  // An optional task that failed is then marked COMPLETED_WITH_ERRORS by the decide that sees it.
  (to === 'COMPLETED_WITH_ERRORS' && task.workflowTask.optional === true);

/** A retry with resumeSubworkflowTasks puts an ended SUB_WORKFLOW task back to waiting for its child. */
export const resumedForChild = (task: Task, permits: Permits): boolean =>
  permits.resumeChildTasks &&
  typeOf(task.workflowTask) === TaskType.SUB_WORKFLOW &&
  task.childRetryRequestedAt !== undefined &&
  !isTerminalTask(task.status);

interface WorkflowState {
  version: number;
  status: string;
  clearing: boolean;
}

/** S4 for the workflow itself: its version only grows, and its status moves only as permitted. */
export const workflowMoveProblems = (
  before: WorkflowState,
  now: WorkflowState,
  permits: Permits,
): string[] => {
  const problems: string[] = [];
  if (now.version < before.version) problems.push(`version went from ${before.version} to ${now.version}`);
  const moved = now.status !== before.status;
  if (moved && isTerminalWorkflow(before.status as never) && !permits.reopen) {
    problems.push(`workflow went from ${before.status} to ${now.status}`);
  }
  if (moved && now.status === WorkflowStatus.PAUSED && !permits.pause) {
    problems.push(`workflow went from ${before.status} to PAUSED with no pause request`);
  }
  // Nothing ends a paused workflow by itself; only a terminate, a resume or a rerun moves it.
  if (moved && before.status === WorkflowStatus.PAUSED && now.status !== 'TERMINATED' && !permits.unpause) {
    problems.push(`workflow went from PAUSED to ${now.status} with no resume`);
  }
  if (now.clearing && !before.clearing && !permits.clear) {
    problems.push('tasks started being removed with no restart or rerun');
  }
  return problems;
};
