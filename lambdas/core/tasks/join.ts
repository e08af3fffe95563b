import { iterationRef } from '../ids';
import { isSuccessfulTask, isTerminalTask, type JsonMap, type Task, TaskStatus, TaskType } from '../model';
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
    const joinOn = joinOnOf(task.inputData);
    // A dynamic fork creates its tasks right before the JOIN, in joinOn order: reading them by
    // position saves indexing every task of a wide fork. A retried one is looked up by reference.
    const created = scope.draft.preceding(task, joinOn.length);
    const joinedAt = (position: number): Task | undefined => {
      const candidate = created(position);
      const ref = joinOn[position]!;
      return candidate?.referenceTaskName === ref && !candidate.retried ? candidate : scope.draft.latest(ref);
    };
    const failed: string[] = [];
    for (let position = 0; position < joinOn.length; position++) {
      const joined = joinedAt(position);
      if (!joined || !isTerminalTask(joined.status) || !joined.executed) return;
      if (!isSuccessfulTask(joined.status)) failed.push(joined.referenceTaskName);
    }
    const output: JsonMap = {};
    for (let position = 0; position < joinOn.length; position++) {
      output[joinOn[position]!] = joinedAt(position)!.outputData;
    }
    scope.draft.update(
      task,
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
