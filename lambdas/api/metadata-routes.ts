import {
  type Problem,
  type TaskDef,
  validateTaskDef,
  validateWorkflowDef,
  type WorkflowDef,
} from '../core/index';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { jsonBody, listBody, queryBool, queryInt } from './request';
import { empty, json } from './responses';
import type { Route } from './router';

const invalid = (problems: Problem[], what: string): ValidationError =>
  new ValidationError(
    `Validation failed: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the ${what}, ` +
      'listed in validationErrors',
    problems,
  );

/** Re-roots an entry's problem paths at the whole request body, `$[2].tasks[0]...`. */
const inEntry = (problems: Problem[], index: number): Problem[] =>
  problems.map(({ path, message }) => ({ path: `$[${index}]${path.slice(1)}`, message }));

/** Every problem of every entry, so one round trip shows them all; nothing is stored unless all pass. */
const checkAll = (entries: unknown[], check: (value: unknown) => Problem[], what: string): void => {
  const problems = entries.flatMap((entry, index) => inEntry(check(entry), index));
  if (problems.length > 0) throw invalid(problems, what);
};

/** Conductor's WorkflowDef defaults its version to 1; storing it makes GET answer with it too. */
const withVersion = (def: WorkflowDef): WorkflowDef => ({ ...def, version: def.version ?? 1 });

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

export const metadataRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/metadata/workflow',
    handle: async (request, { metadata }) => {
      const overwrite = queryBool(request, 'overwrite', false);
      const def = workflowDefOf(jsonBody(request, 'a WorkflowDef'));
      // Check-then-put, as Conductor does: two concurrent creates of one name and version can both
      // succeed (the later wins). The MetadataStore port has no conditional put to close that gap.
      const exists = await metadata.getWorkflowDef(def.name, def.version);
      if (exists && !overwrite) {
        throw new ConflictError(`Workflow with ${def.name}.${def.version} already exists!`);
      }
      await metadata.putWorkflowDef(def);
      return empty();
    },
  },
  {
    method: 'PUT',
    path: '/api/metadata/workflow',
    handle: async (request, { metadata }) => {
      const entries = listBody(request, 'a list of WorkflowDefs');
      checkAll(entries, validateWorkflowDef, 'workflow definitions');
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
    handle: async (_request, { metadata }) => json(await metadata.listWorkflowDefs()),
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
    method: 'POST',
    path: '/api/metadata/taskdefs',
    handle: async (request, { metadata }) => {
      const entries = listBody(request, 'a list of TaskDefs');
      checkAll(entries, validateTaskDef, 'task definitions');
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
