import {
  isTerminalWorkflow,
  type Task,
  TaskStatus,
  type Workflow,
  WorkflowStatus,
} from '../../lambdas/core/model';
import { runnerOf } from '../../lambdas/core/tasks/index';
import { pollableAt } from '../../lambdas/core/timeouts';
import type {
  ExecutionQueries,
  SearchPage,
  SearchResult,
  WorkflowFilter,
  WorkflowWithoutTasks,
} from '../../lambdas/ports';
import type { InMemoryExecutionStore } from './in-memory-execution-store';

type Executions = Pick<InMemoryExecutionStore, 'peek' | 'workflowIds'>;

const copy = <T>(value: T): T => structuredClone(value);

const withoutTasks = ({ tasks: _tasks, ...workflow }: Workflow): WorkflowWithoutTasks => copy(workflow);

const matches = (workflow: Workflow, filter: WorkflowFilter): boolean =>
  (filter.workflowTypes?.includes(workflow.workflowName) ?? true) &&
  (filter.statuses?.includes(workflow.status) ?? true) &&
  (filter.correlationIds === undefined ||
    (workflow.correlationId !== undefined && filter.correlationIds.includes(workflow.correlationId))) &&
  (filter.startedFrom === undefined || workflow.startTime >= filter.startedFrom) &&
  (filter.startedTo === undefined || workflow.startTime <= filter.startedTo);

const byStart = (a: Workflow, b: Workflow): number =>
  a.startTime - b.startTime || (a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : 0);

/** The order the pollable index keeps: when the task falls due, then its id. */
const byQueueOrder = (a: Task, b: Task): number =>
  pollableAt(a) - pollableAt(b) || (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0);

/** The port's paging rule: matches counted only as far as one past the page. */
const paged = <T>(all: T[], page: SearchPage): SearchResult<T> => ({
  totalHits: Math.min(all.length, page.start + page.size + 1),
  results: all.slice(page.start, page.start + page.size),
});

/**
 * ExecutionQueries over an InMemoryExecutionStore, by looking at every execution: fine for tests
 * and the simulator, which have few. Same answers as the DynamoDB adapter, with no index lag
 * (a contract suite holds the two together: test/integration/execution-queries.contract.ts).
 */
export class InMemoryExecutionQueries implements ExecutionQueries {
  constructor(private readonly executions: Executions) {}

  async searchWorkflows(filter: WorkflowFilter, page: SearchPage, order: 'ASC' | 'DESC') {
    const found = this.workflows()
      .filter((workflow) => matches(workflow, filter))
      .sort((a, b) => (order === 'ASC' ? byStart(a, b) : byStart(b, a)));
    const { totalHits, results } = paged(found, page);
    return { totalHits, results: results.map(withoutTasks) };
  }

  async runningWorkflowIds(
    workflowType: string,
    options: { version?: number; startedFrom?: number; startedTo?: number } = {},
  ) {
    const { version, ...range } = options;
    return this.workflows()
      .filter(
        (workflow) =>
          matches(workflow, {
            workflowTypes: [workflowType],
            statuses: [WorkflowStatus.RUNNING],
            ...range,
          }) &&
          (version === undefined || workflow.workflowVersion === version),
      )
      .sort(byStart)
      .map(({ workflowId }) => workflowId);
  }

  async correlatedWorkflows(workflowType: string, correlationId: string, includeClosed: boolean) {
    return this.workflows()
      .filter(
        (workflow) =>
          matches(workflow, { workflowTypes: [workflowType], correlationIds: [correlationId] }) &&
          (includeClosed || !isTerminalWorkflow(workflow.status)),
      )
      .sort(byStart)
      .map(withoutTasks);
  }

  async scheduledTasks(taskTypes: readonly string[], page: SearchPage) {
    const found = this.queued()
      .filter((task) => taskTypes.includes(task.taskType))
      .sort(byQueueOrder);
    const { totalHits, results } = paged(found, page);
    return { totalHits, results: results.map(copy) };
  }

  async queueSizes(taskTypes: readonly string[]) {
    const queued = this.queued();
    return Object.fromEntries(
      taskTypes.map((taskType) => [taskType, queued.filter((task) => task.taskType === taskType).length]),
    );
  }

  private workflows(): Workflow[] {
    return this.executions.workflowIds().flatMap((id) => {
      const stored = this.executions.peek(id);
      return stored ? [stored.workflow] : [];
    });
  }

  /** What the pollable index holds: SCHEDULED tasks that workers run. */
  private queued(): Task[] {
    return this.workflows()
      .flatMap((workflow) => workflow.tasks)
      .filter((task) => task.status === TaskStatus.SCHEDULED && runnerOf(task) === 'worker');
  }
}
