import {
  type DecideContext,
  type DecideResult,
  type Execution,
  type OperationResult,
  pause,
  type Refusal,
  type RerunRequest,
  rerun,
  restart,
  resume,
  retry,
  type SkipTaskRequest,
  skipTask,
} from '../core/index';
import { oversizedPayload } from '../core/payload-limits';
import { ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from '../shared/errors';
import { decideNowOrQueue } from './decide-now';
import { contextOf, runDecider } from './decide-workflow';
import type { EngineDeps } from './deps';

/**
 * An operator's operations on a workflow (Conductor's pause, resume, skip, retry, rerun, restart,
 * remove, decide). Each goes through the decide path (runDecider): read, apply the pure operation,
 * commit conditioned on the version read, take the lease after a lost race, carry out the effects.
 * So an operation racing a decide or a worker's result is re-applied to what that one left, never
 * lost and never half-written. A refusal becomes ConflictError (409), or ValidationError (400)
 * when it names a field of the request; an unknown workflow NotFoundError (404).
 */

/** `retryLater`: another decide kept the workflow busy; nothing was changed, ask again shortly. */
export type OperationOutcome = { kind: 'applied' } | { kind: 'retryLater'; reason: string };

type Operation = (execution: Execution, ctx: DecideContext) => OperationResult;

const unknownWorkflow = (workflowId: string) =>
  new NotFoundError(`No such workflow found by id: ${workflowId}`);

const unchanged = (execution: Execution): DecideResult => ({
  next: execution.workflow,
  changedTasks: [],
  removedTaskIds: [],
  workflowChanged: false,
  effects: [],
});

const refusalError = ({ reason, field }: Refusal): Error =>
  field ? new ValidationError(reason, [{ path: `$.${field}`, message: reason }]) : new ConflictError(reason);

const operateOn = async (
  deps: EngineDeps,
  workflowId: string,
  operation: Operation,
): Promise<OperationOutcome> => {
  // Decided again on every attempt, so the verdict is the one about the state finally committed over.
  let refusal: Refusal | undefined;
  const outcome = await runDecider(deps, workflowId, (execution) => {
    const verdict = operation(execution, contextOf(deps));
    refusal = verdict.kind === 'illegal' ? verdict : undefined;
    return verdict.kind === 'done' ? verdict.result : unchanged(execution);
  });
  if (outcome.kind === 'missing') throw unknownWorkflow(workflowId);
  if (refusal) throw refusalError(refusal);
  return outcome.kind === 'retryLater' ? outcome : { kind: 'applied' };
};

const payloadWithinLimit = (what: string, value: unknown): void => {
  const problem = oversizedPayload(what, value);
  if (problem) throw new PayloadTooLargeError(problem);
};

/** RUNNING → PAUSED; a workflow already paused stays so. */
export const pauseWorkflow = (deps: EngineDeps, workflowId: string): Promise<OperationOutcome> =>
  operateOn(deps, workflowId, pause);

/** PAUSED → RUNNING; what ended meanwhile is acted on in the same decide. */
export const resumeWorkflow = (deps: EngineDeps, workflowId: string): Promise<OperationOutcome> =>
  operateOn(deps, workflowId, resume);

/** The scheduled or running task `ref` ends SKIPPED, and the workflow carries on. */
export const skipWorkflowTask = (
  deps: EngineDeps,
  workflowId: string,
  ref: string,
  request: SkipTaskRequest,
): Promise<OperationOutcome> => {
  payloadWithinLimit('taskInput', request.taskInput);
  payloadWithinLimit('taskOutput', request.taskOutput);
  return operateOn(deps, workflowId, (execution, ctx) => skipTask(execution, ref, request, ctx));
};

/** A FAILED, TIMED_OUT or TERMINATED workflow runs again from its unsuccessful tasks. */
export const retryWorkflow = (
  deps: EngineDeps,
  workflowId: string,
  options: { resumeSubworkflowTasks?: boolean } = {},
): Promise<OperationOutcome> =>
  operateOn(deps, workflowId, (execution, ctx) => retry(execution, options, ctx));

/** The workflow runs again from one of its tasks, or from the beginning. */
export const rerunWorkflow = (
  deps: EngineDeps,
  workflowId: string,
  request: RerunRequest,
): Promise<OperationOutcome> => {
  payloadWithinLimit('workflowInput', request.workflowInput);
  payloadWithinLimit('taskInput', request.taskInput);
  return operateOn(deps, workflowId, (execution, ctx) => rerun(execution, request, ctx));
};

/** An ended workflow starts over; with `useLatestDefinitions`, on the latest registered definition. */
export const restartWorkflow = async (
  deps: EngineDeps,
  workflowId: string,
  options: { useLatestDefinitions?: boolean } = {},
): Promise<OperationOutcome> => {
  let latestDefinition: Execution['definition'] | undefined;
  if (options.useLatestDefinitions) {
    const stored = await deps.store.load(workflowId);
    if (!stored) throw unknownWorkflow(workflowId);
    const name = stored.workflow.workflowName;
    latestDefinition = await deps.metadata.getWorkflowDef(name);
    if (!latestDefinition) {
      throw new NotFoundError(
        `No workflow definition named ${name} is registered to restart ${workflowId} with`,
      );
    }
  }
  return operateOn(deps, workflowId, (execution, ctx) => restart(execution, { latestDefinition }, ctx));
};

/**
 * Deletes the execution, its tasks and its index entries, whatever its status, as Conductor does.
 * Workers still holding its tasks get 404 for their results; its children run on by themselves.
 */
export const removeWorkflow = async (deps: EngineDeps, workflowId: string): Promise<void> => {
  if (!(await deps.store.remove(workflowId))) throw unknownWorkflow(workflowId);
};

/** Asks for a decide now (Conductor's "decide" endpoint): in this process if the workflow is free. */
export const requestDecide = async (deps: EngineDeps, workflowId: string): Promise<void> => {
  if ((await decideNowOrQueue(deps, workflowId)) === 'missing') throw unknownWorkflow(workflowId);
};
