import { iterationRef } from '../ids';
import { type JsonMap, type Task, TaskStatus, TaskType, type WorkflowTask } from '../model';
import type { DecideScope, TaskKind } from './task-kind';

const iterationOf = (loop: Task): number => {
  const value = loop.outputData.iteration;
  return typeof value === 'number' ? value : 1;
};

/**
 * Runs `loopOver` once, then again while `loopCondition` holds. Each iteration's tasks carry the
 * `__N` suffix and `iteration: N`; the loop's output keeps each iteration's outputs under "N".
 */
export const doWhileTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    scope.draft.add(plan.step, plan.iteration, {
      taskType: TaskType.DO_WHILE,
      status: TaskStatus.IN_PROGRESS,
      inputData: plan.input,
      outputData: { iteration: 1 },
    });
    scope.follow(scope.index.firstOf(plan.step.loopOver, plan.step), 1);
  },
};

/** Called when an iteration's last step has ended: loop again, or complete the DO_WHILE. */
export const endIteration = (scope: DecideScope, step: WorkflowTask): void => {
  const loop = scope.draft.latest(step.taskReferenceName);
  if (!loop || loop.status !== TaskStatus.IN_PROGRESS) return;
  const iteration = iterationOf(loop);
  const iterationOutput: JsonMap = {};
  for (const ref of scope.index.descendants(step.taskReferenceName)) {
    const task = scope.draft.latest(iterationRef(ref, iteration));
    if (task) iterationOutput[ref] = task.outputData;
  }
  const outputData: JsonMap = { ...loop.outputData, [String(iteration)]: iterationOutput, iteration };
  // As in Conductor, old iterations go as soon as an iteration ends, before the condition is
  // evaluated, so the last iteration trims the history too.
  const keepLastN = keepLastNOf(step, loop);
  if (keepLastN && iteration > keepLastN) forgetIteration(scope, step, iteration - keepLastN, outputData);
  // Conductor's condition sees the loop's input, each body task's output by its plain reference,
  // and the loop's own output (with `iteration`) under the loop's reference.
  const conditionInput: JsonMap = {
    ...loop.inputData,
    ...iterationOutput,
    [step.taskReferenceName]: outputData,
  };
  const outcome = scope.ctx.scripts.evaluateJavaScript(step.loopCondition ?? 'false', conditionInput);
  if (!outcome.ok) {
    scope.draft.update(loop, {
      status: TaskStatus.FAILED,
      outputData,
      reasonForIncompletion: `loopCondition of ${step.taskReferenceName} failed: ${outcome.error}`,
    });
    return;
  }
  if (!outcome.value) {
    scope.draft.update(loop, { status: TaskStatus.COMPLETED, outputData });
    return;
  }
  const next = iteration + 1;
  scope.draft.update(loop, { outputData: { ...outputData, iteration: next } });
  scope.follow(scope.index.firstOf(step.loopOver, step), next);
};

/** Conductor reads keepLastN from the loop's inputParameters; a top-level field is accepted too. */
const keepLastNOf = (step: WorkflowTask, loop: Task): number | undefined => {
  const value = loop.inputData.keepLastN ?? step.keepLastN;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
};

/** keepLastN: the tasks (every attempt) and the recorded output of an old iteration go. */
const forgetIteration = (
  scope: DecideScope,
  step: WorkflowTask,
  iteration: number,
  outputData: JsonMap,
): void => {
  const refs = new Set(
    scope.index.descendants(step.taskReferenceName).map((ref) => iterationRef(ref, iteration)),
  );
  const ids = scope.draft
    .all()
    .filter((task) => task.iteration === iteration && refs.has(task.referenceTaskName))
    .map((task) => task.taskId);
  scope.draft.remove(ids);
  delete outputData[String(iteration)];
};
