import {
  type Problem,
  type TaskDef,
  validateTaskDef,
  validateWorkflowDef,
  type WorkflowDef,
} from '../core/index';
import type { WorkflowDefSummary } from '../ports';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { jsonBody, listBody, queryBool, queryInt } from './request';
import { empty, json } from './responses';
import type { ApiRequest, Route } from './router';

/**
 * Definitions in one bulk request (PUT /metadata/workflow, POST /metadata/taskdefs). Each is one
 * write, made one after the other; this many stay well inside API Gateway's 29 seconds.
 */
export const MAX_DEFINITIONS_PER_REQUEST = 100;

const invalid = (problems: Problem[], what: string): ValidationError =>
  new ValidationError(
    `Validation failed: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the ${what}, ` +
      'listed in validationErrors',
    problems,
  );

/** Re-roots an entry's problem paths at the whole request body, `$[2].tasks[0]...`. */
const inEntry = (problems: Problem[], index: number): Problem[] =>
  problems.map(({ path, message }) => ({ path: `$[${index}]${path.slice(1)}`, message }));

/** An entry naming what an earlier one names: which of the two was meant is anyone's guess. */
const repeats = (entries: unknown[], keyOf: (entry: Record<string, unknown>) => string): Problem[] => {
  const firstAt = new Map<string, number>();
  const problems: Problem[] = [];
  entries.forEach((entry, index) => {
    const key = keyOf(entry as Record<string, unknown>);
    const first = firstAt.get(key);
    if (first === undefined) firstAt.set(key, index);
    else problems.push({ path: `$[${index}]`, message: `${key} is already given at $[${first}]` });
  });
  return problems;
};

/**
 * Every problem of every entry, so one round trip shows them all; nothing is stored unless all
 * pass. Repeats are looked for only once every entry is valid, so each has a name to compare.
 */
const checkAll = (
  request: ApiRequest,
  what: { list: string; entries: string },
  check: (value: unknown) => Problem[],
  keyOf: (entry: Record<string, unknown>) => string,
): unknown[] => {
  const entries = listBody(request, what.list);
  if (entries.length > MAX_DEFINITIONS_PER_REQUEST) {
    throw new ValidationError(
      `request body holds ${entries.length} definitions; the limit is ${MAX_DEFINITIONS_PER_REQUEST} a request`,
    );
  }
  const problems = entries.flatMap((entry, index) => inEntry(check(entry), index));
  if (problems.length === 0) problems.push(...repeats(entries, keyOf));
  if (problems.length > 0) throw invalid(problems, what.entries);
  return entries;
};

/** Conductor's WorkflowDef defaults its version to 1; storing it makes GET answer with it too. */
const withVersion = (def: WorkflowDef): WorkflowDef => ({ ...def, version: def.version ?? 1 });
const workflowKeyOf = (entry: Record<string, unknown>) => `${entry.name}.${entry.version ?? 1}`;

const workflowDefOf = (value: unknown): WorkflowDef => {
  const problems = validateWorkflowDef(value);
  if (problems.length > 0) throw invalid(problems, 'workflow definition');
  return withVersion(value as WorkflowDef);
};

const taskDefOf = (value: unknown): TaskDef => {
  const problems = validateTaskDef(value);
  if (problems.length > 0) throw invalid(problems, 'task definition');
  return value as TaskDef;
};

const summaryOf = ({ name, version, createTime, updateTime }: WorkflowDef): WorkflowDefSummary => ({
  name,
  version: version ?? 1,
  ...(typeof createTime === 'number' ? { createTime } : {}),
  ...(typeof updateTime === 'number' ? { updateTime } : {}),
});

/** The highest version of each name. */
const latestOfEach = (defs: WorkflowDef[]): WorkflowDef[] => {
  const latest = new Map<string, WorkflowDef>();
  for (const def of defs) {
    const known = latest.get(def.name);
    if (!known || (def.version ?? 1) > (known.version ?? 1)) latest.set(def.name, def);
  }
  return [...latest.values()];
};

/** A version in the path: Spring would refuse anything but an integer, and versions start at 1. */
const versionInPath = (request: ApiRequest): number => {
  const raw = request.params.version!;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    throw new ValidationError(`path segment version must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
};

export const metadataRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/metadata/workflow/validate',
    // Conductor answers an empty 200 when the definition is valid; nothing is stored either way.
    handle: async (request) => {
      workflowDefOf(jsonBody(request, 'a WorkflowDef'));
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/api/metadata/workflow',
    handle: async (request, { metadata }) => {
      const overwrite = queryBool(request, 'overwrite', false);
      const def = workflowDefOf(jsonBody(request, 'a WorkflowDef'));
      if (overwrite) await metadata.putWorkflowDef(def);
      else if ((await metadata.createWorkflowDef(def)) === 'exists') {
        throw new ConflictError(`Workflow with ${def.name}.${def.version} already exists!`);
      }
      return empty();
    },
  },
  {
    method: 'PUT',
    path: '/api/metadata/workflow',
    handle: async (request, { metadata }) => {
      const entries = checkAll(
        request,
        { list: 'a list of WorkflowDefs', entries: 'workflow definitions' },
        validateWorkflowDef,
        workflowKeyOf,
      );
      // Conductor's BulkResponse; validation has passed, so a failure here is the store's, per entry.
      const bulkErrorResults: Record<string, string> = {};
      const bulkSuccessfulResults: string[] = [];
      for (const def of (entries as WorkflowDef[]).map(withVersion)) {
        try {
          await metadata.putWorkflowDef(def);
          bulkSuccessfulResults.push(def.name);
        } catch (error) {
          const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
          console.error(
            JSON.stringify({ message: 'workflow definition not stored', name: def.name, reason }),
          );
          bulkErrorResults[def.name] = `could not store ${def.name}.${def.version}; try again`;
        }
      }
      return json({ bulkErrorResults, bulkSuccessfulResults });
    },
  },
  {
    method: 'GET',
    path: '/api/metadata/workflow',
    // Every version of every name, as Conductor lists them.
    handle: async (_request, { metadata }) => json(await metadata.listWorkflowDefs()),
  },
  {
    method: 'GET',
    path: '/api/metadata/workflow/names-and-versions',
    handle: async (_request, { metadata }) => {
      const byName = new Map<string, WorkflowDefSummary[]>();
      for (const def of await metadata.listWorkflowDefs()) {
        const versions = byName.get(def.name) ?? [];
        versions.push(summaryOf(def));
        byName.set(def.name, versions);
      }
      const sorted = [...byName].map(([name, versions]) => [
        name,
        versions.sort((a, b) => a.version - b.version),
      ]);
      return json(Object.fromEntries(sorted));
    },
  },
  {
    method: 'GET',
    path: '/api/metadata/workflow/latest-versions',
    handle: async (_request, { metadata }) => json(latestOfEach(await metadata.listWorkflowDefs())),
  },
  {
    method: 'GET',
    path: '/api/metadata/workflow/{name}/versions',
    // As Conductor: an unknown name has no versions, an empty list rather than a 404.
    handle: async (request, { metadata }) => json(await metadata.listWorkflowVersions(request.params.name!)),
  },
  {
    method: 'GET',
    path: '/api/metadata/workflow/{name}',
    handle: async (request, { metadata }) => {
      const { name } = request.params as { name: string };
      const version = queryInt(request, 'version');
      const def = await metadata.getWorkflowDef(name, version);
      if (!def) {
        throw new NotFoundError(`No such workflow found by name: ${name}, version: ${version ?? 'latest'}`);
      }
      return json(def);
    },
  },
  {
    method: 'DELETE',
    path: '/api/metadata/workflow/{name}/{version}',
    // Running executions carry their own copy of the definition, so they run on unaffected.
    handle: async (request, { metadata }) => {
      const { name } = request.params as { name: string };
      const version = versionInPath(request);
      if (!(await metadata.deleteWorkflowDef(name, version))) {
        throw new NotFoundError(`No such workflow definition: ${name} version: ${version}`);
      }
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/api/metadata/taskdefs',
    handle: async (request, { metadata }) => {
      const entries = checkAll(
        request,
        { list: 'a list of TaskDefs', entries: 'task definitions' },
        validateTaskDef,
        (entry) => String(entry.name),
      );
      // Conductor's createTaskDef overwrites an existing definition of the same name, and so does this.
      for (const def of entries as TaskDef[]) await metadata.putTaskDef(def);
      return empty();
    },
  },
  {
    method: 'PUT',
    path: '/api/metadata/taskdefs',
    handle: async (request, { metadata }) => {
      const def = taskDefOf(jsonBody(request, 'a TaskDef'));
      // PUT updates only, as in Conductor: registering is POST's job.
      if (!(await metadata.getTaskDef(def.name))) throw new NotFoundError(`No such task by name ${def.name}`);
      await metadata.putTaskDef(def);
      return empty();
    },
  },
  {
    method: 'GET',
    path: '/api/metadata/taskdefs',
    handle: async (_request, { metadata }) => json(await metadata.listTaskDefs()),
  },
  {
    method: 'GET',
    path: '/api/metadata/taskdefs/{name}',
    handle: async (request, { metadata }) => {
      const { name } = request.params as { name: string };
      const def = await metadata.getTaskDef(name);
      if (!def) throw new NotFoundError(`No such taskType found by name: ${name}`);
      return json(def);
    },
  },
  {
    method: 'DELETE',
    path: '/api/metadata/taskdefs/{name}',
    handle: async (request, { metadata }) => {
      const { name } = request.params as { name: string };
      if (!(await metadata.deleteTaskDef(name))) throw new NotFoundError(`No such task definition: ${name}`);
      return empty();
    },
  },
];
