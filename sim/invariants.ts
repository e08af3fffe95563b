import { isDeepStrictEqual } from 'node:util';
import {
  isTerminalTask,
  isTerminalWorkflow,
  type JsonMap,
  type Task,
  TaskStatus,
  TaskType,
  type WorkflowDef,
} from '../lambdas/core/model';
import type { InMemoryExecutionStore } from '../test/fakes/in-memory-execution-store';
import { legalTaskMove, NO_PERMITS, permitsOf, resumedForChild, workflowMoveProblems } from './legal-moves';
import type { OperationKind, OperatorRequest } from './operator-requests';
import { isExternalOutcome, type Outcome, type ReplayStep } from './reference';
import { replayedOperation } from './reference-operations';
import type { StoreObserver } from './store-model';
import type { SimWorld } from './world';

export interface Violation {
  invariant: 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'L1' | 'L2' | 'R0';
  workflowId?: string;
  message: string;
  at: number;
}

/** A worker's result the API answered with success. */
export interface Acknowledged {
  workflowId: string;
  taskId: string;
  status: string;
  outputData: JsonMap;
  /** When the API answered. */
  at: number;
  /** The API invocation that answered: which generation of the task it stored the result in. */
  process: number;
  /** The task's generation when the worker sent the result (see generationOf). */
  sentToGeneration: number;
  /** The task's generation when the worker polled it. */
  polledGeneration: number;
}

/** How the execution started: what the reference starts from, whatever operations changed since. */
export interface Initial {
  definition: WorkflowDef;
  input: JsonMap;
  correlationId?: string;
  createTime: number;
}

interface TaskSeen {
  status: string;
  executed: boolean;
  iteration: number;
  /** When the task was first stored terminal, and with what. */
  endedAt?: number;
  endedWith?: { status: string; outputData: JsonMap };
}

interface WorkflowSeen {
  version: number;
  status: string;
  clearing: boolean;
  tasks: Map<string, TaskSeen>;
}

interface History {
  initial: Initial;
  /** How many times each task id was removed: a generation of the id, were it ever created again. */
  removals: Map<string, number>;
}

/**
 * S1–S4 checked on every write that took effect, against what the previous write left; S3 and S5
 * checked at the end. It also keeps, per workflow, the log of external outcomes (worker results,
 * timeouts, children's ends) in the order they were stored: the input of the reference run (S5).
 *
 * Operator operations: the operator registers each request with the invocation that carries it
 * (operationIssued); that invocation's first commit on the workflow is the operation's, and only
 * it may make the moves the operation permits (operation-permits.ts). A restart or rerun removes
 * tasks, over as many commits as it needs, and runs the workflow again with new task ids (they
 * carry the workflow's generation): S1 holds for the tasks of each generation, a removed task's id
 * never comes back, and a worker's result goes to the task it polled, not to a later namesake.
 */
export class InvariantChecks implements StoreObserver {
  readonly violations: Violation[] = [];
  /** Per workflow, what the reference replays: external outcomes and the points where a decide committed. */
  readonly outcomes = new Map<string, ReplayStep[]>();
  readonly acknowledged: Acknowledged[] = [];
  /** Operations whose commit changed the workflow, by kind. */
  readonly committedOperations: Partial<Record<OperationKind, number>> = {};
  checks = 0;
  private readonly seen = new Map<string, WorkflowSeen>();
  private readonly histories = new Map<string, History>();
  /** Workflows stored and not yet ended. */
  readonly running = new Set<string>();
  /** How many outcomes each workflow had stored when each process last loaded it. */
  private readonly loadedAt = new Map<string, number>();
  private readonly outcomeCount = new Map<string, number>();
  /** Operator requests by the invocation carrying them, until that invocation commits. */
  private readonly issued = new Map<number, { workflowId: string; request: OperatorRequest }>();
  /**
   * Per child, the retries its parent's retries asked for (resumeSubworkflowTasks), by when they
   * asked; each lets the child be reopened once.
   */
  private readonly childRetriesAsked = new Map<string, Set<number>>();
  private readonly childRetriesDone = new Map<string, number>();
  /** `process/taskId` → the generation of the task in which that invocation stored a result. */
  private readonly storedIn = new Map<string, number>();
  private store?: InMemoryExecutionStore;

  constructor(private readonly world: SimWorld) {}

  attach(store: InMemoryExecutionStore): void {
    this.store = store;
  }

  loaded(workflowId: string, process: number): void {
    this.loadedAt.set(`${process}/${workflowId}`, this.outcomeCount.get(workflowId) ?? 0);
  }

  /** The operator's request, carried by API invocation `process`. */
  operationIssued(process: number, workflowId: string, request: OperatorRequest): void {
    this.issued.set(process, { workflowId, request });
  }

  initial(workflowId: string): Initial | undefined {
    return this.histories.get(workflowId)?.initial;
  }

  /** How many times the task's id has been removed: 0 until a restart, rerun or keepLastN removes it. */
  generationOf(workflowId: string, taskId: string): number {
    return this.histories.get(workflowId)?.removals.get(taskId) ?? 0;
  }

  wrote(workflowId: string, write: 'create' | 'putTask' | 'commit' | 'claim', process: number): void {
    const stored = this.store?.peek(workflowId);
    if (!stored) return;
    const { workflow, version } = stored;
    const before = this.seen.get(workflowId);
    const history = this.historyOf(workflowId, stored);
    if (isTerminalWorkflow(workflow.status)) this.running.delete(workflowId);
    else this.running.add(workflowId);
    const now: WorkflowSeen = {
      version,
      status: workflow.status,
      clearing: workflow.clearing !== undefined,
      tasks: new Map(),
    };
    this.checks += 1;
    const operation = write === 'commit' ? this.takeOperation(process, workflowId) : undefined;
    const childRetry =
      !operation &&
      before !== undefined &&
      isTerminalWorkflow(before.status as never) &&
      workflow.status !== before.status &&
      this.takeChildRetry(workflowId);
    const permits = childRetry
      ? permitsOf({ kind: 'retry', resumeSubworkflowTasks: true })
      : operation
        ? permitsOf(operation)
        : NO_PERMITS;
    if (before) {
      for (const problem of workflowMoveProblems(before, now, permits)) this.fail('S4', workflowId, problem);
    }
    // Paused, a workflow's decides only mark results as held: nothing is scheduled or ended.
    const frozen = write === 'commit' && before?.status === 'PAUSED' && now.status === 'PAUSED';
    let changed = before === undefined || before.status !== now.status || before.clearing !== now.clearing;
    const attempts = new Set<string>();
    let terminatedByTask = false;
    for (const task of workflow.tasks) {
      const attempt = `${task.referenceTaskName}#${task.iteration}#${task.retryCount}`;
      if (attempts.has(attempt)) this.fail('S1', workflowId, `task attempt ${attempt} exists twice`);
      attempts.add(attempt);
      const previous = before?.tasks.get(task.taskId);
      const reopened =
        previous !== undefined && isTerminalTask(previous.status as never) && !isTerminalTask(task.status);
      const seen: TaskSeen = {
        status: task.status,
        executed: task.executed,
        iteration: task.iteration,
        endedAt: reopened ? undefined : previous?.endedAt,
        endedWith: reopened ? undefined : previous?.endedWith,
      };
      if (before && !previous) {
        changed = true;
        if (history.removals.has(task.taskId)) {
          this.fail('S1', workflowId, `task ${task.taskId} was created again after it was removed`);
        }
        if (frozen) this.fail('S4', workflowId, `task ${task.taskId} was created while PAUSED`);
      }
      if (previous && (previous.status !== task.status || previous.executed !== task.executed))
        changed = true;
      if (previous && !legalTaskMove(previous.status, task.status, task) && !resumedForChild(task, permits)) {
        this.fail('S4', workflowId, `task ${task.taskId} went from ${previous.status} to ${task.status}`);
      }
      if (previous?.executed && !task.executed && !resumedForChild(task, permits)) {
        this.fail('S4', workflowId, `task ${task.taskId} was acted on, then marked not acted on`);
      }
      if (task.status === TaskStatus.SKIPPED && previous?.status !== TaskStatus.SKIPPED && !permits.skip) {
        this.fail('S4', workflowId, `task ${task.taskId} was SKIPPED with no skip request`);
      }
      if (frozen && previous && previous.status !== task.status) {
        this.fail(
          'S4',
          workflowId,
          `task ${task.taskId} went from ${previous.status} to ${task.status} while PAUSED`,
        );
      }
      if (task.childRetryRequestedAt !== undefined && task.subWorkflowId) {
        const asked = this.childRetriesAsked.get(task.subWorkflowId) ?? new Set();
        this.childRetriesAsked.set(task.subWorkflowId, asked.add(task.childRetryRequestedAt));
      }
      if (isTerminalTask(task.status) && !seen.endedWith) {
        seen.endedAt = this.world.now;
        seen.endedWith = { status: task.status, outputData: task.outputData };
        if (write === 'putTask')
          this.storedIn.set(`${process}/${task.taskId}`, this.generationOf(workflowId, task.taskId));
        // A skip's own end is replayed by the skip itself, not as a result from outside.
        const bySkip = permits.skip && task.status === TaskStatus.SKIPPED;
        if (isExternalOutcome(task) && !bySkip) this.logOutcome(workflowId, task);
        if (task.taskType === TaskType.TERMINATE && task.status === 'COMPLETED') terminatedByTask = true;
        if (task.taskType === TaskType.JOIN && task.status === 'COMPLETED')
          this.checkJoin(workflowId, task, workflow.tasks);
      }
      now.tasks.set(task.taskId, seen);
    }
    if (before && this.checkRemoved(workflowId, write, before, now, history, workflow.clearing !== undefined))
      changed = true;
    this.seen.set(workflowId, now);
    if (write === 'commit') {
      const request =
        operation ?? (childRetry ? ({ kind: 'retry', resumeSubworkflowTasks: true } as const) : undefined);
      if (request && changed) {
        this.committedOperations[request.kind] = (this.committedOperations[request.kind] ?? 0) + 1;
      }
      // Where the decide read the execution: results stored after that were not in its view.
      const saw = this.loadedAt.get(`${process}/${workflowId}`);
      const replayed = request && replayedOperation(request, stored.definition);
      const terminated =
        workflow.status === 'TERMINATED' && before?.status !== 'TERMINATED' && !terminatedByTask;
      this.replayStep(
        workflowId,
        replayed
          ? { operation: replayed, saw }
          : terminated
            ? { terminated: true, reason: workflow.reasonForIncompletion, saw }
            : { decided: true, saw },
      );
    }
  }

  acknowledge(ack: Acknowledged): void {
    this.acknowledged.push(ack);
  }

  /**
   * S3: every acknowledged result is in the final state, unless the task had already ended when the
   * API answered, or the task the result went into was removed since (keepLastN, a restart, a rerun).
   * S1 across generations: a result goes into the generation of the task the worker polled.
   */
  checkAcknowledged(): void {
    for (const ack of this.acknowledged) {
      this.checks += 1;
      const storedGeneration = this.storedIn.get(`${ack.process}/${ack.taskId}`);
      if (storedGeneration !== undefined && storedGeneration > ack.polledGeneration) {
        this.fail(
          'S1',
          ack.workflowId,
          `the result for ${ack.taskId} polled before a restart or rerun removed it was stored in the task created again under its id`,
        );
      }
      const resultGeneration = storedGeneration ?? ack.sentToGeneration;
      if (resultGeneration < this.generationOf(ack.workflowId, ack.taskId)) continue;
      const stored = this.store?.peek(ack.workflowId);
      const task = stored?.workflow.tasks.find((candidate) => candidate.taskId === ack.taskId);
      const seen = this.seen.get(ack.workflowId)?.tasks.get(ack.taskId);
      if (!task) {
        this.fail('S3', ack.workflowId, `task ${ack.taskId} was acknowledged ${ack.status}, then vanished`);
        continue;
      }
      if (!isTerminalTask(task.status)) {
        this.fail(
          'S3',
          ack.workflowId,
          `task ${ack.taskId} was acknowledged ${ack.status} but ended ${task.status}`,
        );
        continue;
      }
      const reflected =
        task.status === ack.status &&
        isDeepStrictEqual({ ...task.outputData, ...ack.outputData }, task.outputData);
      const endedBefore = seen?.endedAt !== undefined && seen.endedAt <= ack.at;
      if (!reflected && !endedBefore) {
        this.fail(
          'S3',
          ack.workflowId,
          `task ${ack.taskId}: acknowledged ${ack.status}, stored ${task.status}`,
        );
      }
    }
  }

  fail(invariant: Violation['invariant'], workflowId: string | undefined, message: string): void {
    this.violations.push({ invariant, workflowId, message, at: this.world.now });
    this.world.record(`violation ${invariant} ${message}`);
  }

  private historyOf(
    workflowId: string,
    stored: {
      workflow: { input: JsonMap; correlationId?: string; createTime: number };
      definition: WorkflowDef;
    },
  ): History {
    let history = this.histories.get(workflowId);
    if (!history) {
      const { workflow, definition } = stored;
      history = {
        initial: structuredClone({
          definition,
          input: workflow.input,
          correlationId: workflow.correlationId,
          createTime: workflow.createTime,
        }),
        removals: new Map(),
      };
      this.histories.set(workflowId, history);
    }
    return history;
  }

  /** The operator's request this commit carries out: the first commit of its invocation on the workflow. */
  private takeOperation(process: number, workflowId: string): OperatorRequest | undefined {
    const issued = this.issued.get(process);
    if (issued?.workflowId !== workflowId) return undefined;
    this.issued.delete(process);
    return issued.request;
  }

  /** Whether a parent's retry asked to retry this child, and that retry has not happened yet. */
  private takeChildRetry(workflowId: string): boolean {
    const done = this.childRetriesDone.get(workflowId) ?? 0;
    if ((this.childRetriesAsked.get(workflowId)?.size ?? 0) <= done) return false;
    this.childRetriesDone.set(workflowId, done + 1);
    return true;
  }

  /**
   * Tasks this write removed: only a commit may remove, and only a restart or rerun still removing
   * (the workflow's `clearing`) or a DO_WHILE's keepLastN (loop iterations). Returns whether any went.
   */
  private checkRemoved(
    workflowId: string,
    write: string,
    before: WorkflowSeen,
    now: WorkflowSeen,
    history: History,
    clearing: boolean,
  ): boolean {
    if (write !== 'commit' && now.tasks.size >= before.tasks.size) return false;
    let removed = false;
    for (const [taskId, task] of before.tasks) {
      if (now.tasks.has(taskId)) continue;
      removed = true;
      if (write !== 'commit' || (!clearing && task.iteration === 0)) {
        this.fail('S4', workflowId, `task ${taskId} was removed by a ${write} with no restart or rerun`);
      }
      history.removals.set(taskId, (history.removals.get(taskId) ?? 0) + 1);
    }
    return removed;
  }

  /** S2: a JOIN completes only once every task it joins on has ended, and holds their outputs. */
  private checkJoin(workflowId: string, join: Task, tasks: readonly Task[]): void {
    const joinOn = Array.isArray(join.inputData.joinOn) ? (join.inputData.joinOn as string[]) : [];
    for (const ref of joinOn) {
      const attempts = tasks.filter((task) => task.referenceTaskName === ref);
      const latest = attempts.sort((a, b) => b.retryCount - a.retryCount)[0];
      if (!latest || !isTerminalTask(latest.status)) {
        this.fail('S2', workflowId, `JOIN ${join.referenceTaskName} completed before ${ref} ended`);
      } else if (!isDeepStrictEqual(join.outputData[ref], latest.outputData)) {
        this.fail(
          'S2',
          workflowId,
          `JOIN ${join.referenceTaskName}'s output for ${ref} is not that task's output`,
        );
      }
    }
  }

  private logOutcome(workflowId: string, task: Task): void {
    this.outcomeCount.set(workflowId, (this.outcomeCount.get(workflowId) ?? 0) + 1);
    this.replayStep(workflowId, outcomeOf(task, this.generationOf(workflowId, task.taskId)));
  }

  private replayStep(workflowId: string, step: ReplayStep): void {
    const log = this.outcomes.get(workflowId) ?? [];
    log.push(step);
    this.outcomes.set(workflowId, log);
  }
}

const outcomeOf = (task: Task, generation: number): Outcome => ({
  taskId: task.taskId,
  ref: task.referenceTaskName,
  iteration: task.iteration,
  retryCount: task.retryCount,
  status: task.status,
  outputData: task.outputData,
  reasonForIncompletion: task.reasonForIncompletion,
  ...(generation > 0 ? { generation } : {}),
});
