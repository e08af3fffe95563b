import { TaskStatus, typeOf } from '../model';
import type { TaskKind } from './task-kind';

export const noopTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    scope.draft.add(plan.step, plan.iteration, {
      taskType: typeOf(plan.step),
      status: TaskStatus.COMPLETED,
      inputData: plan.input,
    });
  },
};
