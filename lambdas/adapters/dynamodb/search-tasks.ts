import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { type Task, TaskStatus } from '../../core/model';
import type { SearchPage, SearchResult } from '../../ports';
import type { Item } from './attribute-values';
import { readUnitsFor } from './capacity';
import { needsDefinition, taskOf } from './execution-items';
import { POLLABLE_INDEX, queueKeyOfShard, workflowIdOfPk } from './execution-keys';
import { IndexCursor, takeMerged } from './search-index-cursor';
import { readItems } from './search-read-items';
import { definitionFor, type StoreContext, shapeKey } from './store-context';

/** Queue entries per Query page in a task search, at most (see MAX_SEARCH_PAGE in search-workflows.ts). */
const MAX_SEARCH_PAGE = 100;
/**
 * What one pollable entry weighs, for estimating a COUNT query (it returns no items to weigh): the
 * table keys (~60 bytes with a UUID), queueKey, queueSort (~60) and responseTimeoutMs.
 */
const ASSUMED_QUEUE_ENTRY_BYTES = 180;

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];
const shardsOf = (context: StoreContext): number[] =>
  Array.from({ length: context.shards }, (_, shard) => shard);

/**
 * SCHEDULED worker tasks of the given types, from the pollable index (every shard of every type,
 * merged in queueSort order: when each falls due). Only the page's task items are read; a task
 * claimed since the index showed it is left out.
 */
export const scheduledTasks = async (
  context: StoreContext,
  taskTypes: readonly string[],
  page: SearchPage,
): Promise<SearchResult<Task>> => {
  const wanted = page.start + page.size + 1;
  const cursors = unique(taskTypes).flatMap((taskType) =>
    shardsOf(context).map(
      (shard) =>
        new IndexCursor(
          context,
          {
            indexName: POLLABLE_INDEX,
            partitionKey: ['queueKey', queueKeyOfShard(taskType, shard)],
            sortKey: 'queueSort',
            ascending: true,
          },
          Math.min(wanted, MAX_SEARCH_PAGE),
          'scheduledTasks.index',
        ),
    ),
  );
  const entries = await takeMerged(cursors, wanted);
  const onPage = entries.slice(page.start, page.start + page.size);
  const found = await readItems(context, onPage, 'scheduledTasks.items');
  const results: Task[] = [];
  for (const entry of onPage) {
    const item = found.get(shapeKey(entry));
    if (!item || item.queueKey === undefined) continue;
    const definition = needsDefinition(item)
      ? await definitionFor(context, workflowIdOfPk(item.pk!.S!))
      : undefined;
    const task = taskOf(item, definition);
    if (task.status === TaskStatus.SCHEDULED) results.push(task);
  }
  return { totalHits: entries.length - (onPage.length - results.length), results };
};

/** Entries in one queue partition: COUNT queries, page by page (each reads up to 1 MB of entries). */
const countPartition = async (context: StoreContext, queueKey: string): Promise<number> => {
  let count = 0;
  let start: Item | undefined;
  do {
    const page = await context.client.send(
      new QueryCommand({
        TableName: context.tableName,
        IndexName: POLLABLE_INDEX,
        KeyConditionExpression: 'queueKey = :queue',
        ExpressionAttributeValues: { ':queue': { S: queueKey } },
        Select: 'COUNT',
        ExclusiveStartKey: start,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    count += page.Count ?? 0;
    context.meter.record('queueSizes.count', {
      kind: 'read',
      reported: page.ConsumedCapacity,
      estimatedReadUnits: readUnitsFor((page.ScannedCount ?? 0) * ASSUMED_QUEUE_ENTRY_BYTES, false),
    });
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
};

/**
 * Tasks waiting per type: every entry of the type's queue partitions, due or not (a task waiting
 * out a callback or a retry delay is still in its queue, as in Conductor). A count reads the
 * entries it counts: about 0.5 RCU per 20 queued tasks, and 0.5 per partition at least.
 */
export const queueSizes = async (
  context: StoreContext,
  taskTypes: readonly string[],
): Promise<Record<string, number>> => {
  const types = unique(taskTypes);
  const counts = await Promise.all(
    types.map(async (taskType) => {
      const perShard = await Promise.all(
        shardsOf(context).map((shard) => countPartition(context, queueKeyOfShard(taskType, shard))),
      );
      return perShard.reduce((sum, count) => sum + count, 0);
    }),
  );
  return Object.fromEntries(types.map((taskType, index) => [taskType, counts[index]!]));
};
