/**
 * The ExecutionQueries contract: what every implementation (the in-memory fake, DynamoDB's
 * indexes) answers, checked through the ports alone. Executions are written through the
 * ExecutionStore the fixture pairs with the queries, so the DynamoDB run also shows that the
 * store's writes keep the search indexes right (a status change moves a workflow between them).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../lambdas/core/decide';
import type { Workflow, WorkflowDef, WorkflowStatus } from '../../lambdas/core/model';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import type { ScriptRuntime } from '../../lambdas/core/scripting/script-runtime';
import { createWorkflow } from '../../lambdas/core/start';
import type { ExecutionQueries, ExecutionStore } from '../../lambdas/ports';

export interface QueriesFixture {
  store: ExecutionStore;
  queries: ExecutionQueries;
}

const T0 = Date.UTC(2026, 10, 24, 9);

const definitionOf = (name: string, taskType: string, version = 1): WorkflowDef => ({
  name,
  version,
  tasks: [{ name: taskType, taskReferenceName: 'work', type: 'SIMPLE' }],
});

const ORDERS_V1 = definitionOf('orders', 'pack');
const ORDERS_V2 = definitionOf('orders', 'pack', 2);
const REFUNDS = definitionOf('refunds', 'refund');

const ids = (workflows: { workflowId: string }[]) => workflows.map(({ workflowId }) => workflowId);

export const describeExecutionQueriesContract = (
  name: string,
  makeFixture: () => Promise<QueriesFixture>,
): void => {
  describe(`${name} honours the ExecutionQueries contract`, () => {
    let scripts: ScriptRuntime;
    let store: ExecutionStore;
    let queries: ExecutionQueries;

    beforeAll(async () => {
      scripts = await loadScriptRuntime();
    });
    beforeEach(async () => {
      ({ store, queries } = await makeFixture());
    });

    /** Creates the execution and commits its first decide, which schedules its worker task. */
    const start = async (
      workflowId: string,
      definition: WorkflowDef,
      at: number,
      correlationId?: string,
    ): Promise<void> => {
      const workflow = createWorkflow(
        definition,
        { name: definition.name, input: { id: workflowId }, correlationId },
        { workflowId, now: at },
      );
      expect(await store.create({ workflow, definition })).toBe('created');
      const decided = decide({ workflow, definition }, { now: at, taskDefs: () => undefined, scripts });
      const outcome = await store.commit({
        workflowId,
        expectedVersion: 0,
        workflow: decided.next,
        tasks: decided.changedTasks.map((task) => ({ task })),
        removedTaskIds: decided.removedTaskIds,
      });
      expect(outcome.kind).toBe('committed');
    };

    /** A commit that ends the workflow (its tasks left as they were: the queries look at the head). */
    const end = async (workflowId: string, status: WorkflowStatus, at: number): Promise<void> => {
      const stored = (await store.load(workflowId))!;
      const workflow: Workflow = {
        ...stored.workflow,
        status,
        endTime: at,
        updateTime: at,
        output: { done: true },
      };
      const outcome = await store.commit({
        workflowId,
        expectedVersion: stored.version,
        workflow,
        tasks: [],
        removedTaskIds: [],
      });
      expect(outcome.kind).toBe('committed');
    };

    /** wf-1 orders (c-1), wf-2 refunds (c-1, FAILED), wf-3 orders v2 (c-2, COMPLETED), wf-4 orders, wf-5 refunds. */
    const seed = async () => {
      await start('wf-1', ORDERS_V1, T0, 'c-1');
      await start('wf-2', REFUNDS, T0 + 1_000, 'c-1');
      await start('wf-3', ORDERS_V2, T0 + 2_000, 'c-2');
      await start('wf-4', ORDERS_V1, T0 + 3_000);
      await start('wf-5', REFUNDS, T0 + 4_000);
      await end('wf-2', 'FAILED', T0 + 5_000);
      await end('wf-3', 'COMPLETED', T0 + 6_000);
    };

    const page = (start: number, size: number) => ({ start, size });

    it('finds workflows by type and status, following a commit that changed the status', async () => {
      await seed();
      const running = await queries.searchWorkflows(
        { workflowTypes: ['orders'], statuses: ['RUNNING'] },
        page(0, 10),
        'ASC',
      );
      expect(ids(running.results)).toEqual(['wf-1', 'wf-4']);
      const ended = await queries.searchWorkflows({ statuses: ['FAILED', 'COMPLETED'] }, page(0, 10), 'DESC');
      expect(ids(ended.results)).toEqual(['wf-3', 'wf-2']);
      expect(ended.results[0]).toMatchObject({
        workflowName: 'orders',
        workflowVersion: 2,
        status: 'COMPLETED',
        correlationId: 'c-2',
        input: { id: 'wf-3' },
        output: { done: true },
        startTime: T0 + 2_000,
        endTime: T0 + 6_000,
      });
      expect(ended.results[0]).not.toHaveProperty('tasks');
    });

    it('pages through everything in start order, counting hits as far as one past the page', async () => {
      await seed();
      const all = await queries.searchWorkflows({}, page(0, 10), 'DESC');
      expect(all).toMatchObject({ totalHits: 5 });
      expect(ids(all.results)).toEqual(['wf-5', 'wf-4', 'wf-3', 'wf-2', 'wf-1']);
      const first = await queries.searchWorkflows({}, page(0, 2), 'ASC');
      expect({ totalHits: first.totalHits, ids: ids(first.results) }).toEqual({
        totalHits: 3,
        ids: ['wf-1', 'wf-2'],
      });
      const third = await queries.searchWorkflows({}, page(4, 2), 'ASC');
      expect({ totalHits: third.totalHits, ids: ids(third.results) }).toEqual({
        totalHits: 5,
        ids: ['wf-5'],
      });
    });

    it('finds workflows by correlation id, alone or with a type, a status and a start range', async () => {
      await seed();
      const search = async (filter: Parameters<ExecutionQueries['searchWorkflows']>[0]) =>
        ids((await queries.searchWorkflows(filter, page(0, 10), 'ASC')).results);
      expect(await search({ correlationIds: ['c-1'] })).toEqual(['wf-1', 'wf-2']);
      expect(await search({ correlationIds: ['c-1', 'c-2'], workflowTypes: ['orders'] })).toEqual([
        'wf-1',
        'wf-3',
      ]);
      expect(await search({ correlationIds: ['c-1'], statuses: ['FAILED'] })).toEqual(['wf-2']);
      expect(await search({ correlationIds: ['c-1', 'c-2'], startedFrom: T0 + 1_000 })).toEqual([
        'wf-2',
        'wf-3',
      ]);
      expect(
        await search({ startedFrom: T0 + 1_000, startedTo: T0 + 3_000, workflowTypes: ['orders'] }),
      ).toEqual(['wf-3', 'wf-4']);
      expect(await search({ correlationIds: ['nobody'] })).toEqual([]);
    });

    it('matches nothing for an empty list or an empty range, without failing', async () => {
      await seed();
      for (const filter of [
        { statuses: [] },
        { workflowTypes: [] },
        { startedFrom: T0 + 9, startedTo: T0 + 8 },
      ]) {
        expect(await queries.searchWorkflows(filter, page(0, 10), 'ASC')).toEqual({
          totalHits: 0,
          results: [],
        });
      }
    });

    it('lists running ids of a type, of a version and within a start window', async () => {
      await seed();
      await start('wf-6', ORDERS_V2, T0 + 7_000);
      expect(await queries.runningWorkflowIds('orders')).toEqual(['wf-1', 'wf-4', 'wf-6']);
      expect(await queries.runningWorkflowIds('orders', { version: 2 })).toEqual(['wf-6']);
      expect(
        await queries.runningWorkflowIds('orders', { startedFrom: T0 + 1, startedTo: T0 + 3_000 }),
      ).toEqual(['wf-4']);
      expect(await queries.runningWorkflowIds('refunds')).toEqual(['wf-5']);
      expect(await queries.runningWorkflowIds('nobody')).toEqual([]);
    });

    it('lists the workflows of a type sharing a correlation id, ended ones only when asked', async () => {
      await seed();
      expect(ids(await queries.correlatedWorkflows('refunds', 'c-1', false))).toEqual([]);
      const refunds = await queries.correlatedWorkflows('refunds', 'c-1', true);
      expect(refunds).toEqual([
        expect.objectContaining({ workflowId: 'wf-2', status: 'FAILED', input: { id: 'wf-2' } }),
      ]);
      expect(ids(await queries.correlatedWorkflows('orders', 'c-1', false))).toEqual(['wf-1']);
    });

    it('lists SCHEDULED worker tasks of given types in queue order and counts the queues', async () => {
      await start('wf-1', ORDERS_V1, T0);
      await start('wf-2', REFUNDS, T0 + 1_000);
      await start('wf-3', ORDERS_V1, T0 + 2_000);
      await start('wf-4', ORDERS_V2, T0 + 3_000);
      const found = await queries.scheduledTasks(['pack'], page(0, 10));
      expect(found.results.map((task) => task.workflowInstanceId)).toEqual(['wf-1', 'wf-3', 'wf-4']);
      expect(found.results[0]).toMatchObject({
        taskType: 'pack',
        status: 'SCHEDULED',
        referenceTaskName: 'work',
      });
      // Which pack task a claim takes depends on the store (DynamoDB starts at a random shard).
      const [claimed] = await store.claimTasks('pack', 1, 'worker-1', T0 + 10_000);
      const queued = ['wf-1', 'wf-2', 'wf-3', 'wf-4'].filter((id) => id !== claimed!.workflowInstanceId);
      const after = await queries.scheduledTasks(['pack', 'refund'], page(0, 2));
      expect(after.totalHits).toBe(3);
      expect(after.results.map((task) => task.workflowInstanceId)).toEqual(queued.slice(0, 2));
      expect(await queries.queueSizes(['pack', 'refund', 'none'])).toEqual({ pack: 2, refund: 1, none: 0 });
    });
  });
};
