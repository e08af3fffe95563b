import { TaskStatus, WorkflowStatus } from '../core/model';
import { kindOf } from '../core/tasks/index';
import type { WorkflowFilter } from '../ports';
import { ValidationError } from '../shared/errors';
import { type QueryClause, queryError } from './search-query';

/**
 * Query clauses → what the indexes can serve, or a 400 saying why not. Several clauses on one
 * field narrow it further (`status IN (A, B) AND status = A` is A); clauses that leave nothing
 * (`status = A AND status = B`) give an empty filter list, which matches nothing.
 */

/** Values one field may list: every value is one or more index partitions to read. */
const MAX_VALUES_PER_FIELD = 10;

const WORKFLOW_FIELDS = ['workflowType', 'status', 'correlationId', 'startTime'] as const;
const WORKFLOW_STATUSES: readonly string[] = Object.values(WorkflowStatus);
const TASK_STATUSES: readonly string[] = Object.values(TaskStatus);

/** The values of an `=` or `IN` clause, narrowed by what earlier clauses on the field allowed. */
const narrowed = (clause: QueryClause, earlier: readonly string[] | undefined): string[] => {
  if (clause.operator !== '=' && clause.operator !== 'IN') {
    throw queryError(clause.position, `${clause.field} takes = or IN, not ${clause.operator}`);
  }
  if (clause.values.length > MAX_VALUES_PER_FIELD) {
    throw queryError(clause.position, `${clause.field} IN may list at most ${MAX_VALUES_PER_FIELD} values`);
  }
  const values = [...new Set(clause.values)];
  return earlier ? values.filter((value) => earlier.includes(value)) : values;
};

const checkedValues = (clause: QueryClause, allowed: readonly string[], what: string): void => {
  const wrong = clause.values.find((value) => !allowed.includes(value));
  if (wrong !== undefined) {
    throw queryError(
      clause.position,
      `${JSON.stringify(wrong)} is not a ${what}: use one of ${allowed.join(', ')}`,
    );
  }
};

const epochMs = (clause: QueryClause): number => {
  const [value] = clause.values;
  if (!/^\d{1,16}$/.test(value!)) {
    throw queryError(
      clause.position,
      `startTime compares with epoch milliseconds, got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
};

/** startTime clauses as inclusive bounds, each narrowing the ones before. */
const withStartTime = (filter: WorkflowFilter, clause: QueryClause): WorkflowFilter => {
  if (clause.operator === 'IN')
    throw queryError(clause.position, 'startTime takes =, >, <, >= or <=, not IN');
  const ms = epochMs(clause);
  const from = { '=': ms, '>': ms + 1, '>=': ms, '<': undefined, '<=': undefined }[clause.operator];
  const to = { '=': ms, '<': ms - 1, '<=': ms, '>': undefined, '>=': undefined }[clause.operator];
  return {
    ...filter,
    startedFrom: from === undefined ? filter.startedFrom : Math.max(from, filter.startedFrom ?? 0),
    startedTo:
      to === undefined ? filter.startedTo : Math.min(to, filter.startedTo ?? Number.MAX_SAFE_INTEGER),
  };
};

/** A workflow search's filter. Fields: workflowType, status, correlationId (= or IN), startTime (comparisons). */
export const workflowFilterOf = (clauses: readonly QueryClause[]): WorkflowFilter => {
  let filter: WorkflowFilter = {};
  for (const clause of clauses) {
    switch (clause.field) {
      case 'workflowType':
        filter = { ...filter, workflowTypes: narrowed(clause, filter.workflowTypes) };
        break;
      case 'correlationId':
        filter = { ...filter, correlationIds: narrowed(clause, filter.correlationIds) };
        break;
      case 'status':
        checkedValues(clause, WORKFLOW_STATUSES, 'workflow status');
        filter = { ...filter, statuses: narrowed(clause, filter.statuses) as WorkflowStatus[] };
        break;
      case 'startTime':
        filter = withStartTime(filter, clause);
        break;
      default:
        throw queryError(
          clause.position,
          `workflows cannot be searched by ${clause.field}: Baton's indexes serve ${WORKFLOW_FIELDS.join(', ')}`,
        );
    }
  }
  return filter;
};

/** Why a task search can serve only SCHEDULED tasks by type; part of every refusal. */
const ONLY_SCHEDULED =
  'only SCHEDULED worker tasks are indexed, by type (the queues pollers read); indexing tasks in ' +
  'other states would add an index write to every task transition';

const missing = (message: string): ValidationError =>
  new ValidationError(`query is not valid: ${message}`, [{ path: '$.query', message }]);

/**
 * A task search's types. It must name the types (`taskType = 'x'` or `IN`) and ask for
 * `status = SCHEDULED`: the one combination an index serves (docs/storage.md, "Task search").
 */
export const scheduledTaskTypesOf = (clauses: readonly QueryClause[]): string[] => {
  let taskTypes: string[] | undefined;
  let statusGiven = false;
  for (const clause of clauses) {
    if (clause.field === 'taskType') {
      taskTypes = narrowed(clause, taskTypes);
      for (const taskType of clause.values) {
        const runner = kindOf(taskType)?.runner;
        if (runner !== undefined && runner !== 'worker') {
          throw queryError(
            clause.position,
            `${taskType} tasks are run by Baton, never queued for workers; ${ONLY_SCHEDULED}`,
          );
        }
      }
    } else if (clause.field === 'status') {
      checkedValues(clause, TASK_STATUSES, 'task status');
      const other = clause.values.find((status) => status !== TaskStatus.SCHEDULED);
      if (other !== undefined) {
        throw queryError(clause.position, `tasks cannot be searched by status ${other}: ${ONLY_SCHEDULED}`);
      }
      narrowed(clause, undefined);
      statusGiven = true;
    } else {
      throw queryError(clause.position, `tasks cannot be searched by ${clause.field}: ${ONLY_SCHEDULED}`);
    }
  }
  if (!taskTypes)
    throw missing(`name the task types (taskType = 'x' or taskType IN (...)): ${ONLY_SCHEDULED}`);
  if (!statusGiven) throw missing(`add status = SCHEDULED: ${ONLY_SCHEDULED}`);
  return taskTypes;
};
