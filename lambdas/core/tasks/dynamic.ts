import { TaskStatus, TaskType } from '../model';
import { simpleTask } from './simple';
import type { TaskKind } from './task-kind';

/** A SIMPLE task whose name is read from the input named by `dynamicTaskNameParam`. */
export const dynamicTask: TaskKind = {
  runner: 'worker',
  retryable: true,
  schedule(scope, plan) {
    const name = plan.input[plan.step.dynamicTaskNameParam ?? ''];
    if (typeof name !== 'string' || name === '') {
      scope.draft.add(plan.step, plan.iteration, {
        taskType: TaskType.DYNAMIC,
        status: TaskStatus.FAILED,
        inputData: plan.input,
        reasonForIncompletion: `input "${plan.step.dynamicTaskNameParam}" must name the task to run`,
      });
      return;
    }
    // The resolved step is stored on the task, so a retry schedules the same named task again.
    simpleTask.schedule(scope, { ...plan, step: { ...plan.step, name, type: TaskType.SIMPLE } });
  },
};
