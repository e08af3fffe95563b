import { type JsonMap, type Task, TaskStatus, type WorkflowTask } from '../model';
import type { DecideScope } from './task-kind';

/** A branch to start: its first step, and for a dynamic fork the input it was given. */
export interface Branch {
  step: WorkflowTask;
  input?: JsonMap;
}

/** Writes a branch's start may take beyond its first task, kept free so one branch never overflows a commit. */
const BRANCH_RESERVE = 4;

/**
 * Starts a fork's branches, as many as this decide's budget allows. When all fit (the usual case)
 * the FORK completes at once and the JOIN after it is scheduled, as in Conductor. A fork too wide
 * for one atomic commit stays IN_PROGRESS, remembers how many branches it started, and starts the
 * rest in the following decides; the JOIN comes once every branch has started.
 */
export const startBranches = (
  scope: DecideScope,
  fork: Task,
  branches: Branch[],
  joinInput?: JsonMap,
): void => {
  let started = fork.forkProgress ?? 0;
  while (started < branches.length && scope.budgetLeft() > BRANCH_RESERVE) {
    const branch = branches[started]!;
    scope.follow({ kind: 'step', step: branch.step }, fork.iteration, branch.input);
    started++;
  }
  if (started < branches.length) {
    scope.watch(scope.draft.update(fork, { forkProgress: started }));
    scope.continueLater();
    return;
  }
  scope.draft.update(fork, { status: TaskStatus.COMPLETED, executed: true, forkProgress: undefined });
  scope.follow(scope.index.nextAfter(fork.workflowTask.taskReferenceName), fork.iteration, joinInput);
};
