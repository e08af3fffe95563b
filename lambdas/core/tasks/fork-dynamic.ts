import { iterationRef } from '../ids';
import { FORK_TASK_TYPE, type JsonMap, TaskStatus, TaskType, typeOf, type WorkflowTask } from '../model';
import type { DecideScope, TaskKind, TaskPlan } from './task-kind';

/** Container types cannot be forked dynamically: the definition index would not know their insides. */
const NOT_FORKABLE = new Set<string>([
  TaskType.FORK_JOIN,
  TaskType.FORK_JOIN_DYNAMIC,
  TaskType.JOIN,
  TaskType.EXCLUSIVE_JOIN,
  TaskType.SWITCH,
  TaskType.DECISION,
  TaskType.DO_WHILE,
]);

const isObject = (value: unknown): value is JsonMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the forked steps from the input and says what is wrong with them, if anything. */
const forkedSteps = (scope: DecideScope, plan: TaskPlan): WorkflowTask[] | string => {
  const param =
    plan.step.dynamicForkTasksParam ?? (plan.step.dynamicForkJoinTasksParam as string | undefined);
  const listed = plan.input[param ?? ''];
  if (!Array.isArray(listed)) return `input "${param}" must be a list of tasks to fork`;
  const seen = new Set<string>();
  for (const [position, candidate] of listed.entries()) {
    if (
      !isObject(candidate) ||
      typeof candidate.name !== 'string' ||
      typeof candidate.taskReferenceName !== 'string'
    ) {
      return `forked task ${position} needs a name and a taskReferenceName`;
    }
    const ref = candidate.taskReferenceName;
    if (seen.has(ref) || scope.index.place(ref) || scope.draft.latest(iterationRef(ref, plan.iteration))) {
      return `forked task reference "${ref}" is already used in this workflow`;
    }
    if (NOT_FORKABLE.has(typeOf(candidate as WorkflowTask))) {
      return `forked task "${ref}" has type ${candidate.type}, which cannot be forked dynamically`;
    }
    seen.add(ref);
  }
  return listed as WorkflowTask[];
};

/**
 * Forks the tasks a previous step listed (Conductor's `dynamicTasks` / `dynamicTasksInput`); the
 * JOIN after it joins on exactly those.
 */
export const forkDynamicTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const { step, iteration } = plan;
    const steps = forkedSteps(scope, plan);
    if (typeof steps === 'string') {
      scope.draft.add(step, iteration, {
        taskType: FORK_TASK_TYPE,
        status: TaskStatus.FAILED,
        inputData: plan.input,
        reasonForIncompletion: `${step.taskReferenceName}: ${steps}`,
      });
      return;
    }
    const inputs = plan.input[step.dynamicForkTasksInputParamName ?? ''];
    const refs = steps.map((forked) => forked.taskReferenceName);
    scope.draft.add(step, iteration, {
      taskType: FORK_TASK_TYPE,
      status: TaskStatus.COMPLETED,
      executed: true,
      inputData: { forkedTasks: refs },
    });
    for (const forked of steps) {
      const input = isObject(inputs) ? inputs[forked.taskReferenceName] : undefined;
      scope.follow({ kind: 'step', step: forked }, iteration, isObject(input) ? input : undefined);
    }
    scope.follow(scope.index.nextAfter(step.taskReferenceName), iteration, {
      joinOn: refs.map((ref) => iterationRef(ref, iteration)),
    });
  },
};
