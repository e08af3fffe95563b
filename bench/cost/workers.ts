/**
 * A thin client for Baton's Conductor API and the bench's in-process workers. A worker polls a batch,
 * runs each task, and reports it with POST /api/tasks/update-v2, which answers the worker's next task
 * of the same type when one is ready; only when it answers none does the worker poll again.
 */
import { performance } from 'node:perf_hooks';
import type { Task, TaskDef, Workflow, WorkflowDef } from '../../lambdas/core/model';

export class Api {
  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return { status: response.status, text };
  }

  async registerTaskDefs(defs: Partial<TaskDef>[]): Promise<void> {
    await this.call('POST', '/metadata/taskdefs', defs);
  }

  async registerWorkflow(def: WorkflowDef): Promise<void> {
    await this.call('POST', '/metadata/workflow?overwrite=true', def);
  }

  async startWorkflow(name: string, input: Record<string, unknown>): Promise<string> {
    return (await this.call('POST', `/workflow/${encodeURIComponent(name)}`, input)).text;
  }

  async getWorkflow(workflowId: string): Promise<Workflow> {
    const { text } = await this.call('GET', `/workflow/${encodeURIComponent(workflowId)}?includeTasks=true`);
    return JSON.parse(text) as Workflow;
  }

  async poll(taskType: string, count: number, timeoutMs: number, workerId: string): Promise<Task[]> {
    const query = new URLSearchParams({
      count: String(count),
      timeout: String(timeoutMs),
      workerid: workerId,
    });
    const { text } = await this.call('GET', `/tasks/poll/batch/${encodeURIComponent(taskType)}?${query}`);
    return JSON.parse(text) as Task[];
  }

  /** Reports a result; answers the next task update-v2 handed back, if any. */
  async updateV2(
    task: Task,
    workerId: string,
    outputData: Record<string, unknown>,
  ): Promise<Task | undefined> {
    const { status, text } = await this.call('POST', '/tasks/update-v2', {
      workflowInstanceId: task.workflowInstanceId,
      taskId: task.taskId,
      status: 'COMPLETED',
      outputData,
      workerId,
    });
    return status === 200 && text ? (JSON.parse(text) as Task) : undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WorkerOptions {
  taskType: string;
  /** Tasks asked for per poll. */
  count: number;
  /** The poll's server-side wait (Conductor's batch poll `timeout`). */
  pollTimeoutMs: number;
  /** Pause after an empty poll (the SDK's pollInterval); 0 polls again at once. */
  idleMs: number;
  /** Poll loops of this worker. */
  loops: number;
  execute: (task: Task) => Record<string, unknown>;
  /**
   * A dedicated poller: hand each claimed task to a runner and poll again at once, instead of
   * polling only when the last batch is done. The latency pass uses it so that a poll is always out.
   */
  detached?: boolean;
  /** Told when a task was claimed (by a poll or handed back) and when its update was acknowledged. */
  onClaimed?: (task: Task, at: number) => void;
  onAcknowledged?: (task: Task, at: number) => void;
}

export const startWorker = (api: Api, options: WorkerOptions) => {
  let running = true;
  const detachedRuns = new Set<Promise<unknown>>();
  const run = async (first: Task, workerId: string) => {
    let task: Task | undefined = first;
    while (task) {
      const output = options.execute(task);
      const next = await api.updateV2(task, workerId, output);
      const at = performance.now();
      options.onAcknowledged?.(task, at);
      if (next) options.onClaimed?.(next, at);
      task = next;
    }
  };
  const loop = async (workerId: string) => {
    while (running) {
      const tasks = await api.poll(options.taskType, options.count, options.pollTimeoutMs, workerId);
      const at = performance.now();
      if (tasks.length === 0) {
        if (options.idleMs > 0) await sleep(options.idleMs);
        continue;
      }
      for (const task of tasks) options.onClaimed?.(task, at);
      const runs = Promise.all(tasks.map((task) => run(task, workerId)));
      if (options.detached) detachedRuns.add(runs.finally(() => detachedRuns.delete(runs)));
      else await runs;
    }
  };
  const loops = Array.from({ length: options.loops }, (_, i) =>
    loop(`${options.taskType}-worker-${i}`).catch((error: unknown) => {
      console.log(`  worker ${options.taskType} stopped on an error: ${String(error)}`);
    }),
  );
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await Promise.all(detachedRuns);
    },
  };
};
