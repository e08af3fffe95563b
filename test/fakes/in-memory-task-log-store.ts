import type { TaskExecLog, TaskLogStore } from '../../lambdas/ports';

/** Task logs in a map, ordered as the DynamoDB adapter orders them: by createdTime, then arrival. */
export class InMemoryTaskLogStore implements TaskLogStore {
  private readonly lines = new Map<string, TaskExecLog[]>();
  /** Set to make every append fail, as a store outage would. */
  failing = false;

  async appendTaskLogs(workflowId: string, logs: readonly TaskExecLog[]) {
    if (this.failing) throw new Error('task log store unavailable');
    for (const entry of logs) {
      const key = `${workflowId}\u0000${entry.taskId}`;
      const list = this.lines.get(key) ?? [];
      list.push({ ...entry });
      // A stable sort keeps lines of the same millisecond in the order they came.
      list.sort((a, b) => a.createdTime - b.createdTime);
      this.lines.set(key, list);
    }
  }

  async removeTaskLogs(workflowId: string) {
    for (const key of [...this.lines.keys()]) {
      if (key.startsWith(`${workflowId}\u0000`)) this.lines.delete(key);
    }
  }

  async *newestTaskLogs(workflowId: string, taskId: string): AsyncIterable<TaskExecLog> {
    const list = this.lines.get(`${workflowId}\u0000${taskId}`) ?? [];
    for (let index = list.length - 1; index >= 0; index--) yield { ...list[index]! };
  }
}
