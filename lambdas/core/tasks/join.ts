import { iterationRef } from '../ids';
import { isSuccessfulTask, isTerminalTask, type JsonMap, TaskStatus, TaskType } from '../model';
import type { TaskKind } from './task-kind';

const joinOnOf = (input: JsonMap): string[] =>
  Array.isArray(input.joinOn) ? input.joinOn.filter((ref): ref is string => typeof ref === 'string') : [];

/**
 * Waits until every task it joins on has ended and been acted on; its output maps each joined
 * reference to that task's output. The references are fixed when the JOIN is scheduled (with the
 * loop iteration applied, or the dynamic fork's choices), and kept in `inputData.joinOn`.
 */
export const joinTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const joinOn = Array.isArray(plan.input.joinOn)
      ? joinOnOf(plan.input)
      : (plan.step.joinOn ?? []).map((ref) => iterationRef(ref, plan.iteration));
    const task = scope.draft.add(plan.step, plan.iteration, {
      taskType: TaskType.JOIN,
      status: TaskStatus.IN_PROGRESS,
      inputData: { ...plan.input, joinOn },
    });
    scope.watch(task);
  },
  reevaluate(scope, task) {
    const output: JsonMap = {};
    const failed: string[] = [];
    for (const ref of joinOnOf(task.inputData)) {
      const joined = scope.draft.latest(ref);
      if (!joined || !isTerminalTask(joined.status) || !joined.executed) return;
      if (!isSuccessfulTask(joined.status)) failed.push(ref);
      output[ref] = joined.outputData;
    }
    scope.draft.update(
      task.taskId,
      failed.length === 0
        ? { status: TaskStatus.COMPLETED, outputData: output }
        : {
            status: TaskStatus.FAILED,
            outputData: output,
            reasonForIncompletion: `joined tasks did not complete: ${failed.join(', ')}`,
          },
    );
  },
};
