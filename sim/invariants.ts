import { isDeepStrictEqual } from 'node:util';
import { isTerminalTask, isTerminalWorkflow, type JsonMap, type Task, TaskType } from '../lambdas/core/model';
import type { InMemoryExecutionStore } from '../test/fakes/in-memory-execution-store';
import { isExternalOutcome, type Outcome, type ReplayStep } from './reference';
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
}

interface TaskSeen {
  status: string;
  executed: boolean;
  /** When the task was first stored terminal, and with what. */
  endedAt?: number;
  endedWith?: { status: string; outputData: JsonMap };
}

interface WorkflowSeen {
  version: number;
  status: string;
  tasks: Map<string, TaskSeen>;
}

/**
 * Legal moves of a task's status between two stored versions (reliability.md S4): an ended task
 * keeps its status; SCHEDULED and IN_PROGRESS may move on (IN_PROGRESS back to SCHEDULED is a
 * worker's callbackAfterSeconds).
 */
const legalTaskMove = (from: string, to: string, task: Task): boolean =>
  from === to ||
  !isTerminalTask(from as Task['status']) ||
  // An optional task that failed is then marked COMPLETED_WITH_ERRORS by the decide that sees it.
  (to === 'COMPLETED_WITH_ERRORS' && task.workflowTask.optional === true);

/**
 * S1–S4 checked on every write that took effect, against what the previous write left; S3 and S5
 * checked at the end. It also keeps, per workflow, the log of external outcomes (worker results,
 * timeouts, children's ends) in the order they were stored: the input of the reference run (S5).
 */
export class InvariantChecks implements StoreObserver {
  readonly violations: Violation[] = [];
  /** Per workflow, what the reference replays: external outcomes and the points where a decide committed. */
  readonly outcomes = new Map<string, ReplayStep[]>();
  readonly acknowledged: Acknowledged[] = [];
  checks = 0;
  private readonly seen = new Map<string, WorkflowSeen>();
  /** Workflows stored and not yet ended. */
  readonly running = new Set<string>();
  /** How many outcomes each workflow had stored when each process last loaded it. */
  private readonly loadedAt = new Map<string, number>();
  private readonly outcomeCount = new Map<string, number>();
  private store?: InMemoryExecutionStore;

  constructor(private readonly world: SimWorld) {}

  attach(store: InMemoryExecutionStore): void {
    this.store = store;
  }

  loaded(workflowId: string, process: number): void {
    this.loadedAt.set(`${process}/${workflowId}`, this.outcomeCount.get(workflowId) ?? 0);
  }

  wrote(workflowId: string, write: 'create' | 'putTask' | 'commit' | 'claim', process: number): void {
    const stored = this.store?.peek(workflowId);
    if (!stored) return;
    const { workflow, version } = stored;
    const before = this.seen.get(workflowId);
    if (isTerminalWorkflow(workflow.status)) this.running.delete(workflowId);
    else this.running.add(workflowId);
    const now: WorkflowSeen = { version, status: workflow.status, tasks: new Map() };
    this.checks += 1;
    if (before) {
      if (version < before.version)
        this.fail('S4', workflowId, `version went from ${before.version} to ${version}`);
      if (isTerminalWorkflow(before.status as never) && workflow.status !== before.status) {
        this.fail('S4', workflowId, `workflow went from ${before.status} to ${workflow.status}`);
      }
    }
    const attempts = new Set<string>();
    let terminatedByTask = false;
    for (const task of workflow.tasks) {
      const attempt = `${task.referenceTaskName}#${task.iteration}#${task.retryCount}`;
      if (attempts.has(attempt)) this.fail('S1', workflowId, `task attempt ${attempt} exists twice`);
      attempts.add(attempt);
      const previous = before?.tasks.get(task.taskId);
      const seen: TaskSeen = {
        status: task.status,
        executed: task.executed,
        endedAt: previous?.endedAt,
        endedWith: previous?.endedWith,
      };
      if (previous && !legalTaskMove(previous.status, task.status, task)) {
        this.fail('S4', workflowId, `task ${task.taskId} went from ${previous.status} to ${task.status}`);
      }
      if (previous?.executed && !task.executed) {
        this.fail('S4', workflowId, `task ${task.taskId} was acted on, then marked not acted on`);
      }
      if (isTerminalTask(task.status) && !previous?.endedWith) {
        seen.endedAt = this.world.now;
        seen.endedWith = { status: task.status, outputData: task.outputData };
        if (isExternalOutcome(task)) this.logOutcome(workflowId, task);
        if (task.taskType === TaskType.TERMINATE && task.status === 'COMPLETED') terminatedByTask = true;
        if (task.taskType === TaskType.JOIN && task.status === 'COMPLETED')
          this.checkJoin(workflowId, task, workflow.tasks);
      }
      now.tasks.set(task.taskId, seen);
    }
    this.seen.set(workflowId, now);
    if (write === 'commit') {
      // Where the decide read the execution: results stored after that were not in its view.
      const saw = this.loadedAt.get(`${process}/${workflowId}`);
      const terminated =
        workflow.status === 'TERMINATED' && before?.status !== 'TERMINATED' && !terminatedByTask;
      this.replayStep(
        workflowId,
        terminated
          ? { terminated: true, reason: workflow.reasonForIncompletion, saw }
          : { decided: true, saw },
      );
    }
  }

  acknowledge(ack: Acknowledged): void {
    this.acknowledged.push(ack);
  }

  /** S3: every acknowledged result is in the final state, unless the task had already ended when the API answered. */
  checkAcknowledged(): void {
    for (const ack of this.acknowledged) {
      this.checks += 1;
      const stored = this.store?.peek(ack.workflowId);
      const task = stored?.workflow.tasks.find((candidate) => candidate.taskId === ack.taskId);
      const seen = this.seen.get(ack.workflowId)?.tasks.get(ack.taskId);
      if (!task) continue; // dropped by DO_WHILE keepLastN
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
    this.replayStep(workflowId, outcomeOf(task));
  }

  private replayStep(workflowId: string, step: ReplayStep): void {
    const log = this.outcomes.get(workflowId) ?? [];
    log.push(step);
    this.outcomes.set(workflowId, log);
  }
}

const outcomeOf = (task: Task): Outcome => ({
  ref: task.referenceTaskName,
  iteration: task.iteration,
  retryCount: task.retryCount,
  status: task.status,
  outputData: task.outputData,
  reasonForIncompletion: task.reasonForIncompletion,
});
