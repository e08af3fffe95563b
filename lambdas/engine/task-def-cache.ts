import type { Task, TaskDef, Workflow, WorkflowDef, WorkflowTask } from '../core/index';
import type { Clock, MetadataStore } from '../ports';

const TTL_MS = 60_000;

/**
 * Task definitions for the pure decider, which looks them up synchronously: the names an execution
 * can need are fetched before the decide, and kept for a minute so a busy workflow does not read
 * them again on every transition. A definition changed a moment ago may be seen a minute late.
 */
export class TaskDefCache {
  private readonly entries = new Map<string, { def: TaskDef | undefined; fetchedAt: number }>();

  constructor(
    private readonly metadata: Pick<MetadataStore, 'getTaskDef'>,
    private readonly clock: Clock,
  ) {}

  readonly lookup = (name: string): TaskDef | undefined => this.entries.get(name)?.def;

  async prefetchFor(workflow: Workflow, definition: WorkflowDef): Promise<void> {
    const names = new Set<string>();
    collectNames(definition.tasks, names);
    for (const task of workflow.tasks) names.add(task.taskDefName);
    await this.prefetch(names);
  }

  /** Names a decide used that were not fetched before it: tasks a dynamic fork or DYNAMIC step named. */
  unknown(tasks: readonly Task[]): string[] {
    return [...new Set(tasks.map((task) => task.taskDefName))].filter((name) => !this.entries.has(name));
  }

  async prefetch(names: Iterable<string>): Promise<void> {
    const now = this.clock.now();
    const stale = [...names].filter((name) => {
      const entry = this.entries.get(name);
      return !entry || now - entry.fetchedAt > TTL_MS;
    });
    await Promise.all(
      stale.map(async (name) =>
        this.entries.set(name, { def: await this.metadata.getTaskDef(name), fetchedAt: now }),
      ),
    );
  }
}

const collectNames = (steps: WorkflowTask[] | undefined, names: Set<string>): void => {
  for (const step of steps ?? []) {
    names.add(step.name);
    for (const branch of step.forkTasks ?? []) collectNames(branch, names);
    for (const list of Object.values(step.decisionCases ?? {})) collectNames(list, names);
    collectNames(step.defaultCase, names);
    collectNames(step.loopOver, names);
  }
};
