import {
  createWorkflow,
  type StartWorkflowRequest,
  validateWorkflowDef,
  type Workflow,
  type WorkflowDef,
} from '../core/index';
import { oversizedPayload } from '../core/payload-limits';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '../shared/errors';
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
  const outcome = await deps.store.create(execution);
  if (outcome === 'created') await deps.decideQueue.requestDecide(execution.workflow.workflowId);
  return execution.workflow.workflowId;
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
