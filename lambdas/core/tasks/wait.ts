import { TaskStatus, TaskType } from '../model';
import { parseWaitDuration, parseWaitUntil } from '../wait-time';
import type { TaskKind } from './task-kind';

/**
 * Waits for a `duration` or until an instant (`until`), or, with neither, for an external update.
 * The instant is fixed when the task is scheduled and reported as a wake-up, so no one polls for it.
 */
export const waitTask: TaskKind = {
  runner: 'worker',
  retryable: false,
  schedule(scope, plan) {
    const { duration, until } = plan.input;
    const now = scope.ctx.now;
    const waitFor = duration !== undefined && duration !== null ? parseWaitDuration(duration) : undefined;
    const waitUntil = until !== undefined && until !== null ? parseWaitUntil(until) : undefined;
    const problem =
      (typeof waitFor === 'string' && waitFor) || (typeof waitUntil === 'string' && waitUntil) || undefined;
    const base = { taskType: TaskType.WAIT, inputData: plan.input };
    if (problem) {
      scope.draft.add(plan.step, plan.iteration, {
        ...base,
        status: TaskStatus.FAILED,
        reasonForIncompletion: problem,
      });
      return;
    }
    const waitTimeout =
      typeof waitFor === 'number'
        ? now + waitFor * 1000
        : typeof waitUntil === 'number'
          ? waitUntil
          : undefined;
    const task = scope.draft.add(plan.step, plan.iteration, {
      ...base,
      status: TaskStatus.IN_PROGRESS,
      waitTimeout,
    });
    if (waitTimeout !== undefined) scope.watch(task);
  },
  reevaluate(scope, task) {
    if (task.waitTimeout !== undefined && scope.ctx.now >= task.waitTimeout) {
      scope.draft.update(task, { status: TaskStatus.COMPLETED });
    }
  },
  wakeAt: (task) => task.waitTimeout,
};
