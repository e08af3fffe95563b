import { iterationRef } from '../ids';
import {
  FORK_TASK_TYPE,
  type JsonMap,
  type Task,
  TaskStatus,
  TaskType,
  typeOf,
  type WorkflowTask,
} from '../model';
import { type Branch, startBranches } from './fork-branches';
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

/** The branches a dynamic fork recorded when it was scheduled (its input holds the list and the inputs). */
const branchesOf = (fork: Task, steps: WorkflowTask[]): Branch[] => {
  const inputs = fork.inputData[fork.workflowTask.dynamicForkTasksInputParamName ?? ''];
  return steps.map((step) => {
    const input = isObject(inputs) ? inputs[step.taskReferenceName] : undefined;
    return { step, input: isObject(input) ? input : undefined };
  });
};

const listedSteps = (fork: Task): WorkflowTask[] => {
  const param =
    fork.workflowTask.dynamicForkTasksParam ?? (fork.workflowTask.dynamicForkJoinTasksParam as string);
  return fork.inputData[param ?? ''] as WorkflowTask[];
};

const joinInputOf = (fork: Task, steps: WorkflowTask[]): JsonMap => ({
  joinOn: steps.map((step) => iterationRef(step.taskReferenceName, fork.iteration)),
});

/**
 * Forks the tasks a previous step listed (Conductor's `dynamicTasks` / `dynamicTasksInput`); the
 * JOIN after it joins on exactly those. A fork too wide for one commit starts its branches over
 * several decides (fork-branches.ts).
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
    const fork = scope.draft.add(step, iteration, {
      taskType: FORK_TASK_TYPE,
      status: TaskStatus.IN_PROGRESS,
      inputData: plan.input,
    });
    startBranches(scope, fork, branchesOf(fork, steps), joinInputOf(fork, steps));
  },
  reevaluate(scope, fork) {
    const steps = listedSteps(fork);
    startBranches(scope, fork, branchesOf(fork, steps), joinInputOf(fork, steps));
  },
};
