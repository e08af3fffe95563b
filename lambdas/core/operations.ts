import { type OperationResult, type OperationScope, operate, type Refusal } from './decide';
import { stopWork } from './finish';
import { baseRefOf, iterationRef } from './ids';
import {
  type Clearing,
  type Execution,
  FORK_TASK_TYPE,
  isTerminalTask,
  isTerminalWorkflow,
  type JsonMap,
  type Task,
  TaskStatus,
  TaskType,
  typeOf,
  type WorkflowDef,
  WorkflowStatus,
  type WorkflowTask,
} from './model';
import { childStartRequest } from './tasks/sub-workflow';
import type { DecideContext, DecideScope } from './tasks/task-kind';

/**
 * An operator's operations on one execution, each a pure function that returns the decide to
 * commit or why it is refused (Conductor answers those with 409). Each runs inside a decide
 * (`operate`), so the engine commits it like any decide: conditioned on the version read, retried
 * on a lost race, never half-applied. The decider calls back into continueClearing below for the
 * decides after a restart or rerun, so this module and decide.ts import each other on purpose; only
 * functions cross, and only when called.
 */

export type { OperationResult, Refusal } from './decide';

/** Conductor's SkipTaskRequest. */
export interface SkipTaskRequest {
  taskInput?: JsonMap;
  taskOutput?: JsonMap;
}

/** Conductor's RerunWorkflowRequest, less the workflow id the path gives. */
export interface RerunRequest {
  /** The task to run again; absent: the whole workflow, from its first task. */
  reRunFromTaskId?: string;
  taskInput?: JsonMap;
  workflowInput?: JsonMap;
  /** Replaces the workflow's correlationId. */
  correlationId?: string;
}

const refuse = (reason: string, field?: string): Refusal => ({ reason, field });

/** RUNNING → PAUSED: nothing new is scheduled and nothing times out until a resume. */
export const pause = (execution: Execution, ctx: DecideContext): OperationResult =>
  operate(execution, ctx, (scope) => {
    const { workflowId, status } = scope.draft.workflow;
    // As Conductor: pausing a paused workflow changes nothing and is no error.
    if (status === WorkflowStatus.PAUSED) return undefined;
    if (status !== WorkflowStatus.RUNNING) {
      return refuse(`Workflow ${workflowId} has ended (${status}); only a RUNNING workflow can be paused`);
    }
    scope.draft.patchWorkflow({ status: WorkflowStatus.PAUSED });
    // Results no decide has acted on yet wait for the resume like the ones still to come.
    scope.hold();
    return undefined;
  });

/** PAUSED → RUNNING: what ended meanwhile is acted on at once, then the workflow carries on. */
export const resume = (execution: Execution, ctx: DecideContext): OperationResult =>
  operate(execution, ctx, (scope) => {
    const { workflowId, status } = scope.draft.workflow;
    if (status !== WorkflowStatus.PAUSED) {
      return refuse(`Workflow ${workflowId} is ${status}, not PAUSED, so it cannot be resumed`);
    }
    // As Conductor: the time spent paused does not count toward the workflow's timeout.
    scope.draft.patchWorkflow({ status: WorkflowStatus.RUNNING, lastRetriedTime: ctx.now });
    scope.proceed();
    return undefined;
  });

/**
 * The newest attempt of `ref`, scheduled or in progress, ends SKIPPED with `taskOutput` as its
 * output, and the workflow carries on as if it had completed.
 */
export const skipTask = (
  execution: Execution,
  ref: string,
  request: SkipTaskRequest,
  ctx: DecideContext,
): OperationResult =>
  operate(execution, ctx, (scope) => {
    const { workflowId, status, clearing } = scope.draft.workflow;
    if (status !== WorkflowStatus.RUNNING) {
      return refuse(`Workflow ${workflowId} is ${status}; a task can be skipped only while it is RUNNING`);
    }
    if (clearing) return refuse(stillClearing(workflowId));
    const task = scope.draft.latest(ref);
    if (!task) return refuse(`Workflow ${workflowId} has no task ${ref} scheduled or in progress`);
    if (isTerminalTask(task.status)) {
      return refuse(
        `Task ${ref} of workflow ${workflowId} is already ${task.status}; only a SCHEDULED or IN_PROGRESS task can be skipped`,
      );
    }
    // A fork still starting its branches would leave its JOIN waiting for branches that never start.
    if (task.taskType === FORK_TASK_TYPE) {
      return refuse(
        `Task ${ref} of workflow ${workflowId} is a fork still starting its branches; skip its JOIN instead`,
      );
    }
    scope.draft.update(task, {
      status: TaskStatus.SKIPPED,
      inputData: { ...task.inputData, ...(request.taskInput ?? {}) },
      outputData: request.taskOutput ?? {},
    });
    stopWork(scope, task, `task ${task.referenceTaskName} of workflow ${workflowId} was skipped`);
    scope.proceed();
    return undefined;
  });

const RETRIABLE_WORKFLOW = new Set<string>([
  WorkflowStatus.FAILED,
  WorkflowStatus.TIMED_OUT,
  WorkflowStatus.TERMINATED,
]);

/** Whether a workflow with this status may be retried: it ended, and not COMPLETED. */
export const isRetriableWorkflow = (status: string): boolean => RETRIABLE_WORKFLOW.has(status);
const RETRIABLE_TASK = new Set<string>([
  TaskStatus.FAILED,
  TaskStatus.FAILED_WITH_TERMINAL_ERROR,
  TaskStatus.TIMED_OUT,
  TaskStatus.CANCELED,
]);

/**
 * A FAILED, TIMED_OUT or TERMINATED workflow runs again from where it stopped: every reference
 * whose newest attempt ended FAILED, FAILED_WITH_TERMINAL_ERROR, TIMED_OUT or CANCELED gets a new
 * attempt (steps holding progress, like a JOIN, come back where they stopped). With
 * `resumeSubworkflowTasks`, a SUB_WORKFLOW task goes back IN_PROGRESS and its child is retried
 * instead (an effect: the runtime calls the same retry on the child).
 */
export const retry = (
  execution: Execution,
  options: { resumeSubworkflowTasks?: boolean },
  ctx: DecideContext,
): OperationResult =>
  operate(execution, ctx, (scope) => {
    const { workflowId, status } = scope.draft.workflow;
    if (!RETRIABLE_WORKFLOW.has(status)) {
      return refuse(
        `Workflow ${workflowId} is ${status}; only a FAILED, TIMED_OUT or TERMINATED workflow can be retried`,
      );
    }
    const unsuccessful = newestAttempts(scope).filter((task) => RETRIABLE_TASK.has(task.status));
    // As Conductor, a workflow that timed out as a whole may have nothing of its own to retry.
    if (unsuccessful.length === 0 && status !== WorkflowStatus.TIMED_OUT) {
      return refuse(
        `Workflow ${workflowId} has no FAILED, TIMED_OUT or CANCELED task to retry; restart it to run it again from the beginning`,
      );
    }
    scope.draft.patchWorkflow(runningAgain(ctx.now));
    for (const task of unsuccessful) {
      if (options.resumeSubworkflowTasks && isChildTask(task)) resumeChild(scope, task, ctx.now);
      else scope.reattempt(task);
    }
    scope.proceed();
    return undefined;
  });

/**
 * Runs the workflow again from one task (any status, as Conductor allows), or from its first task
 * when none is named: `workflowInput` replaces the input, the tasks after the target are removed,
 * and the target gets a new attempt with `taskInput` merged over its input. "After" follows the
 * flow, not only the order of creation: what runs in parallel branches of a fork is kept, and a
 * JOIN or DO_WHILE around the target comes back to wait for it again.
 */
export const rerun = (execution: Execution, request: RerunRequest, ctx: DecideContext): OperationResult =>
  operate(execution, ctx, (scope) => {
    const { workflowId, clearing, input, correlationId, generation } = scope.draft.workflow;
    if (clearing) return refuse(stillClearing(workflowId));
    const named =
      request.reRunFromTaskId === undefined
        ? undefined
        : scope.draft.all().find((task) => task.taskId === request.reRunFromTaskId);
    // An attempt that a retry or an earlier rerun replaced stands for its reference: the newest
    // attempt is the one that runs again, or it would be left running (or ended) beside the new one.
    // A client re-sending a rerun whose answer it lost names such an attempt.
    const target = named && (scope.draft.latest(named.referenceTaskName) ?? named);
    if (request.reRunFromTaskId !== undefined && !target) {
      return refuse(
        `Task ${request.reRunFromTaskId} is not a task of workflow ${workflowId}`,
        'reRunFromTaskId',
      );
    }
    scope.draft.patchWorkflow({
      ...runningAgain(ctx.now),
      input: request.workflowInput ?? input,
      correlationId: request.correlationId ?? correlationId,
      generation: (generation ?? 0) + 1,
      output: {},
      // From the start, the run is a new one: its variables start from the definition's again.
      ...(target ? {} : { variables: { ...(scope.definition.variables ?? {}) } }),
      nextDeadline: ctx.now,
      clearing: target
        ? {
            afterSeq: target.seq,
            rerunFromTaskId: target.taskId,
            taskInput: request.taskInput,
            retryCount: (scope.draft.latest(target.referenceTaskName) ?? target).retryCount + 1,
          }
        : { afterSeq: 0 },
    });
    continueClearing(scope);
    return undefined;
  });

/**
 * An ended workflow starts over from its first task with its input, every task removed; with
 * `latestDefinition` it runs that definition from now on. A COMPLETED workflow whose definition
 * says `restartable: false` is refused, as in Conductor.
 */
export const restart = (
  execution: Execution,
  options: { latestDefinition?: WorkflowDef },
  ctx: DecideContext,
): OperationResult =>
  operate(execution, ctx, (scope) => {
    const { workflowId, status, input, generation } = scope.draft.workflow;
    if (!isTerminalWorkflow(status)) {
      return refuse(
        `Workflow ${workflowId} is ${status}; only a COMPLETED, FAILED, TIMED_OUT or TERMINATED workflow can be restarted`,
      );
    }
    const definition = options.latestDefinition ?? scope.definition;
    if (definition.restartable === false && status === WorkflowStatus.COMPLETED) {
      return refuse(
        `Workflow ${workflowId} is COMPLETED and its definition ${definition.name} version ${definition.version ?? 1} is not restartable`,
      );
    }
    if (options.latestDefinition) scope.draft.definition = options.latestDefinition;
    scope.draft.patchWorkflow({
      ...runningAgain(ctx.now),
      workflowVersion: definition.version ?? 1,
      input: options.latestDefinition ? { ...(definition.inputTemplate ?? {}), ...input } : input,
      output: {},
      variables: { ...(definition.variables ?? {}) },
      startTime: ctx.now,
      lastRetriedTime: undefined,
      nextDeadline: ctx.now,
      generation: (generation ?? 0) + 1,
      clearing: { afterSeq: 0 },
    });
    // Always left to a later decide, even with nothing to remove: it loads the definition just set.
    clearSome(scope, { afterSeq: 0 });
    scope.continueLater();
    return undefined;
  });

/**
 * One step of a restart or rerun in progress: removes the next batch of tasks, or, once none is
 * left (a decide that no longer loads them), starts the workflow again and runs it.
 */
export const continueClearing = (scope: OperationScope): void => {
  const clearing = scope.draft.workflow.clearing;
  if (!clearing) return;
  if (!clearSome(scope, clearing)) {
    scope.continueLater();
    return;
  }
  scope.draft.patchWorkflow({ clearing: undefined });
  if (clearing.rerunFromTaskId) startAgainFrom(scope, clearing);
  scope.run();
};

const stillClearing = (workflowId: string): string =>
  `Workflow ${workflowId} is still removing tasks for a restart or rerun; try again in a moment`;

const runningAgain = (now: number) => ({
  status: WorkflowStatus.RUNNING,
  reasonForIncompletion: undefined,
  failedReferenceTaskNames: [],
  failedTaskId: undefined,
  endTime: 0,
  lastRetriedTime: now,
});

/** The newest attempt of every reference (per iteration: loop references carry theirs), in seq order. */
const newestAttempts = (scope: DecideScope): Task[] => {
  const newest = new Map<string, Task>();
  for (const task of scope.draft.all()) {
    const known = newest.get(task.referenceTaskName);
    if (!known || known.retryCount <= task.retryCount) newest.set(task.referenceTaskName, task);
  }
  return [...newest.values()].sort((a, b) => a.seq - b.seq);
};

const isChildTask = (task: Task): boolean =>
  typeOf(task.workflowTask) === TaskType.SUB_WORKFLOW && task.subWorkflowId !== undefined;

/** The SUB_WORKFLOW task waits for its child again, and the child is asked to retry. */
const resumeChild = (scope: DecideScope, task: Task, now: number): void => {
  const resumed = scope.draft.update(task, {
    status: TaskStatus.IN_PROGRESS,
    executed: false,
    startTime: now,
    endTime: 0,
    reasonForIncompletion: undefined,
    childRetryRequestedAt: now,
  });
  scope.draft.emit({
    type: 'retryChildWorkflow',
    taskId: resumed.taskId,
    workflowId: resumed.subWorkflowId!,
    requestedAt: now,
    request: childStartRequest(scope.draft.workflow, resumed.workflowTask, resumed.inputData, resumed.taskId),
  });
};

/**
 * Removes as many of the tasks a clearing must remove as this decide may write, newest first;
 * true when there were none left to remove.
 */
const clearSome = (scope: OperationScope, clearing: Clearing): boolean => {
  const doomed = tasksToClear(scope, clearing).sort((a, b) => b.seq - a.seq);
  if (doomed.length === 0) return true;
  const batch = doomed.slice(0, Math.max(0, scope.budgetLeft() - scope.draft.removedCount()));
  const reason = `workflow ${scope.draft.workflow.workflowId} is being run again`;
  for (const task of batch) if (!isTerminalTask(task.status)) stopWork(scope, task, reason);
  scope.draft.remove(batch.map((task) => task.taskId));
  return false;
};

const tasksToClear = (scope: DecideScope, clearing: Clearing): Task[] => {
  const all = scope.draft.all();
  if (!clearing.rerunFromTaskId) return [...all];
  const target = scope.draft.current({ taskId: clearing.rerunFromTaskId, seq: clearing.afterSeq });
  if (!target) return [];
  const flow = new FlowPlaces(scope);
  const targetPosition = flow.position(target);
  const around = targetPosition.levels;
  // The containers around the target and the JOINs after its forks wait for it again: kept, even
  // in an attempt newer than the target (one an earlier retry brought back).
  const kept = new Set([
    ...around.map((level) => iterationRef(level.container, level.instance)),
    ...enclosingJoins(scope, around).map(({ ref }) => ref),
  ]);
  // What follows the target in the flow goes, in whatever order it was created: a JOIN's branches
  // were created after it yet come before it, and after a skipped JOIN the steps past it may have
  // been created before the branch tasks that precede them.
  return all.filter(
    (task) => !kept.has(task.referenceTaskName) && flowOrder(flow.position(task), targetPosition) === 'after',
  );
};

/** The rerun's target starts again, with the JOINs and loops around it waiting for it again. */
const startAgainFrom = (scope: OperationScope, clearing: Clearing): void => {
  const { draft } = scope;
  const target = draft.current({ taskId: clearing.rerunFromTaskId!, seq: clearing.afterSeq });
  if (!target) return;
  const around = new FlowPlaces(scope).of(target);
  for (const { ref } of enclosingJoins(scope, around)) {
    const join = draft.latest(ref);
    if (join && isTerminalTask(join.status)) {
      scope.resumeInPlace(draft.update(join, { retried: true, executed: true }), { outputData: {} });
    }
  }
  for (const level of around) {
    if (level.kind === 'loop') loopBackTo(scope, level.container, target.iteration);
  }
  // What ended unsuccessfully in the branches the rerun keeps runs again too, as a retry would run
  // it: a branch left FAILED or CANCELED would never reach the JOIN that now waits for it.
  for (const task of newestAttempts(scope)) {
    if (RETRIABLE_TASK.has(task.status) && task.referenceTaskName !== target.referenceTaskName) {
      scope.reattempt(task);
    }
  }
  const current = draft.current(target)!;
  if (!isTerminalTask(current.status)) {
    draft.update(current, { status: TaskStatus.CANCELED, executed: true });
    stopWork(scope, current, `task ${current.referenceTaskName} is being run again`);
  }
  scope.reattempt(draft.current(target)!, {
    retryCount: clearing.retryCount ?? target.retryCount + 1,
    input: { ...target.inputData, ...(clearing.taskInput ?? {}) },
    fresh: true,
  });
};

/** The DO_WHILE around a rerun target runs its `iteration` again, forgetting the iterations after it. */
const loopBackTo = (scope: OperationScope, loopRef: string, iteration: number): void => {
  const { draft } = scope;
  const loop = draft.latest(loopRef);
  if (!loop) return;
  // An iteration the loop has not recorded is its first, as the DO_WHILE kind counts.
  const at = typeof loop.outputData.iteration === 'number' ? loop.outputData.iteration : 1;
  if (loop.status === TaskStatus.IN_PROGRESS && at === iteration) return;
  if (!isTerminalTask(loop.status)) draft.update(loop, { status: TaskStatus.CANCELED });
  const outputData: JsonMap = { iteration };
  for (const [key, value] of Object.entries(loop.outputData)) {
    if (/^\d+$/.test(key) && Number(key) < iteration) outputData[key] = value;
  }
  scope.resumeInPlace(draft.update(loop, { retried: true, executed: true }), { outputData });
};

/** One container a task sits in: which fork branch, loop iteration or switch case it is in. */
interface Level {
  container: string;
  kind: 'fork' | 'loop' | 'case';
  /** The container's own iteration: a fork inside a loop is a new fork in each iteration. */
  instance: number;
  branch: string;
}

/** Where tasks sit in the flow, outermost container first, from the definition and the dynamic forks. */
class FlowPlaces {
  private dynamicForks?: Map<string, WorkflowTask>;

  constructor(private readonly scope: DecideScope) {}

  of(task: Task): Level[] {
    return this.position(task).levels;
  }

  /**
   * The task's containers, outermost first, and its position at each depth: `indexes[0]` in the
   * definition's top-level list, `indexes[d]` in the branch of `levels[d - 1]` (a dynamically forked
   * task is first in a branch of its own).
   */
  position(task: Task): FlowPosition {
    const levels: Level[] = [];
    const indexes: number[] = [];
    let iteration = task.iteration;
    let place = this.scope.index.place(baseRefOf(task.referenceTaskName, iteration));
    if (!place) {
      // Dynamically forked: in no definition, each is a branch of its own of the fork that made it.
      const fork = this.forkOf(task.referenceTaskName);
      if (!fork) return { levels, indexes };
      levels.unshift({
        container: fork.taskReferenceName,
        kind: 'fork',
        instance: iteration,
        branch: task.referenceTaskName,
      });
      indexes.unshift(0);
      place = this.scope.index.place(fork.taskReferenceName);
    }
    while (place) {
      indexes.unshift(place.index);
      const { owner, list } = place;
      if (!owner) break;
      const type = typeOf(owner);
      if (type === TaskType.DO_WHILE) {
        levels.unshift({
          container: owner.taskReferenceName,
          kind: 'loop',
          instance: 0,
          branch: `${iteration}`,
        });
        iteration = 0;
      } else if (type === TaskType.FORK_JOIN) {
        const branch = String((owner.forkTasks ?? []).indexOf(list));
        levels.unshift({ container: owner.taskReferenceName, kind: 'fork', instance: iteration, branch });
      } else {
        levels.unshift({
          container: owner.taskReferenceName,
          kind: 'case',
          instance: iteration,
          branch: 'case',
        });
      }
      place = this.scope.index.place(owner.taskReferenceName);
    }
    return { levels, indexes };
  }

  /** The dynamic fork step that forked `ref` (with its iteration suffix), read from the fork tasks. */
  private forkOf(ref: string): WorkflowTask | undefined {
    if (!this.dynamicForks) {
      this.dynamicForks = new Map();
      for (const task of this.scope.draft.all()) {
        const step = task.workflowTask;
        if (typeOf(step) !== TaskType.FORK_JOIN_DYNAMIC) continue;
        const param = step.dynamicForkTasksParam ?? (step.dynamicForkJoinTasksParam as string | undefined);
        const listed = task.inputData[param ?? ''];
        if (!Array.isArray(listed)) continue;
        for (const forked of listed as Partial<WorkflowTask>[]) {
          if (typeof forked?.taskReferenceName === 'string') {
            this.dynamicForks.set(iterationRef(forked.taskReferenceName, task.iteration), step);
          }
        }
      }
    }
    return this.dynamicForks.get(ref);
  }
}

interface FlowPosition {
  levels: Level[];
  indexes: number[];
}

/**
 * Where `a` runs relative to `b` in the flow, whatever order they were created in: by position in
 * the lists they share, by loop iteration, a container before what it holds; tasks in different
 * branches of one fork run in parallel.
 */
const flowOrder = (a: FlowPosition, b: FlowPosition): 'before' | 'after' | 'same' | 'parallel' => {
  for (let depth = 0; depth < Math.max(a.indexes.length, b.indexes.length); depth++) {
    if (depth > 0) {
      const [x, y] = [a.levels[depth - 1]!, b.levels[depth - 1]!];
      if (x.instance !== y.instance) return x.instance < y.instance ? 'before' : 'after';
      if (x.branch !== y.branch) {
        if (x.kind !== 'loop') return 'parallel';
        return Number(x.branch) < Number(y.branch) ? 'before' : 'after';
      }
    }
    const [i, j] = [a.indexes[depth], b.indexes[depth]];
    if (i === undefined || j === undefined) return 'parallel';
    if (i !== j) return i < j ? 'before' : 'after';
    // The same step at this depth: whichever path ends here is that step, the container of the other.
    const [aEnds, bEnds] = [depth === a.levels.length, depth === b.levels.length];
    if (aEnds || bEnds) return aEnds && bEnds ? 'same' : aEnds ? 'before' : 'after';
  }
  return 'same';
};

/** The JOIN after each fork around a task: it waits for that task's branch, so a rerun keeps it. */
const enclosingJoins = (scope: DecideScope, levels: Level[]): { ref: string }[] =>
  levels.flatMap((level) => {
    if (level.kind !== 'fork') return [];
    const next = scope.index.nextAfter(level.container);
    return next.kind === 'step' ? [{ ref: iterationRef(next.step.taskReferenceName, level.instance) }] : [];
  });
