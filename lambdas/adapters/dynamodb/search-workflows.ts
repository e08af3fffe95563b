import { type Workflow, WorkflowStatus } from '../../core/model';
import type { SearchPage, SearchResult, WorkflowFilter, WorkflowWithoutTasks } from '../../ports';
import type { Item } from './attribute-values';
import { utf8Length } from './attribute-values';
import { bodyOfItem, keyOf, N, workflowOf } from './execution-items';
import {
  BODY_SK,
  HEAD_SK,
  MAX_INDEXED_CORRELATION_BYTES,
  MAX_INDEXED_NAME_BYTES,
  SEARCH_SHARDS,
  startKeyRange,
  statusKeyOf,
  typeKeyOf,
  WORKFLOWS_BY_CORRELATION_INDEX,
  WORKFLOWS_BY_STATUS_INDEX,
  WORKFLOWS_BY_TYPE_INDEX,
  workflowIdOfPk,
} from './execution-keys';
import { IndexCursor, type PartitionQuery, takeMerged } from './search-index-cursor';
import { readItems } from './search-read-items';
import { type StoreContext, shapeKey } from './store-context';

const ALL_STATUSES = Object.values(WorkflowStatus);
/**
 * Index entries per Query page in a paged search, at most. A merge reads every partition's first
 * page, so each partition overshoots the page by up to this much; a deep page (a large `start`) is
 * read in steps of it rather than all at once in every partition.
 */
const MAX_SEARCH_PAGE = 100;
/** Per Query page when a whole partition is wanted (DynamoDB stops at 1 MB a page anyway). */
const WHOLE_PARTITION_PAGE = 1_000;

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];
const shards = Array.from({ length: SEARCH_SHARDS }, (_, shard) => shard);

const isEmpty = (filter: WorkflowFilter): boolean =>
  [filter.workflowTypes, filter.statuses, filter.correlationIds].some((values) => values?.length === 0) ||
  (filter.startedFrom ?? 0) > (filter.startedTo ?? Number.MAX_SAFE_INTEGER);

const rangeOf = ({ startedFrom, startedTo }: WorkflowFilter): [string, string] | undefined =>
  startedFrom === undefined && startedTo === undefined
    ? undefined
    : startKeyRange(startedFrom ?? 0, startedTo ?? Number.MAX_SAFE_INTEGER);

const withoutTasks = ({ tasks: _tasks, ...workflow }: Workflow): WorkflowWithoutTasks => workflow;

/** What a head says, before its body is read. */
const headOnly = (head: Item): WorkflowWithoutTasks =>
  withoutTasks(workflowOf(head, bodyOfItem(undefined), []));

/**
 * Whether a workflow, as its head says now, still matches: the index may show a status a moment
 * old, and a list must not show a COMPLETED workflow under "RUNNING".
 */
const matches = (workflow: WorkflowWithoutTasks, filter: WorkflowFilter): boolean =>
  (filter.workflowTypes?.includes(workflow.workflowName) ?? true) &&
  (filter.statuses?.includes(workflow.status) ?? true) &&
  (filter.correlationIds === undefined ||
    (workflow.correlationId !== undefined && filter.correlationIds.includes(workflow.correlationId))) &&
  workflow.startTime >= (filter.startedFrom ?? 0) &&
  workflow.startTime <= (filter.startedTo ?? Number.MAX_SAFE_INTEGER);

/**
 * The partitions a search without correlationIds reads: each type's partitions per status in
 * workflowsByType when types are named, else each status's in workflowsByStatus; all shards of each.
 */
const typeOrStatusPartitions = (filter: WorkflowFilter, ascending: boolean): PartitionQuery[] => {
  const statuses = unique(filter.statuses ?? ALL_STATUSES);
  const range = rangeOf(filter);
  const common = { sortKey: 'startKey', range, ascending };
  if (filter.workflowTypes) {
    // A name too long for a key is in no index, so it can match nothing there.
    const types = unique(filter.workflowTypes).filter((type) => utf8Length(type) <= MAX_INDEXED_NAME_BYTES);
    return types.flatMap((type) =>
      statuses.flatMap((status) =>
        shards.map((shard) => ({
          ...common,
          indexName: WORKFLOWS_BY_TYPE_INDEX,
          partitionKey: ['typeKey', typeKeyOf(type, status, shard)] as [string, string],
        })),
      ),
    );
  }
  return statuses.flatMap((status) =>
    shards.map((shard) => ({
      ...common,
      indexName: WORKFLOWS_BY_STATUS_INDEX,
      partitionKey: ['statusKey', statusKeyOf(status, shard)] as [string, string],
    })),
  );
};

const correlationPartitions = (filter: WorkflowFilter, ascending: boolean): PartitionQuery[] =>
  unique(filter.correlationIds ?? [])
    .filter((id) => utf8Length(id) <= MAX_INDEXED_CORRELATION_BYTES)
    .map((id) => ({
      indexName: WORKFLOWS_BY_CORRELATION_INDEX,
      partitionKey: ['correlationKey', id],
      sortKey: 'startKey',
      range: rangeOf(filter),
      ascending,
    }));

const workflowIdOf = (entry: Item): string => workflowIdOfPk(entry.pk!.S!);

/** Reads the given items of each workflow in one batch; answers (workflowId, sk) → item. */
const readParts = async (
  context: StoreContext,
  workflowIds: readonly string[],
  sks: readonly string[],
  operation: string,
): Promise<(workflowId: string, sk: string) => Item | undefined> => {
  const found = await readItems(
    context,
    workflowIds.flatMap((id) => sks.map((sk) => keyOf(id, sk))),
    operation,
  );
  return (workflowId, sk) => found.get(shapeKey(keyOf(workflowId, sk)));
};

/** The page's workflows, heads and bodies read together; one gone since the index saw it is left out. */
const readWorkflows = async (
  context: StoreContext,
  workflowIds: readonly string[],
  operation: string,
): Promise<WorkflowWithoutTasks[]> => {
  const part = await readParts(context, workflowIds, [HEAD_SK, BODY_SK], operation);
  return workflowIds.flatMap((id) => {
    const head = part(id, HEAD_SK);
    return head ? [withoutTasks(workflowOf(head, bodyOfItem(part(id, BODY_SK)), []))] : [];
  });
};

/**
 * A page of matches from index entries merged in start order: only `start + size + 1` entries are
 * taken (the one past the page says whether there are more), then only the page's workflows are
 * read from the table, each a head and a body.
 */
const pageFromIndex = async (
  context: StoreContext,
  partitions: PartitionQuery[],
  filter: WorkflowFilter,
  page: SearchPage,
): Promise<SearchResult<WorkflowWithoutTasks>> => {
  const wanted = page.start + page.size + 1;
  const cursors = partitions.map(
    (partition) =>
      new IndexCursor(context, partition, Math.min(wanted, MAX_SEARCH_PAGE), 'searchWorkflows.index'),
  );
  const entries = await takeMerged(cursors, wanted);
  const pageIds = entries.slice(page.start, page.start + page.size).map(workflowIdOf);
  const results = (await readWorkflows(context, pageIds, 'searchWorkflows.items')).filter((workflow) =>
    matches(workflow, filter),
  );
  return { totalHits: entries.length - (pageIds.length - results.length), results };
};

/**
 * Correlation ids with a type or status: the correlation index knows neither, so every head
 * sharing the ids is read and judged (as many as share them, not as many as the table holds),
 * then the page's bodies.
 */
const pageFromHeads = async (
  context: StoreContext,
  partitions: PartitionQuery[],
  filter: WorkflowFilter,
  page: SearchPage,
  metered = 'searchWorkflows',
): Promise<SearchResult<WorkflowWithoutTasks>> => {
  const cursors = partitions.map(
    (partition) => new IndexCursor(context, partition, WHOLE_PARTITION_PAGE, `${metered}.index`),
  );
  const ids = (await takeMerged(cursors, Number.POSITIVE_INFINITY)).map(workflowIdOf);
  const part = await readParts(context, ids, [HEAD_SK], `${metered}.heads`);
  const matching = ids.flatMap((id) => {
    const head = part(id, HEAD_SK);
    return head && matches(headOnly(head), filter) ? [{ id, head }] : [];
  });
  const onPage = matching.slice(page.start, page.start + page.size);
  const body = await readParts(
    context,
    onPage.map(({ id }) => id),
    [BODY_SK],
    `${metered}.items`,
  );
  return {
    totalHits: Math.min(matching.length, page.start + page.size + 1),
    results: onPage.map(({ id, head }) => withoutTasks(workflowOf(head, bodyOfItem(body(id, BODY_SK)), []))),
  };
};

/** ExecutionQueries.searchWorkflows: the index chosen by the filter (docs/storage.md, "Searches"). */
export const searchWorkflows = async (
  context: StoreContext,
  filter: WorkflowFilter,
  page: SearchPage,
  order: 'ASC' | 'DESC',
): Promise<SearchResult<WorkflowWithoutTasks>> => {
  if (isEmpty(filter)) return { totalHits: 0, results: [] };
  const ascending = order === 'ASC';
  if (!filter.correlationIds)
    return pageFromIndex(context, typeOrStatusPartitions(filter, ascending), filter, page);
  const partitions = correlationPartitions(filter, ascending);
  return filter.workflowTypes || filter.statuses
    ? pageFromHeads(context, partitions, filter, page)
    : pageFromIndex(context, partitions, filter, page);
};

/** Running ids straight from workflowsByType's RUNNING partitions: no head is read. */
export const runningWorkflowIds = async (
  context: StoreContext,
  workflowType: string,
  options: { version?: number; startedFrom?: number; startedTo?: number } = {},
): Promise<string[]> => {
  const filter: WorkflowFilter = {
    workflowTypes: [workflowType],
    statuses: [WorkflowStatus.RUNNING],
    ...options,
  };
  if (isEmpty(filter)) return [];
  const byVersion =
    options.version === undefined
      ? undefined
      : { expression: 'workflowVersion = :version', values: { ':version': N(options.version) } };
  const cursors = typeOrStatusPartitions(filter, true).map(
    (partition) =>
      new IndexCursor(
        context,
        { ...partition, filter: byVersion },
        WHOLE_PARTITION_PAGE,
        'runningWorkflowIds.index',
      ),
  );
  return (await takeMerged(cursors, Number.POSITIVE_INFINITY)).map(workflowIdOf);
};

/** One correlation id's workflows of one type: the index entries, then their heads, then the bodies of those kept. */
export const correlatedWorkflows = async (
  context: StoreContext,
  workflowType: string,
  correlationId: string,
  includeClosed: boolean,
): Promise<WorkflowWithoutTasks[]> => {
  const filter: WorkflowFilter = {
    workflowTypes: [workflowType],
    correlationIds: [correlationId],
    ...(includeClosed ? {} : { statuses: [WorkflowStatus.RUNNING, WorkflowStatus.PAUSED] }),
  };
  const everything = { start: 0, size: Number.MAX_SAFE_INTEGER };
  const partitions = correlationPartitions(filter, true);
  return (await pageFromHeads(context, partitions, filter, everything, 'correlatedWorkflows')).results;
};
