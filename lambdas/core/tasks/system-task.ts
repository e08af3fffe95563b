import { TASK_DEF_DEFAULTS, TaskStatus, typeOf } from '../model';
import type { TaskKind } from './task-kind';

/**
 * HTTP, EVENT and START_WORKFLOW: scheduled here, carried out by the system-task runner, which
 * reports the outcome like a worker would.
 */
export const systemTask: TaskKind = {
  runner: 'system',
  retryable: true,
  schedule(scope, plan) {
    const taskDef = scope.taskDef(plan.step);
    const taskType = typeOf(plan.step);
    const task = scope.draft.add(plan.step, plan.iteration, {
      taskType,
      status: TaskStatus.SCHEDULED,
      inputData: plan.input,
      retryCount: plan.retryCount,
      retriedTaskId: plan.retriedTaskId,
      callbackAfterSeconds: plan.retryCount > 0 ? plan.delaySeconds : 0,
      responseTimeoutSeconds: taskDef?.responseTimeoutSeconds ?? TASK_DEF_DEFAULTS.responseTimeoutSeconds,
    });
    scope.draft.emit({
      type: 'runSystemTask',
      taskId: task.taskId,
      taskType,
      delaySeconds: plan.delaySeconds,
    });
  },
};
