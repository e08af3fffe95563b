import type { Task, TaskDef, Workflow, WorkflowDef } from '../lambdas/core/model';
import type {
  CommitOutcome,
  DecideCommit,
  ExecutionStore,
  IdempotentStart,
  LeaseOutcome,
  MetadataStore,
  StoredExecution,
} from '../lambdas/ports';
import { type IndexLag, InMemoryExecutionStore } from '../test/fakes/in-memory-execution-store';
import { InMemoryMetadataStore } from '../test/fakes/in-memory-ports';
import type { SimWorld } from './world';

/** What the invariant checks are told after every write that took effect. */
export interface StoreObserver {
  /** A decide (or anyone) read the execution; `process` is the world's process id. */
  loaded(workflowId: string, process: number): void;
  wrote(workflowId: string, write: 'create' | 'putTask' | 'commit' | 'claim', process: number): void;
}

/**
 * DynamoDB as the engine sees it through the ExecutionStore port: the in-memory store (the same one
 * the contract suite holds to the DynamoDB adapter's behaviour on moto), with every call made
 * through the world, so it takes time and can be faulted; commits that lose to an unseen
 * transaction; and index reads that lag behind writes. Calls are counted as a capacity meter.
 */
export class SimExecutionStore implements ExecutionStore {
  readonly inner: InMemoryExecutionStore;
  readonly calls: Record<string, number> = {};
  private readonly visibleAt = new Map<string, number>();

  constructor(
    private readonly world: SimWorld,
    private readonly observer: StoreObserver,
    options: { unfenced?: boolean } = {},
  ) {
    const lag: IndexLag = {
      wrote: (key) => {
        const max = world.faultsOn ? world.faults.rates.indexLagMs : 0;
        if (max > 0) this.visibleAt.set(key, world.now + world.random.int(0, max));
        else this.visibleAt.delete(key);
      },
      visible: (key) => {
        const at = this.visibleAt.get(key);
        if (at === undefined || at <= world.now) return true;
        world.chance(1, 'staleIndexRead');
        return false;
      },
    };
    this.inner = new InMemoryExecutionStore({ indexLag: lag, unfenced: options.unfenced });
  }

  create(execution: { workflow: Workflow; definition: WorkflowDef }, idempotency?: IdempotentStart) {
    return this.call('create', async () => {
      const outcome = await this.inner.create(execution, idempotency);
      if (outcome === 'created')
        this.observer.wrote(execution.workflow.workflowId, 'create', this.world.currentProcess());
      return outcome;
    });
  }

  load(workflowId: string): Promise<StoredExecution | undefined> {
    return this.call('load', async () => {
      this.observer.loaded(workflowId, this.world.currentProcess());
      return this.inner.load(workflowId);
    });
  }

  getTask(workflowId: string, taskId: string) {
    return this.call('getTask', () => this.inner.getTask(workflowId, taskId));
  }

  putTask(workflowId: string, task: Task, expectedRevision: number) {
    return this.call('putTask', async () => {
      const outcome = await this.inner.putTask(workflowId, task, expectedRevision);
      if (outcome === 'written') this.observer.wrote(workflowId, 'putTask', this.world.currentProcess());
      return outcome;
    });
  }

  acquireLease(workflowId: string, owner: string, now: number, durationMs: number): Promise<LeaseOutcome> {
    return this.call('acquireLease', () => this.inner.acquireLease(workflowId, owner, now, durationMs));
  }

  commit(commit: DecideCommit): Promise<CommitOutcome> {
    return this.call('commit', async () => {
      if (this.world.chance(this.world.faults.rates.conflict, 'conflict')) {
        return { kind: 'conflict', reason: 'TransactionConflict (simulated)' } as const;
      }
      const outcome = await this.inner.commit(commit);
      if (outcome.kind === 'committed') {
        const process = this.world.currentProcess();
        this.observer.wrote(commit.workflowId, 'commit', process);
        for (const { workflow } of commit.startedWorkflows ?? []) {
          this.observer.wrote(workflow.workflowId, 'create', process);
        }
      }
      return outcome;
    });
  }

  claimTasks(taskType: string, count: number, workerId: string | undefined, now: number) {
    return this.call('claimTasks', async () => {
      const claimed = await this.inner.claimTasks(taskType, count, workerId, now);
      for (const task of claimed)
        this.observer.wrote(task.workflowInstanceId, 'claim', this.world.currentProcess());
      return claimed;
    });
  }

  findOverdue(now: number, graceMs: number, limit: number) {
    return this.call('findOverdue', () => this.inner.findOverdue(now, graceMs, limit));
  }

  remove(workflowId: string) {
    return this.call('remove', () => this.inner.remove(workflowId));
  }

  private call<T>(name: string, effect: () => Promise<T>): Promise<T> {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    return this.world.io(`DynamoDB ${name}`, effect);
  }
}

/** The definitions table, through the world like the executions. */
export class SimMetadataStore implements MetadataStore {
  readonly inner = new InMemoryMetadataStore();

  constructor(private readonly world: SimWorld) {}

  putWorkflowDef(definition: WorkflowDef) {
    return this.world.io('DynamoDB putWorkflowDef', () => this.inner.putWorkflowDef(definition));
  }
  getWorkflowDef(name: string, version?: number) {
    return this.world.io('DynamoDB getWorkflowDef', () => this.inner.getWorkflowDef(name, version));
  }
  listWorkflowDefs() {
    return this.world.io('DynamoDB listWorkflowDefs', () => this.inner.listWorkflowDefs());
  }
  createWorkflowDef(definition: WorkflowDef) {
    return this.world.io('DynamoDB createWorkflowDef', () => this.inner.createWorkflowDef(definition));
  }
  deleteWorkflowDef(name: string, version: number) {
    return this.world.io('DynamoDB deleteWorkflowDef', () => this.inner.deleteWorkflowDef(name, version));
  }
  listWorkflowVersions(name: string) {
    return this.world.io('DynamoDB listWorkflowVersions', () => this.inner.listWorkflowVersions(name));
  }
  putTaskDef(definition: TaskDef) {
    return this.world.io('DynamoDB putTaskDef', () => this.inner.putTaskDef(definition));
  }
  getTaskDef(name: string) {
    return this.world.io('DynamoDB getTaskDef', () => this.inner.getTaskDef(name));
  }
  listTaskDefs() {
    return this.world.io('DynamoDB listTaskDefs', () => this.inner.listTaskDefs());
  }
  deleteTaskDef(name: string) {
    return this.world.io('DynamoDB deleteTaskDef', () => this.inner.deleteTaskDef(name));
  }
}
