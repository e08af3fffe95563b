/**
 * A search never scans: over 1,000 workflows of mixed types and statuses, the read units a search
 * consumes depend on the page it asks for, not on how many workflows the table holds. Units are
 * estimated from the sizes of what each request read, by DynamoDB's billing rules (capacity.ts):
 * moto's own figures are made up. The numbers are printed; docs/storage.md quotes them.
 */
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemSize } from '../../lambdas/adapters/dynamodb/attribute-values';
import { readUnitsFor } from '../../lambdas/adapters/dynamodb/capacity';
import { ensureTable } from '../../lambdas/adapters/dynamodb/ensure-table';
import { DynamoExecutionStore } from '../../lambdas/adapters/dynamodb/execution-store';
import { executionTableDefinition } from '../../lambdas/adapters/dynamodb/execution-table';
import { DynamoExecutionQueries } from '../../lambdas/adapters/dynamodb/search-queries';
import type { WorkflowDef, WorkflowStatus } from '../../lambdas/core/model';
import { createWorkflow } from '../../lambdas/core/start';
import type { SearchPage, WorkflowFilter } from '../../lambdas/ports';
import { motoClients, useMoto } from '../support/moto';

const moto = useMoto();
let client: DynamoDBClient;
let store: DynamoExecutionStore;
let queries: DynamoExecutionQueries;
const tableName = `no-scan-${process.pid}`;

const T0 = Date.UTC(2026, 10, 24, 9);
const TYPES = ['orders', 'refunds', 'shipping', 'billing'];
/** Ten in a row: 4 running, 3 completed, and one each of failed, terminated and timed out. */
const STATUSES: WorkflowStatus[] = [
  'RUNNING',
  'COMPLETED',
  'RUNNING',
  'FAILED',
  'COMPLETED',
  'RUNNING',
  'TERMINATED',
  'COMPLETED',
  'RUNNING',
  'TIMED_OUT',
];
/** Every this many workflows one ends through a commit (moving its index keys); the rest are created as they end. */
const COMMITTED_EVERY = 40;
const CONCURRENCY = 8;

const definitionOf = (name: string): WorkflowDef => ({
  name,
  version: 1,
  tasks: [{ name: `${name}_work`, taskReferenceName: 'work', type: 'SIMPLE' }],
});

/** Workflows `from` to `to - 1`: created through the store, some ended by a commit. */
const createWorkflows = async (from: number, to: number): Promise<void> => {
  const one = async (n: number) => {
    // Blocks of ten of one type, so that every type has every status.
    const definition = definitionOf(TYPES[Math.floor(n / 10) % TYPES.length]!);
    const status = STATUSES[n % STATUSES.length]!;
    const byCommit = n % COMMITTED_EVERY === 0 && status !== 'RUNNING';
    const workflow = {
      ...createWorkflow(
        definition,
        {
          name: definition.name,
          input: { order: n, note: 'x'.repeat(200) },
          correlationId: `customer-${n % 50}`,
        },
        { workflowId: `wf-${String(n).padStart(4, '0')}`, now: T0 + n * 1_000 },
      ),
      ...(byCommit ? {} : { status, endTime: status === 'RUNNING' ? 0 : T0 + n * 1_000 + 500 }),
    };
    expect(await store.create({ workflow, definition })).toBe('created');
    if (byCommit) {
      const outcome = await store.commit({
        workflowId: workflow.workflowId,
        expectedVersion: 0,
        workflow: { ...workflow, status, endTime: T0 + n * 1_000 + 500 },
        tasks: [],
        removedTaskIds: [],
      });
      expect(outcome.kind).toBe('committed');
    }
  };
  const next = { n: from };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next.n < to) await one(next.n++);
    }),
  );
};

interface Measured {
  results: number;
  totalHits: number;
  indexUnits: number;
  itemUnits: number;
  units: number;
  requests: number;
}

const measure = async (filter: WorkflowFilter, page: SearchPage): Promise<Measured> => {
  queries.usage.reset();
  const found = await queries.searchWorkflows(filter, page, 'DESC');
  const { byOperation, estimatedReadUnits, calls } = queries.usage.snapshot();
  return {
    results: found.results.length,
    totalHits: found.totalHits,
    indexUnits: byOperation['searchWorkflows.index']?.estimatedReadUnits ?? 0,
    itemUnits: byOperation['searchWorkflows.items']?.estimatedReadUnits ?? 0,
    units: estimatedReadUnits,
    requests: calls,
  };
};

const SEARCHES: [string, WorkflowFilter][] = [
  ['everything, newest first', {}],
  ["workflowType = 'orders'", { workflowTypes: ['orders'] }],
  [
    "workflowType = 'orders' AND status IN (FAILED, TIMED_OUT)",
    { workflowTypes: ['orders'], statuses: ['FAILED', 'TIMED_OUT'] },
  ],
  ['status = RUNNING', { statuses: ['RUNNING'] }],
  ["correlationId = 'customer-7'", { correlationIds: ['customer-7'] }],
];

const measureAll = async () => {
  const rows: Record<string, Record<'10' | '50', Measured>> = {};
  for (const [name, filter] of SEARCHES) {
    rows[name] = {
      '10': await measure(filter, { start: 0, size: 10 }),
      '50': await measure(filter, { start: 0, size: 50 }),
    };
  }
  return rows;
};

/** What reading the table instead would cost: a Scan reads every item; reading each head is 0.5 RCU a head. */
const fullReadCosts = async () => {
  let bytes = 0;
  let heads = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      bytes += itemSize(item);
      if (item.sk?.S === '#HEAD') heads += 1;
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return { scanUnits: readUnitsFor(bytes, false), headUnits: heads * readUnitsFor(0, false), heads };
};

const print = (label: string, rows: Awaited<ReturnType<typeof measureAll>>) => {
  const lines = Object.entries(rows).map(
    ([name, { '10': ten, '50': fifty }]) =>
      `  ${name.padEnd(58)} page 10: ${String(ten.units).padStart(5)} RCU (index ${ten.indexUnits}, items ${ten.itemUnits}, ${ten.requests} requests)` +
      `   page 50: ${String(fifty.units).padStart(5)} RCU (index ${fifty.indexUnits}, items ${fifty.itemUnits}, ${fifty.requests} requests)`,
  );
  console.log([`estimated read units of one search over ${label}:`, ...lines].join('\n'));
};

describe('a search over 1,000 workflows', () => {
  let at250: Awaited<ReturnType<typeof measureAll>>;
  let at1000: Awaited<ReturnType<typeof measureAll>>;

  beforeAll(async () => {
    client = motoClients(moto.endpoint).dynamodb;
    await ensureTable(client, executionTableDefinition(tableName));
    store = new DynamoExecutionStore({ client, tableName });
    queries = new DynamoExecutionQueries({ client, tableName });
    await createWorkflows(0, 250);
    at250 = await measureAll();
    await createWorkflows(250, 1_000);
    at1000 = await measureAll();
    print('250 workflows', at250);
    print('1,000 workflows', at1000);
  }, 900_000);
  afterAll(() => client?.destroy());

  it('answers full pages, and counts hits only as far as one past the page', () => {
    for (const [name] of SEARCHES.slice(0, 4)) {
      expect(at1000[name]!['10'], name).toMatchObject({ results: 10, totalHits: 11 });
    }
    for (const [name] of [SEARCHES[0]!, SEARCHES[1]!, SEARCHES[3]!]) {
      expect(at1000[name]!['50'], name).toMatchObject({ results: 50, totalHits: 51 });
    }
    // Exactly 50 orders failed or timed out: once the matches end within the page, the count is exact.
    expect(at1000["workflowType = 'orders' AND status IN (FAILED, TIMED_OUT)"]!['50']).toMatchObject({
      results: 50,
      totalHits: 50,
    });
    // 1,000 / 50 customers: 20 workflows share each correlation id.
    expect(at1000["correlationId = 'customer-7'"]!['50']).toMatchObject({ results: 20, totalHits: 20 });
  });

  it('costs the same whether the table holds 250 workflows or 1,000', () => {
    for (const [name] of SEARCHES.slice(0, 4)) {
      expect(at1000[name]!['10'].units, name).toBe(at250[name]!['10'].units);
    }
    // A correlation id's workflows are read whole (5 share it at 250, 20 at 1,000): its cost follows
    // how many share the id, never the table; the index read itself is one small Query.
    const correlated = "correlationId = 'customer-7'";
    expect(at250[correlated]!['50']).toMatchObject({ results: 5, indexUnits: 0.5 });
    expect(at1000[correlated]!['50']).toMatchObject({ results: 20, indexUnits: 0.5 });
  });

  it('costs in proportion to the page, a small fraction of reading the table', async () => {
    const { scanUnits, headUnits, heads } = await fullReadCosts();
    expect(heads).toBe(1_000);
    console.log(`reading the table instead: a Scan ${scanUnits} RCU; every head by key ${headUnits} RCU`);
    for (const [name] of SEARCHES) {
      const { '10': ten, '50': fifty } = at1000[name]!;
      // A page's items are a head and a body per result (0.5 RCU each, eventually consistent).
      expect(ten.itemUnits, name).toBe(ten.results);
      expect(fifty.itemUnits, name).toBe(fifty.results);
      // Index reads: 0.5 RCU per partition read, a little more for a page of 50 (51 entries).
      expect(ten.indexUnits, name).toBeLessThanOrEqual(12);
      expect(fifty.indexUnits, name).toBeLessThanOrEqual(24);
      expect(ten.units, name).toBeLessThanOrEqual(22);
      expect(fifty.units, name).toBeLessThanOrEqual(74);
      expect(ten.units * 10, name).toBeLessThan(headUnits);
      expect(fifty.units * 5, name).toBeLessThan(headUnits);
      expect(fifty.units, name).toBeLessThan(scanUnits);
    }
  });
});
