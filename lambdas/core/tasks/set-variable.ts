import { TaskStatus, TaskType } from '../model';
import type { TaskKind } from './task-kind';

/** Its input keys become workflow variables, visible to later steps as `${workflow.variables.x}`. */
export const setVariableTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const { draft } = scope;
    draft.patchWorkflow({ variables: { ...draft.workflow.variables, ...plan.input } });
    draft.add(plan.step, plan.iteration, {
      taskType: TaskType.SET_VARIABLE,
      status: TaskStatus.COMPLETED,
      inputData: plan.input,
    });
  },
};
