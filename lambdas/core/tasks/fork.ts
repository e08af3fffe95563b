import { FORK_TASK_TYPE, TaskStatus } from '../model';
import type { TaskKind } from './task-kind';

/**
 * Starts every branch at once and schedules the JOIN that follows the fork, so the JOIN exists
 * (IN_PROGRESS) from the first decide on, as in Conductor.
 */
export const forkTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const { step, iteration } = plan;
    scope.draft.add(step, iteration, {
      taskType: FORK_TASK_TYPE,
      status: TaskStatus.COMPLETED,
      executed: true,
      inputData: plan.input,
    });
    for (const branch of step.forkTasks ?? []) {
      if (branch.length > 0) scope.follow(scope.index.firstOf(branch, step), iteration);
    }
    scope.follow(scope.index.nextAfter(step.taskReferenceName), iteration);
  },
};
