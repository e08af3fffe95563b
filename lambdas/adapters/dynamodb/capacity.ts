import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { type Item, itemSize } from './attribute-values';
import {
  POLLABLE_INDEX,
  RECONCILE_INDEX,
  WORKFLOWS_BY_CORRELATION_INDEX,
  WORKFLOWS_BY_STATUS_INDEX,
  WORKFLOWS_BY_TYPE_INDEX,
} from './execution-keys';

/**
 * Request units, counted two ways. `readUnits`/`writeUnits` are what DynamoDB reported through
 * `ReturnConsumedCapacity: 'TOTAL'`: the truth on AWS, but made up by moto (a constant per call,
 * nothing for transactions). The `estimated…` pair applies DynamoDB's published billing rules to the
 * sizes of the items actually read and written, index writes included, so the cost bench gets
 * meaningful numbers on the emulator too (rules and assumptions: docs/storage.md).
 */
export interface CapacityUsage {
  calls: number;
  readUnits: number;
  writeUnits: number;
  estimatedReadUnits: number;
  estimatedWriteUnits: number;
  /** Writes refused by their condition (AWS bills those too). */
  conditionFailures: number;
}

const zero = (): CapacityUsage => ({
  calls: 0,
  readUnits: 0,
  writeUnits: 0,
  estimatedReadUnits: 0,
  estimatedWriteUnits: 0,
  conditionFailures: 0,
});

export interface Measurement {
  kind: 'read' | 'write';
  reported?: ConsumedCapacity | ConsumedCapacity[];
  estimatedReadUnits?: number;
  estimatedWriteUnits?: number;
  conditionFailed?: boolean;
}

/** Totals plus a breakdown by store operation (`commit`, `claimTasks.query`, …). */
export class CapacityMeter implements CapacityUsage {
  calls = 0;
  readUnits = 0;
  writeUnits = 0;
  estimatedReadUnits = 0;
  estimatedWriteUnits = 0;
  conditionFailures = 0;
  byOperation: Record<string, CapacityUsage> = {};

  record(operation: string, measurement: Measurement): void {
    const entry = this.byOperation[operation] ?? zero();
    this.byOperation[operation] = entry;
    for (const target of [this, entry]) add(target, measurement);
  }

  reset(): void {
    Object.assign(this, zero());
    this.byOperation = {};
  }

  /** A plain copy, for printing or diffing two moments. */
  snapshot(): CapacityUsage & { byOperation: Record<string, CapacityUsage> } {
    const { byOperation, ...total } = this;
    return { ...total, byOperation: structuredClone(byOperation) };
  }
}

const add = (target: CapacityUsage, m: Measurement): void => {
  target.calls += 1;
  for (const consumed of [m.reported ?? []].flat()) {
    const units = consumed.CapacityUnits ?? 0;
    const read = consumed.ReadCapacityUnits ?? (m.kind === 'read' ? units : 0);
    const write = consumed.WriteCapacityUnits ?? (m.kind === 'write' ? units : 0);
    target.readUnits += read;
    target.writeUnits += write;
  }
  target.estimatedReadUnits += m.estimatedReadUnits ?? 0;
  target.estimatedWriteUnits += m.estimatedWriteUnits ?? 0;
  if (m.conditionFailed) target.conditionFailures += 1;
};

const KB = 1024;

/** One read request: 4 KB units over the summed size of what it read, halved when eventually consistent. */
export const readUnitsFor = (bytes: number, consistent: boolean): number =>
  Math.max(1, Math.ceil(bytes / (4 * KB))) * (consistent ? 1 : 0.5);

/** One item written: 1 KB units, at least one. */
export const writeUnitsFor = (bytes: number): number => Math.max(1, Math.ceil(bytes / KB));

/** What an item looks like to the billing rules: its size and the index entries it has. */
export interface ItemShape {
  bytes: number;
  entries: Record<string, { key: string; projection: string; bytes: number }>;
}

const pick = (item: Item, names: string[]): Item =>
  Object.fromEntries(names.filter((name) => item[name] !== undefined).map((name) => [name, item[name]!]));

const keyText = (item: Item, names: string[]): string =>
  names.map((name) => JSON.stringify(item[name] ?? null)).join('|');

export const shapeOf = (item: Item): ItemShape => {
  const entries: ItemShape['entries'] = {};
  if (item.queueKey && item.queueSort) {
    entries[POLLABLE_INDEX] = {
      key: keyText(item, ['queueKey', 'queueSort']),
      projection: '',
      bytes: itemSize(pick(item, ['pk', 'sk', 'queueKey', 'queueSort'])),
    };
  }
  if (item.rcShard && item.rcDue) {
    entries[RECONCILE_INDEX] = {
      key: keyText(item, ['rcShard', 'rcDue']),
      projection: keyText(item, ['workflowId', 'rev']),
      bytes: itemSize(pick(item, ['pk', 'sk', 'rcShard', 'rcDue', 'workflowId', 'rev'])),
    };
  }
  // The search indexes (heads only): their keys move at start, end, pause and the like.
  const searchEntry = (index: string, hash: string, projected: string[]) => {
    if (!item[hash] || !item.startKey) return;
    entries[index] = {
      key: keyText(item, [hash, 'startKey']),
      projection: keyText(item, projected),
      bytes: itemSize(pick(item, ['pk', 'sk', hash, 'startKey', ...projected])),
    };
  };
  searchEntry(WORKFLOWS_BY_TYPE_INDEX, 'typeKey', ['workflowVersion']);
  searchEntry(WORKFLOWS_BY_STATUS_INDEX, 'statusKey', []);
  searchEntry(WORKFLOWS_BY_CORRELATION_INDEX, 'correlationKey', []);
  return { bytes: itemSize(item), entries };
};

const INDEXES = [
  POLLABLE_INDEX,
  RECONCILE_INDEX,
  WORKFLOWS_BY_TYPE_INDEX,
  WORKFLOWS_BY_STATUS_INDEX,
  WORKFLOWS_BY_CORRELATION_INDEX,
] as const;

/**
 * Index writes caused by an item going from `before` to `after` (either may be absent): adding or
 * removing an entry is one write, moving it to another key is two (delete and put), changing only
 * a projected attribute is one.
 */
export const indexWriteUnits = (before: ItemShape | undefined, after: ItemShape | undefined): number => {
  let units = 0;
  for (const index of INDEXES) {
    const old = before?.entries[index];
    const next = after?.entries[index];
    if (!old && !next) continue;
    if (!old) units += writeUnitsFor(next!.bytes);
    else if (!next) units += writeUnitsFor(old.bytes);
    else if (old.key !== next.key) units += writeUnitsFor(old.bytes) + writeUnitsFor(next.bytes);
    else if (old.projection !== next.projection) units += writeUnitsFor(next.bytes);
  }
  return units;
};

/**
 * Units of one item write: the larger of the item's old and new size (as DynamoDB bills an update
 * or a replacing put), doubled inside a transaction (prepare and commit), plus its index writes
 * (assumed not doubled). `before` is null when the item did not exist, undefined when unknown (then
 * taken to be the same shape as `after`); `after` is null for a delete.
 */
export const itemWriteUnits = (
  before: ItemShape | null | undefined,
  after: ItemShape | null,
  transactional = false,
): number => {
  const previous = before === undefined ? after : before;
  const bytes = Math.max(previous?.bytes ?? 0, after?.bytes ?? 0);
  return (
    writeUnitsFor(bytes) * (transactional ? 2 : 1) +
    indexWriteUnits(previous ?? undefined, after ?? undefined)
  );
};
