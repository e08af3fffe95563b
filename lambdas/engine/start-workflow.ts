import {
  createWorkflow,
  isTerminalWorkflow,
  type StartWorkflowRequest,
  validateWorkflowDef,
  type Workflow,
  type WorkflowDef,
} from '../core/index';
import { oversizedPayload } from '../core/payload-limits';
import { ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from '../shared/errors';
import type { EngineDeps } from './deps';

export interface StartOptions {
  /** A derived id (child and failure workflows) makes a repeated start a no-op. */
  workflowId?: string;
}

/**
 * Creates the execution and asks for its first decide. The new execution is due at once
 * (`nextDeadline = now`), so if the decide request is lost the reconcile still finds it.
 */
export const startWorkflow = async (
  deps: Pick<EngineDeps, 'metadata' | 'store' | 'decideQueue' | 'clock' | 'ids'>,
  request: StartWorkflowRequest,
  options: StartOptions = {},
): Promise<string> => {
  const execution = await prepareStart(deps, request, options);
  const key = request.idempotencyKey;
  if (key === undefined || key === '') {
    const outcome = await deps.store.create(execution);
    if (outcome === 'created') await deps.decideQueue.requestDecide(execution.workflow.workflowId);
    return execution.workflow.workflowId;
  }
  return startIdempotently(deps, execution, key, request.idempotencyStrategy ?? 'FAIL');
};

/** Rounds of "the key's holder ended, hand the key over" lost to other starts before giving up. */
const MAX_HANDOVERS = 3;

/**
 * A start with an idempotency key: the key is claimed in the same write that creates the
 * execution, so two concurrent starts with one key create one workflow. When the key is held:
 * RETURN_EXISTING answers with the holder, FAIL refuses, FAIL_ON_RUNNING refuses only while the
 * holder runs (or is paused) and otherwise takes the key over, conditioned on the holder having ended.
 */
const startIdempotently = async (
  deps: Pick<EngineDeps, 'store' | 'decideQueue'>,
  execution: { workflow: Workflow; definition: WorkflowDef },
  key: string,
  strategy: NonNullable<StartWorkflowRequest['idempotencyStrategy']>,
): Promise<string> => {
  const { workflowId, workflowName } = execution.workflow;
  let replacing: string | undefined;
  for (let round = 0; round <= MAX_HANDOVERS; round++) {
    const outcome = await deps.store.create(execution, { key, replacing });
    if (outcome === 'created') {
      await deps.decideQueue.requestDecide(workflowId);
      return workflowId;
    }
    if (outcome === 'exists') return workflowId;
    const holder = outcome.workflowId;
    if (strategy === 'RETURN_EXISTING') return holder;
    const running = await isRunning(deps, holder);
    if (strategy === 'FAIL' || running) {
      throw new ConflictError(
        `idempotencyKey ${key} of ${workflowName} is held by workflow ${holder}` +
          (strategy === 'FAIL_ON_RUNNING' ? ', which is still running' : ''),
      );
    }
    replacing = holder;
  }
  throw new ConflictError(`idempotencyKey ${key} of ${workflowName} kept changing hands; try again`);
};

const isRunning = async (deps: Pick<EngineDeps, 'store'>, workflowId: string): Promise<boolean> => {
  const holder = await deps.store.load(workflowId);
  return holder !== undefined && !isTerminalWorkflow(holder.workflow.status);
};

/** The execution a start request describes, checked, not yet stored; throws what the API reports. */
export const prepareStart = async (
  deps: Pick<EngineDeps, 'metadata' | 'clock' | 'ids'>,
  request: StartWorkflowRequest,
  options: StartOptions = {},
): Promise<{ workflow: Workflow; definition: WorkflowDef }> => {
  if (typeof request.name !== 'string' || request.name === '') {
    throw new ValidationError('name: a workflow name is required');
  }
  if (request.workflowDef) {
    const problems = validateWorkflowDef(request.workflowDef);
    if (problems.length > 0)
      throw new ValidationError('workflowDef is not a valid workflow definition', problems);
  }
  const definition =
    request.workflowDef ?? (await deps.metadata.getWorkflowDef(request.name, request.version));
  if (!definition) {
    const version = request.version === undefined ? 'latest' : String(request.version);
    throw new NotFoundError(`No such workflow found by name: ${request.name}, version: ${version}`);
  }
  const now = deps.clock.now();
  const workflowId = options.workflowId ?? deps.ids.workflowId();
  const workflow = { ...createWorkflow(definition, request, { workflowId, now }), nextDeadline: now };
  const oversized =
    oversizedPayload('the workflow input', workflow.input) ??
    oversizedPayload("the definition's variables", workflow.variables);
  if (oversized) throw new PayloadTooLargeError(oversized);
  return { workflow, definition };
};

/** A start that failed like this would fail the same way every time it is repeated. */
export const isPermanentStartFailure = (error: unknown): error is Error =>
  error instanceof NotFoundError || error instanceof ValidationError || error instanceof PayloadTooLargeError;
