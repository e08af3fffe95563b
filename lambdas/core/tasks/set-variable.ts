import { TaskStatus, TaskType } from '../model';
import { oversizedPayload } from '../payload-limits';
import type { TaskKind } from './task-kind';

/** Its input keys become workflow variables, visible to later steps as `${workflow.variables.x}`. */
export const setVariableTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const { draft } = scope;
    const variables = { ...draft.workflow.variables, ...plan.input };
    const oversized = oversizedPayload('the set of workflow variables', variables);
    if (!oversized) draft.patchWorkflow({ variables });
    draft.add(plan.step, plan.iteration, {
      taskType: TaskType.SET_VARIABLE,
      status: oversized ? TaskStatus.FAILED_WITH_TERMINAL_ERROR : TaskStatus.COMPLETED,
      inputData: plan.input,
      reasonForIncompletion: oversized,
    });
  },
};
