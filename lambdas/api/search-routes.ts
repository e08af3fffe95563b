import type { Workflow } from '../core/model';
import type { WorkflowWithoutTasks } from '../ports';
import { ValidationError } from '../shared/errors';
import { jsonBody, queryBool, queryInt, queryString } from './request';
import { json } from './responses';
import type { ApiDeps, ApiRequest, Route } from './router';
import { scheduledTaskTypesOf, workflowFilterOf } from './search-filters';
import { checkFreeText, refuseTaskSort, searchPageOf, workflowSortOf } from './search-params';
import { parseSearchQuery } from './search-query';
import { taskSummaryOf, workflowSummaryOf } from './search-summaries';

/** Correlation ids one POST may look up; each is a query of its own. */
const MAX_CORRELATION_IDS = 100;
/** Task types one queue-size request may count; each is four count queries at least. */
const MAX_QUEUE_TYPES = 100;

const queryOf = (request: ApiRequest) => parseSearchQuery(queryString(request, 'query') ?? '');

/**
 * Conductor's Workflow JSON for a listed workflow: tasks left empty, as Conductor does without
 * includeTasks, or loaded (a strong read of the whole execution) with it.
 */
const withTasks = async (
  deps: ApiDeps,
  workflows: WorkflowWithoutTasks[],
  includeTasks: boolean,
): Promise<Workflow[]> => {
  if (!includeTasks) return workflows.map((workflow) => ({ ...workflow, tasks: [] }));
  const loaded = await Promise.all(workflows.map(({ workflowId }) => deps.store.load(workflowId)));
  return loaded.flatMap((stored) => (stored ? [stored.workflow] : []));
};

const correlated = async (request: ApiRequest, deps: ApiDeps, correlationId: string) => {
  const found = await deps.queries.correlatedWorkflows(
    request.params.name!,
    correlationId,
    queryBool(request, 'includeClosed', false),
  );
  return withTasks(deps, found, queryBool(request, 'includeTasks', false));
};

const correlationIdsOf = (request: ApiRequest): string[] => {
  const body = jsonBody(request, 'a list of correlation ids');
  if (!Array.isArray(body) || !body.every((id) => typeof id === 'string' && id !== '')) {
    throw new ValidationError('request body must be a list of correlation ids (non-empty strings)');
  }
  if (body.length > MAX_CORRELATION_IDS) {
    throw new ValidationError(
      `at most ${MAX_CORRELATION_IDS} correlation ids per request, got ${body.length}`,
    );
  }
  return body as string[];
};

/** `taskType` repeated, or comma-separated as Spring also reads a list parameter. */
const taskTypesOf = (request: ApiRequest): string[] => {
  const types = [
    ...new Set(
      request.query
        .getAll('taskType')
        .flatMap((value) => value.split(','))
        .map((type) => type.trim())
        .filter((type) => type !== ''),
    ),
  ];
  if (types.length === 0)
    throw new ValidationError('query parameter taskType is required: the task types to count');
  if (types.length > MAX_QUEUE_TYPES) {
    throw new ValidationError(`at most ${MAX_QUEUE_TYPES} task types per request, got ${types.length}`);
  }
  return types;
};

/**
 * Searches and lists, each answered from an index (lambdas/adapters/dynamodb/search-*.ts). The
 * route table puts these first: `/api/workflow/{workflowId}` and `/api/tasks/{taskId}` would
 * otherwise take `search`, and `/api/workflow/{workflowId}/status` a workflow named `status`.
 */
export const searchRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/workflow/search',
    handle: async (request, deps) => {
      const page = searchPageOf(request);
      const order = workflowSortOf(request);
      checkFreeText(request);
      const found = await deps.queries.searchWorkflows(workflowFilterOf(queryOf(request)), page, order);
      return json({ totalHits: found.totalHits, results: found.results.map(workflowSummaryOf) });
    },
  },
  {
    method: 'GET',
    path: '/api/workflow/running/{name}',
    handle: async (request, deps) => {
      // Conductor reads `version` as 1 when absent; Baton lists every version then.
      const version = queryInt(request, 'version', { min: 1 });
      const startedFrom = queryInt(request, 'startTime', { min: 0 });
      const startedTo = queryInt(request, 'endTime', { min: 0 });
      if (startedFrom !== undefined && startedTo !== undefined && startedFrom > startedTo) {
        throw new ValidationError(`startTime (${startedFrom}) is after endTime (${startedTo})`);
      }
      return json(
        await deps.queries.runningWorkflowIds(request.params.name!, { version, startedFrom, startedTo }),
      );
    },
  },
  {
    method: 'GET',
    path: '/api/workflow/{name}/correlated/{correlationId}',
    handle: async (request, deps) => json(await correlated(request, deps, request.params.correlationId!)),
  },
  {
    method: 'POST',
    path: '/api/workflow/{name}/correlated',
    handle: async (request, deps) => {
      const ids = [...new Set(correlationIdsOf(request))];
      const lists = await Promise.all(ids.map((id) => correlated(request, deps, id)));
      return json(Object.fromEntries(ids.map((id, index) => [id, lists[index]])));
    },
  },
  {
    method: 'GET',
    path: '/api/tasks/search',
    handle: async (request, deps) => {
      const page = searchPageOf(request);
      refuseTaskSort(request);
      checkFreeText(request);
      const found = await deps.queries.scheduledTasks(scheduledTaskTypesOf(queryOf(request)), page);
      return json({ totalHits: found.totalHits, results: found.results.map(taskSummaryOf) });
    },
  },
  {
    method: 'GET',
    path: '/api/tasks/queue/sizes',
    handle: async (request, deps) => json(await deps.queries.queueSizes(taskTypesOf(request))),
  },
  {
    method: 'GET',
    path: '/api/tasks/queue/size',
    handle: async (request, deps) => {
      const taskType = queryString(request, 'taskType');
      if (!taskType)
        throw new ValidationError('query parameter taskType is required: the task type to count');
      return json((await deps.queries.queueSizes([taskType]))[taskType] ?? 0);
    },
  },
  {
    method: 'GET',
    path: '/api/tasks/queue/all',
    handle: async (_request, deps) => {
      // Queues are per type, and the registered task definitions are the types there are: one without
      // a definition (a SIMPLE task run with defaults) is countable through /queue/sizes only.
      const types = (await deps.metadata.listTaskDefs()).map(({ name }) => name);
      return json(await deps.queries.queueSizes(types));
    },
  },
];
