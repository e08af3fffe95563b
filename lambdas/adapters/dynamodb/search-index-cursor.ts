import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { type Item, itemSize } from './attribute-values';
import { readUnitsFor } from './capacity';
import type { StoreContext } from './store-context';

/**
 * What one filtered-out index entry is assumed to weigh when estimating a Query's units: DynamoDB
 * bills the entries it read before the filter, but returns only those that passed. A search
 * index entry holds the table keys, its own two keys and at most a version: ~200 bytes.
 */
const ASSUMED_ENTRY_BYTES = 200;

/** One partition of an index, read in sort-key order. */
export interface PartitionQuery {
  indexName: string;
  /** The partition key attribute and its value. */
  partitionKey: [name: string, value: string];
  /** The index's sort key attribute: the order entries come in and are merged by. */
  sortKey: string;
  /** Inclusive bounds on the sort key, when only a range is wanted. */
  range?: [from: string, to: string];
  /** A condition on projected attributes, with its `:name` values (entries failing it are still billed). */
  filter?: { expression: string; values: Item };
  ascending: boolean;
}

/**
 * One partition of an index, read lazily a page at a time: a merge asks for entries only as far
 * as the result needs, so what is read scales with the page asked for, not with the partition.
 */
export class IndexCursor {
  private readonly buffer: Item[] = [];
  private nextStart: Item | undefined;
  private exhausted = false;

  constructor(
    private readonly context: StoreContext,
    readonly query: PartitionQuery,
    private readonly pageSize: number,
    /** The meter's name for these reads. */
    private readonly operation: string,
  ) {}

  /** The next entry, without taking it; reads a page when none is buffered. */
  async peek(): Promise<Item | undefined> {
    while (this.buffer.length === 0 && !this.exhausted) await this.readPage();
    return this.buffer[0];
  }

  take(): Item | undefined {
    return this.buffer.shift();
  }

  /** Every entry left, oldest page first. */
  async drain(): Promise<Item[]> {
    const entries: Item[] = [];
    while (await this.peek()) entries.push(...this.buffer.splice(0));
    return entries;
  }

  private async readPage(): Promise<void> {
    const { indexName, partitionKey, sortKey, range, filter, ascending } = this.query;
    const values: Item = { ':partition': { S: partitionKey[1] }, ...filter?.values };
    let condition = '#partition = :partition';
    if (range) {
      condition += ' AND #sort BETWEEN :from AND :to';
      values[':from'] = { S: range[0] };
      values[':to'] = { S: range[1] };
    }
    const page = await this.context.client.send(
      new QueryCommand({
        TableName: this.context.tableName,
        IndexName: indexName,
        KeyConditionExpression: condition,
        FilterExpression: filter?.expression,
        ExpressionAttributeNames: {
          '#partition': partitionKey[0],
          ...(range ? { '#sort': sortKey } : {}),
        },
        ExpressionAttributeValues: values,
        ScanIndexForward: ascending,
        Limit: this.pageSize,
        ExclusiveStartKey: this.nextStart,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const items = page.Items ?? [];
    const filteredOut = Math.max(0, (page.ScannedCount ?? items.length) - items.length);
    const bytes = items.reduce((sum, item) => sum + itemSize(item), 0) + filteredOut * ASSUMED_ENTRY_BYTES;
    this.context.meter.record(this.operation, {
      kind: 'read',
      reported: page.ConsumedCapacity,
      estimatedReadUnits: readUnitsFor(bytes, false),
    });
    this.buffer.push(...items);
    this.nextStart = page.LastEvaluatedKey;
    this.exhausted = this.nextStart === undefined;
  }
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Order of two entries of cursors sharing a sort key attribute, the table key breaking ties. The
 * sort keys compared here are digits, `#` and ids, where JavaScript's order is DynamoDB's.
 */
const compareEntries =
  (sortKey: string, ascending: boolean) =>
  (a: Item, b: Item): number => {
    const order =
      byText(a[sortKey]?.S ?? '', b[sortKey]?.S ?? '') ||
      byText(`${a.pk?.S}\u0000${a.sk?.S}`, `${b.pk?.S}\u0000${b.sk?.S}`);
    return ascending ? order : -order;
  };

/**
 * Up to `count` entries from cursors that are each in sort-key order, merged into one order. The
 * first pages are read all at once; after that a cursor reads on only when the merge has used up
 * what it holds.
 */
export const takeMerged = async (cursors: IndexCursor[], count: number): Promise<Item[]> => {
  const [first] = cursors;
  if (!first || count <= 0) return [];
  const compare = compareEntries(first.query.sortKey, first.query.ascending);
  await Promise.all(cursors.map((cursor) => cursor.peek()));
  const taken: Item[] = [];
  while (taken.length < count) {
    let best: { cursor: IndexCursor; entry: Item } | undefined;
    for (const cursor of cursors) {
      const entry = await cursor.peek();
      if (entry && (!best || compare(entry, best.entry) < 0)) best = { cursor, entry };
    }
    if (!best) break;
    taken.push(best.cursor.take()!);
  }
  return taken;
};
