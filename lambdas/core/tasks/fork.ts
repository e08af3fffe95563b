import { FORK_TASK_TYPE, type Task, TaskStatus } from '../model';
import { type Branch, startBranches } from './fork-branches';
import type { TaskKind } from './task-kind';

const branchesOf = (fork: Task): Branch[] =>
  (fork.workflowTask.forkTasks ?? [])
    .filter((branch) => branch.length > 0)
    .map((branch) => ({ step: branch[0]! }));

/**
 * Starts every branch and schedules the JOIN that follows the fork, so the JOIN exists
 * (IN_PROGRESS) from the first decide on, as in Conductor. A fork too wide for one commit starts
 * its branches over several decides (fork-branches.ts).
 */
export const forkTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const fork = scope.draft.add(plan.step, plan.iteration, {
      taskType: FORK_TASK_TYPE,
      status: TaskStatus.IN_PROGRESS,
      inputData: plan.input,
    });
    startBranches(scope, fork, branchesOf(fork));
  },
  reevaluate(scope, fork) {
    startBranches(scope, fork, branchesOf(fork));
  },
};
