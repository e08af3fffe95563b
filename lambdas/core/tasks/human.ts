import { TaskStatus, typeOf } from '../model';
import type { TaskKind } from './task-kind';

/** Waits, IN_PROGRESS, until someone updates it through the task API. */
export const humanTask: TaskKind = {
  runner: 'worker',
  retryable: true,
  schedule(scope, plan) {
    scope.draft.add(plan.step, plan.iteration, {
      taskType: typeOf(plan.step),
      status: TaskStatus.IN_PROGRESS,
      inputData: plan.input,
      retryCount: plan.retryCount,
      retriedTaskId: plan.retriedTaskId,
    });
  },
};
