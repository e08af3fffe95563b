import {
  type DecideResult,
  decide,
  type Execution,
  terminate,
  type Workflow,
  type WorkflowDef,
} from '../core/index';
import type { Lease, StoredExecution } from '../ports';
import { carryOutEffects } from './carry-out-effects';
import type { EngineDeps } from './deps';
import { isPermanentStartFailure, prepareStart } from './start-workflow';

export const LEASE_MS = 30_000;
/**
 * Task writes per decide: one commit is one DynamoDB transaction of at most 100 actions, two of
 * them the workflow's own items; the rest of the margin covers keepLastN deletions. Work beyond it
 * (a fork of hundreds of branches, canceling as many) continues in the next decides.
 */
export const MAX_TASK_WRITES_PER_DECIDE = 80;
const MAX_ATTEMPTS = 4;

export interface DecideOptions {
  /** Commit attempts before giving up with `retryLater`; the lease is only taken for a next attempt. */
  maxAttempts?: number;
}

export type DecideOutcome =
  | { kind: 'decided'; changedTasks: number; effects: number }
  /** Nothing to do: a duplicate request, or a workflow that has already ended. */
  | { kind: 'unchanged' }
  | { kind: 'missing' }
  /** Someone else is deciding: ask again shortly. The request is handed back, never dropped. */
  | { kind: 'retryLater'; reason: string };

export type Decider = (execution: Execution) => DecideResult;

/**
 * One decide: read, decide (pure), commit conditioned on the version read, then carry out the
 * effects. Uncontended, that is one read and one transaction. When a commit loses a race, the
 * next attempt takes the lease first (its epoch fences every later write), so concurrent decides
 * stop wasting work on each other instead of retrying blindly.
 */
export const decideWorkflow = (
  deps: EngineDeps,
  workflowId: string,
  options: DecideOptions = {},
): Promise<DecideOutcome> =>
  runDecider(deps, workflowId, (execution) => decide(execution, contextOf(deps)), options);

/** Terminates through the same path as a decide, so it can race a decide safely. */
export const terminateWorkflow = (
  deps: EngineDeps,
  workflowId: string,
  reason: string,
): Promise<DecideOutcome> =>
  runDecider(deps, workflowId, (execution) => terminate(execution, reason, contextOf(deps)));

/** The decide path any change of a workflow takes: a decide, a terminate, an operator's operation. */
export const runDecider = async (
  deps: EngineDeps,
  workflowId: string,
  decider: Decider,
  { maxAttempts = MAX_ATTEMPTS }: DecideOptions = {},
): Promise<DecideOutcome> => {
  let lease: Lease | undefined;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const stored = await deps.store.load(workflowId);
    if (!stored) return { kind: 'missing' };
    await deps.taskDefs.prefetchFor(stored.workflow, stored.definition);
    let result = decider({ workflow: stored.workflow, definition: stored.definition });
    // Tasks named at run time (dynamic forks, DYNAMIC) are only known once decided: fetch their
    // definitions and decide again, so they get their registered timeouts and retries.
    const unknown = deps.taskDefs.unknown(result.changedTasks);
    if (unknown.length > 0) {
      await deps.taskDefs.prefetch(unknown);
      result = decider({ workflow: stored.workflow, definition: stored.definition });
    }
    const hasWork = result.workflowChanged || result.effects.length > 0;
    // Holding a lease, even an empty commit is needed: it releases the lease for the others.
    if (!hasWork && !lease) return { kind: 'unchanged' };
    const started = await failureWorkflowsOf(deps, result);
    const outcome = await deps.store.commit({
      ...commitOf(stored, result, lease),
      startedWorkflows: started,
    });
    if (outcome.kind === 'committed') {
      for (const { workflow } of started) await deps.decideQueue.requestDecide(workflow.workflowId);
      await carryOutEffects(deps, result.next, result.effects);
      return hasWork
        ? { kind: 'decided', changedTasks: result.changedTasks.length, effects: result.effects.length }
        : { kind: 'unchanged' };
    }
    // A lease taken with no attempt left would only keep everyone else waiting until it expires.
    if (!lease && attempt + 1 < maxAttempts) {
      const taken = await deps.store.acquireLease(workflowId, deps.owner, deps.clock.now(), LEASE_MS);
      if (taken.kind === 'missing') return { kind: 'missing' };
      if (taken.kind === 'busy') return { kind: 'retryLater', reason: 'another decide holds the lease' };
      lease = taken.lease;
    }
  }
  return { kind: 'retryLater', reason: `commit kept conflicting after ${maxAttempts} attempts` };
};

/**
 * A task the decide created (its seq is past every stored task's) is written as new, so the store
 * refuses it if its id exists: a decide that made a task under a stored id fails loudly instead of
 * overwriting that task. A changed task is written against the revision it was loaded at.
 */
const commitOf = (stored: StoredExecution, result: DecideResult, lease: Lease | undefined) => {
  const lastStoredSeq = stored.workflow.tasks.reduce((last, task) => Math.max(last, task.seq), 0);
  return {
    workflowId: stored.workflow.workflowId,
    expectedVersion: stored.version,
    lease,
    workflow: result.next,
    tasks: result.changedTasks.map((task) => ({
      task,
      expectedRevision: task.seq > lastStoredSeq ? undefined : stored.taskRevisions.get(task.taskId),
    })),
    removedTaskIds: result.removedTaskIds,
    definition: result.definition,
  };
};

/**
 * The failure workflow a failing decide starts, prepared to be created by the same commit: started
 * after the commit instead, a crash in between would lose it, since nothing revisits an ended
 * workflow. One that cannot start (unknown name, input too big) is logged and left out, as Conductor
 * does.
 */
const failureWorkflowsOf = async (deps: EngineDeps, result: DecideResult) => {
  const started: { workflow: Workflow; definition: WorkflowDef }[] = [];
  for (const effect of result.effects) {
    if (effect.type !== 'startFailureWorkflow') continue;
    try {
      started.push(await prepareStart(deps, effect.request, { workflowId: effect.workflowId }));
    } catch (error) {
      if (!isPermanentStartFailure(error)) throw error;
      console.warn(
        JSON.stringify({
          message: 'failure workflow not started',
          workflowId: result.next.workflowId,
          reason: error.message,
        }),
      );
    }
  }
  return started;
};

/** What a decide consults, read now: the clock, the task definitions, the script sandbox. */
export const contextOf = (deps: EngineDeps) => ({
  now: deps.clock.now(),
  taskDefs: deps.taskDefs.lookup,
  scripts: deps.scripts,
  maxTaskWrites: MAX_TASK_WRITES_PER_DECIDE,
});
