import { TASK_DEF_DEFAULTS, TaskStatus } from '../model';
import type { TaskKind } from './task-kind';

/** A task an external worker polls for by its name, as Conductor's SIMPLE. */
export const simpleTask: TaskKind = {
  runner: 'worker',
  retryable: true,
  schedule(scope, plan) {
    const taskDef = scope.taskDef(plan.step);
    const task = scope.draft.add(plan.step, plan.iteration, {
      // Conductor names a SIMPLE task's type after the task itself; workers poll by that name.
      taskType: plan.step.name,
      status: TaskStatus.SCHEDULED,
      inputData: { ...(taskDef?.inputTemplate ?? {}), ...plan.input },
      retryCount: plan.retryCount,
      retriedTaskId: plan.retriedTaskId,
      callbackAfterSeconds: plan.retryCount > 0 ? plan.delaySeconds : 0,
      responseTimeoutSeconds: taskDef?.responseTimeoutSeconds ?? TASK_DEF_DEFAULTS.responseTimeoutSeconds,
    });
    scope.draft.emit({
      type: 'scheduleWorkerTask',
      taskId: task.taskId,
      taskType: task.taskType,
      delaySeconds: plan.delaySeconds,
    });
  },
};
