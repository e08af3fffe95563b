import { isTerminalWorkflow, type StartWorkflowRequest, type Workflow, WorkflowStatus } from '../core/index';
import { terminateWorkflow } from '../engine/decide-workflow';
import { startWorkflow } from '../engine/start-workflow';
import { ConflictError, NotFoundError } from '../shared/errors';
import { retryWhileBusy } from './busy-retry';
import {
  checkedFields,
  type FieldRule,
  isObject,
  objectBody,
  optionalObjectBody,
  queryBool,
  queryInt,
  queryString,
} from './request';
import { empty, json, text } from './responses';
import type { ApiDeps, Route } from './router';

/** StartWorkflowRequest's own limits (its @Min/@Max on priority). */
const PRIORITY = { min: 0, max: 99 };
const IDEMPOTENCY_STRATEGIES = ['FAIL', 'RETURN_EXISTING', 'FAIL_ON_RUNNING'] as const;
const aString: FieldRule['ok'] = (value) => typeof value === 'string';

/**
 * The fields of Conductor's StartWorkflowRequest. Only these are taken: the engine's request also
 * carries parentWorkflowId, which a client must not set (the engine would report the child's end
 * into that workflow's task).
 */
const START_REQUEST: Record<string, FieldRule> = {
  name: {
    ok: (value) => typeof value === 'string' && value !== '',
    wanted: 'a non-empty string: the workflow to start',
    required: true,
  },
  version: { ok: (value) => Number.isInteger(value) && (value as number) > 0, wanted: 'a positive integer' },
  correlationId: { ok: aString, wanted: 'a string' },
  input: { ok: isObject, wanted: 'an object' },
  taskToDomain: {
    ok: (value) => isObject(value) && Object.values(value).every(aString),
    wanted: 'a map of task name to domain',
  },
  workflowDef: { ok: isObject, wanted: 'an object (an inline WorkflowDef)' },
  priority: {
    ok: (value) =>
      Number.isInteger(value) && (value as number) >= PRIORITY.min && (value as number) <= PRIORITY.max,
    wanted: `an integer from ${PRIORITY.min} to ${PRIORITY.max}`,
  },
  idempotencyKey: { ok: aString, wanted: 'a string' },
  idempotencyStrategy: {
    ok: (value) => (IDEMPOTENCY_STRATEGIES as readonly unknown[]).includes(value),
    wanted: `one of ${IDEMPOTENCY_STRATEGIES.join(', ')}`,
  },
};

const loadWorkflow = async (deps: ApiDeps, workflowId: string): Promise<Workflow> => {
  const stored = await deps.store.load(workflowId);
  if (!stored) throw new NotFoundError(`No such workflow found by id: ${workflowId}`);
  return stored.workflow;
};

/**
 * Terminates through the engine's decide path. As in Conductor, terminating a TERMINATED workflow
 * is a no-op and a COMPLETED one is a conflict. Conductor would also re-mark a FAILED or TIMED_OUT
 * workflow as TERMINATED; Baton leaves an ended workflow as it ended, and says so with a 409.
 */
const terminate = (deps: ApiDeps, workflowId: string, reason: string): Promise<void> =>
  retryWhileBusy(deps, workflowId, 'terminated', async () => {
    const outcome = await terminateWorkflow(deps, workflowId, reason);
    if (outcome.kind === 'decided') return undefined;
    if (outcome.kind === 'missing') throw new NotFoundError(`No such workflow found by id: ${workflowId}`);
    if (outcome.kind === 'retryLater') return outcome.reason;
    // Nothing to change: the workflow had already ended, possibly a moment ago.
    const { status } = await loadWorkflow(deps, workflowId);
    if (status === WorkflowStatus.TERMINATED) return undefined;
    if (isTerminalWorkflow(status)) throw new ConflictError(`Cannot terminate a ${status} workflow.`);
    return 'its state kept changing';
  });

export const workflowRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/workflow',
    handle: async (request, deps) => {
      const body = objectBody(request, 'a StartWorkflowRequest');
      const start = checkedFields<StartWorkflowRequest>(body, START_REQUEST, 'StartWorkflowRequest');
      return text(await startWorkflow(deps, { ...start, input: start.input ?? {} }));
    },
  },
  {
    method: 'POST',
    path: '/api/workflow/{name}',
    handle: async (request, deps) => {
      const start: StartWorkflowRequest = {
        name: request.params.name!,
        version: queryInt(request, 'version', { min: 1 }),
        correlationId: queryString(request, 'correlationId'),
        priority: queryInt(request, 'priority', PRIORITY),
        // Conductor requires a body here; Baton reads a missing one as no input.
        input: optionalObjectBody(request, 'a JSON object: the workflow input'),
      };
      return text(await startWorkflow(deps, start));
    },
  },
  {
    method: 'GET',
    path: '/api/workflow/{workflowId}',
    handle: async (request, deps) => {
      const includeTasks = queryBool(request, 'includeTasks', true);
      const workflow = await loadWorkflow(deps, request.params.workflowId!);
      // Conductor leaves the list empty rather than absent, and clients read `tasks.length`.
      return json(includeTasks ? workflow : { ...workflow, tasks: [] });
    },
  },
  {
    method: 'GET',
    path: '/api/workflow/{workflowId}/status',
    handle: async (request, deps) => {
      const includeOutput = queryBool(request, 'includeOutput', false);
      const includeVariables = queryBool(request, 'includeVariables', false);
      const workflow = await loadWorkflow(deps, request.params.workflowId!);
      return json({
        workflowId: workflow.workflowId,
        correlationId: workflow.correlationId || undefined,
        output: includeOutput ? workflow.output : undefined,
        variables: includeVariables ? workflow.variables : undefined,
        status: workflow.status,
      });
    },
  },
  {
    method: 'DELETE',
    path: '/api/workflow/{workflowId}',
    handle: async (request, deps) => {
      // The engine's terminate takes a reason; Conductor leaves it null when none is given.
      const reason = queryString(request, 'reason') ?? 'terminated through the API, no reason given';
      await terminate(deps, request.params.workflowId!, reason);
      return empty();
    },
  },
];
