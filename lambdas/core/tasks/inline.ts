import { TaskStatus, TaskType } from '../model';
import type { TaskKind } from './task-kind';

/** Runs `expression` over the task input in the sandbox; the value becomes `output.result`. */
export const inlineTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const { expression, evaluatorType } = plan.input;
    const base = { taskType: TaskType.INLINE, inputData: plan.input };
    if (typeof expression !== 'string') {
      scope.draft.add(plan.step, plan.iteration, {
        ...base,
        status: TaskStatus.FAILED,
        reasonForIncompletion: 'INLINE needs inputParameters.expression (a string)',
      });
      return;
    }
    if (evaluatorType === 'value-param') {
      const result = plan.input[expression] ?? null;
      scope.draft.add(plan.step, plan.iteration, {
        ...base,
        status: TaskStatus.COMPLETED,
        outputData: { result },
      });
      return;
    }
    const outcome = scope.ctx.scripts.evaluateJavaScript(expression, plan.input);
    scope.draft.add(
      plan.step,
      plan.iteration,
      outcome.ok
        ? { ...base, status: TaskStatus.COMPLETED, outputData: { result: outcome.value } }
        : {
            ...base,
            status: TaskStatus.FAILED,
            outputData: { error: outcome.error },
            reasonForIncompletion: outcome.error,
          },
    );
  },
};
