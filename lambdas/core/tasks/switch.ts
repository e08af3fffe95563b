import { type JsonMap, TaskStatus, TaskType, typeOf, type WorkflowTask } from '../model';
import type { ScriptRuntime } from '../scripting/script-runtime';
import type { TaskKind } from './task-kind';

type CaseValue = { ok: true; value: unknown } | { ok: false; error: string };

const isScript = (evaluatorType: unknown): boolean =>
  evaluatorType === 'javascript' || evaluatorType === 'graaljs';

/** The value that picks a case: SWITCH's expression, or legacy DECISION's caseValueParam/caseExpression. */
const caseValueOf = (step: WorkflowTask, input: JsonMap, scripts: ScriptRuntime): CaseValue => {
  if (typeOf(step) === TaskType.DECISION) {
    if (step.caseValueParam) return { ok: true, value: input[step.caseValueParam] };
    return scripts.evaluateJavaScript(step.caseExpression ?? 'null', input);
  }
  if (isScript(step.evaluatorType)) return scripts.evaluateJavaScript(step.expression ?? 'null', input);
  return { ok: true, value: input[step.expression ?? ''] };
};

/** Picks one case (or the default), completes at once, and carries on inside the chosen case. */
export const switchTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const { step, iteration, input } = plan;
    const taskType = typeOf(step);
    const outcome = caseValueOf(step, input, scope.ctx.scripts);
    if (!outcome.ok) {
      scope.draft.add(step, iteration, {
        taskType,
        status: TaskStatus.FAILED,
        inputData: input,
        reasonForIncompletion: `${taskType} ${step.taskReferenceName} could not evaluate its case: ${outcome.error}`,
      });
      return;
    }
    const caseKey = String(outcome.value ?? null);
    const cases = step.decisionCases ?? {};
    const chosen = Object.hasOwn(cases, caseKey) ? cases[caseKey] : step.defaultCase;
    scope.draft.add(step, iteration, {
      taskType,
      status: TaskStatus.COMPLETED,
      executed: true,
      inputData: { ...input, case: caseKey },
      outputData: {
        evaluationResult: [caseKey],
        selectedCase: Object.hasOwn(cases, caseKey) ? caseKey : 'default',
      },
    });
    scope.follow(scope.index.firstOf(chosen, step), iteration);
  },
};
