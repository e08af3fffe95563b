import { TaskStatus, TaskType } from '../model';
import type { TaskKind } from './task-kind';

/** Applies `queryExpression` (jq) to the task input; output `{ result, resultList }` as in Conductor. */
export const jsonJqTransformTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const query = plan.input.queryExpression;
    const base = { taskType: TaskType.JSON_JQ_TRANSFORM, inputData: plan.input };
    if (typeof query !== 'string') {
      scope.draft.add(plan.step, plan.iteration, {
        ...base,
        status: TaskStatus.FAILED,
        reasonForIncompletion: 'JSON_JQ_TRANSFORM needs inputParameters.queryExpression (a string)',
      });
      return;
    }
    const outcome = scope.ctx.scripts.evaluateJq(query, plan.input);
    scope.draft.add(
      plan.step,
      plan.iteration,
      outcome.ok
        ? {
            ...base,
            status: TaskStatus.COMPLETED,
            outputData: { result: outcome.result, resultList: outcome.resultList },
          }
        : {
            ...base,
            status: TaskStatus.FAILED,
            outputData: { error: outcome.error },
            reasonForIncompletion: outcome.error,
          },
    );
  },
};
