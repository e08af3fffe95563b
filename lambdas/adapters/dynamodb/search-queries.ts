import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Task } from '../../core/model';
import type {
  ExecutionQueries,
  SearchPage,
  SearchResult,
  WorkflowFilter,
  WorkflowWithoutTasks,
} from '../../ports';
import { CapacityMeter } from './capacity';
import { DEFAULT_QUEUE_SHARDS } from './execution-keys';
import { LruMap } from './lru-map';
import { queueSizes, scheduledTasks } from './search-tasks';
import { correlatedWorkflows, runningWorkflowIds, searchWorkflows } from './search-workflows';
import type { StoreContext } from './store-context';

export interface DynamoExecutionQueriesOptions {
  client: DynamoDBClient;
  /** The executions table (execution-table.ts), with its search indexes. */
  tableName: string;
  /** Partitions of the pollable index per task type: the store's setting. */
  shards?: number;
}

/**
 * ExecutionQueries on the executions table: every answer comes from an index made for it
 * (workflowsByType, workflowsByStatus, workflowsByCorrelation, pollable), then only the items the
 * answer shows are read, eventually consistent. Nothing here scans. Costs: docs/storage.md.
 */
export class DynamoExecutionQueries implements ExecutionQueries {
  /** Request units consumed, reported and estimated, by operation. */
  readonly usage = new CapacityMeter();
  private readonly context: StoreContext;

  constructor({ client, tableName, shards = DEFAULT_QUEUE_SHARDS }: DynamoExecutionQueriesOptions) {
    this.context = {
      client,
      tableName,
      shards,
      meter: this.usage,
      // A task search may need a definition to restore a task's step; nothing else is remembered.
      definitions: new LruMap(64),
      shapes: new LruMap(1),
    };
  }

  searchWorkflows(
    filter: WorkflowFilter,
    page: SearchPage,
    order: 'ASC' | 'DESC',
  ): Promise<SearchResult<WorkflowWithoutTasks>> {
    return searchWorkflows(this.context, filter, page, order);
  }

  runningWorkflowIds(
    workflowType: string,
    options?: { version?: number; startedFrom?: number; startedTo?: number },
  ): Promise<string[]> {
    return runningWorkflowIds(this.context, workflowType, options);
  }

  correlatedWorkflows(
    workflowType: string,
    correlationId: string,
    includeClosed: boolean,
  ): Promise<WorkflowWithoutTasks[]> {
    return correlatedWorkflows(this.context, workflowType, correlationId, includeClosed);
  }

  scheduledTasks(taskTypes: readonly string[], page: SearchPage): Promise<SearchResult<Task>> {
    return scheduledTasks(this.context, taskTypes, page);
  }

  queueSizes(taskTypes: readonly string[]): Promise<Record<string, number>> {
    return queueSizes(this.context, taskTypes);
  }
}
