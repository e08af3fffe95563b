import { iterationRef } from '../ids';
import { isSuccessfulTask, isTerminalTask, type JsonMap, TaskStatus, TaskType } from '../model';
import type { DecideScope, TaskKind } from './task-kind';

const refsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((ref): ref is string => typeof ref === 'string') : [];

/**
 * Follows a SWITCH: completes with the output of the one joined task that ran (the first of
 * `joinOn`, else of `defaultExclusiveJoinTask`). When none ran, nothing can come any more, so it
 * completes empty rather than wait forever.
 */
export const exclusiveJoinTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const suffix = (refs: string[] | undefined) =>
      (refs ?? []).map((ref) => iterationRef(ref, plan.iteration));
    const task = scope.draft.add(plan.step, plan.iteration, {
      taskType: TaskType.EXCLUSIVE_JOIN,
      status: TaskStatus.IN_PROGRESS,
      inputData: {
        ...plan.input,
        joinOn: suffix(plan.step.joinOn),
        defaultExclusiveJoinTask: suffix(plan.step.defaultExclusiveJoinTask),
      },
    });
    scope.watch(task);
  },
  reevaluate(scope, task) {
    const ran =
      firstPresent(scope, refsOf(task.inputData.joinOn)) ??
      firstPresent(scope, refsOf(task.inputData.defaultExclusiveJoinTask));
    if (ran && (!isTerminalTask(ran.status) || !ran.executed)) return;
    if (ran && !isSuccessfulTask(ran.status)) {
      scope.draft.update(task, {
        status: TaskStatus.FAILED,
        reasonForIncompletion: `joined task ${ran.referenceTaskName} ended ${ran.status}`,
      });
      return;
    }
    const outputData: JsonMap = ran ? { ...ran.outputData } : {};
    scope.draft.update(task, { status: TaskStatus.COMPLETED, outputData });
  },
};

const firstPresent = (scope: DecideScope, refs: string[]) => {
  for (const ref of refs) {
    const task = scope.draft.latest(ref);
    if (task) return task;
  }
  return undefined;
};
