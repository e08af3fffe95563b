import type { TaskDef, WorkflowDef } from '../../lambdas/core/index';
import type {
  Clock,
  DecideQueue,
  IdGenerator,
  MetadataStore,
  SystemTaskQueue,
  Timers,
  WorkflowDefSummary,
} from '../../lambdas/ports';

export class InMemoryMetadataStore implements MetadataStore {
  private readonly workflows = new Map<string, Map<number, WorkflowDef>>();
  private readonly tasks = new Map<string, TaskDef>();

  async putWorkflowDef(definition: WorkflowDef) {
    const versions = this.workflows.get(definition.name) ?? new Map<number, WorkflowDef>();
    versions.set(definition.version ?? 1, structuredClone(definition));
    this.workflows.set(definition.name, versions);
  }

  async createWorkflowDef(definition: WorkflowDef) {
    if (this.workflows.get(definition.name)?.has(definition.version ?? 1)) return 'exists' as const;
    await this.putWorkflowDef(definition);
    return 'created' as const;
  }

  async deleteWorkflowDef(name: string, version: number) {
    const versions = this.workflows.get(name);
    if (!versions?.delete(version)) return false;
    if (versions.size === 0) this.workflows.delete(name);
    return true;
  }

  async listWorkflowVersions(name: string): Promise<WorkflowDefSummary[]> {
    return [...(this.workflows.get(name)?.entries() ?? [])]
      .sort(([a], [b]) => a - b)
      .map(([version, { createTime, updateTime }]) => ({
        name,
        version,
        ...(typeof createTime === 'number' ? { createTime } : {}),
        ...(typeof updateTime === 'number' ? { updateTime } : {}),
      }));
  }

  async getWorkflowDef(name: string, version?: number) {
    const versions = this.workflows.get(name);
    if (!versions) return undefined;
    const wanted = version ?? Math.max(...versions.keys());
    const found = versions.get(wanted);
    return found ? structuredClone(found) : undefined;
  }

  async listWorkflowDefs() {
    return [...this.workflows.values()]
      .flatMap((versions) => [...versions.values()])
      .map((d) => structuredClone(d));
  }

  async putTaskDef(definition: TaskDef) {
    this.tasks.set(definition.name, structuredClone(definition));
  }

  async getTaskDef(name: string) {
    const found = this.tasks.get(name);
    return found ? structuredClone(found) : undefined;
  }

  async listTaskDefs() {
    return [...this.tasks.values()].map((d) => structuredClone(d));
  }

  async deleteTaskDef(name: string) {
    return this.tasks.delete(name);
  }
}

/** Keeps decide requests in order, with the delay each asked for. */
export class RecordingDecideQueue implements DecideQueue {
  readonly requests: { workflowId: string; delaySeconds: number }[] = [];
  async requestDecide(workflowId: string, delaySeconds = 0) {
    this.requests.push({ workflowId, delaySeconds });
  }
  take(): { workflowId: string; delaySeconds: number } | undefined {
    return this.requests.shift();
  }
}

export class RecordingSystemTaskQueue implements SystemTaskQueue {
  readonly work: { workflowId: string; taskId: string; taskType: string; delaySeconds: number }[] = [];
  async enqueue(work: { workflowId: string; taskId: string; taskType: string }, delaySeconds: number) {
    this.work.push({ ...work, delaySeconds });
  }
}

export class RecordingTimers implements Timers {
  readonly timers: { workflowId: string; at: number }[] = [];
  async wakeAt(workflowId: string, at: number) {
    this.timers.push({ workflowId, at });
  }
}

export class ManualClock implements Clock {
  constructor(public current = Date.UTC(2026, 10, 24, 9)) {}
  now() {
    return this.current;
  }
  advance(ms: number) {
    this.current += ms;
  }
}

export class SequentialIds implements IdGenerator {
  private next = 1;
  workflowId() {
    return `wf-${this.next++}`;
  }
}
