import type { JsonMap, Task, TaskDef } from '../lambdas/core/model';
import type { InvariantChecks } from './invariants';
import type { SimRuntime } from './runtime';

/**
 * Conductor workers as the SDK runs them, against the simulated API: long-poll a batch, work, report
 * through update-v2 (and take the task it hands back). While faults are on, workers also misbehave
 * the ways reliability.md lists: answer twice, late (after the response timeout retried the task),
 * never, or hold their results and send them all at once. A report that fails (a crashed or
 * throttled API call) is sent again until it is answered, as the SDK does.
 */
export interface WorkerOptions {
  taskTypes: readonly string[];
  taskDefs: readonly TaskDef[];
  /** Workers per task type. */
  perType: number;
  /** Whether workers may report FAILED (a workload's own failures, not a fault). */
  failures: boolean;
  running: () => boolean;
}

type Behaviour = 'complete' | 'fail' | 'twice' | 'late' | 'never' | 'callback';

export const runWorkers = (runtime: SimRuntime, checks: InvariantChecks, options: WorkerOptions): void => {
  const { world } = runtime;
  const defs = new Map(options.taskDefs.map((def) => [def.name, def]));
  const held: (() => Promise<void>)[] = [];
  let worker = 0;

  const report = async (
    task: Task,
    polledGeneration: number,
    status: string,
    outputData: JsonMap,
    extra: JsonMap = {},
  ) => {
    const body = {
      workflowInstanceId: task.workflowInstanceId,
      taskId: task.taskId,
      status,
      outputData,
      workerId: task.workerId,
      ...extra,
    };
    for (let attempt = 0; ; attempt++) {
      const sentToGeneration = checks.generationOf(task.workflowInstanceId, task.taskId);
      let process = 0;
      const answer = await runtime.api('POST', '/api/tasks/update-v2', {
        body,
        observe: (id) => {
          process = id;
        },
      });
      if (answer.statusCode < 300) {
        if (status !== 'IN_PROGRESS') {
          checks.acknowledge({
            workflowId: task.workflowInstanceId,
            taskId: task.taskId,
            status,
            outputData,
            at: world.now,
            process,
            sentToGeneration,
            polledGeneration,
          });
        }
        return answer.statusCode === 200 ? (answer.body as Task) : undefined;
      }
      if (answer.statusCode < 500 && answer.statusCode !== 429) return undefined;
      await world.sleep(Math.min(5_000, 100 * 2 ** attempt));
    }
  };

  const behaviourFor = (task: Task): Behaviour => {
    const responseTimeout = defs.get(task.taskType)?.responseTimeoutSeconds ?? 0;
    const roll = world.random.int(0, 99);
    if (options.failures && roll < 5) return 'fail';
    if (!world.faultsOn || !world.faults.misbehavingWorkers) return 'complete';
    if (roll < 10) return 'twice';
    if (roll < 13 && responseTimeout > 0) return 'late';
    if (roll < 15 && responseTimeout > 0) return 'never';
    if (roll < 20 && task.pollCount <= 1) return 'callback';
    return 'complete';
  };

  const work = async (task: Task): Promise<void> => {
    // Which generation of the task this worker holds: a restart or rerun may remove it meanwhile.
    const polledGeneration = checks.generationOf(task.workflowInstanceId, task.taskId);
    const behaviour = behaviourFor(task);
    const output = { n: world.random.int(0, 9), by: task.taskId };
    world.record(`worker ${task.taskId} ${behaviour}`);
    if (behaviour === 'never') return;
    if (behaviour === 'late') {
      const responseTimeout = defs.get(task.taskType)?.responseTimeoutSeconds ?? 0;
      await world.sleep(responseTimeout * 1000 + world.random.int(1_000, 5_000));
    } else {
      await world.sleep(world.random.int(5, 400));
    }
    if (behaviour === 'callback') {
      await report(
        task,
        polledGeneration,
        'IN_PROGRESS',
        {},
        { callbackAfterSeconds: world.random.int(1, 2) },
      );
      return;
    }
    const status = behaviour === 'fail' ? 'FAILED' : 'COMPLETED';
    const send = async () => {
      const next = await report(
        task,
        polledGeneration,
        status,
        output,
        status === 'FAILED' ? { reasonForIncompletion: 'simulated failure' } : {},
      );
      if (behaviour === 'twice') await report(task, polledGeneration, status, output);
      if (next) void work(next);
    };
    if (world.faults.burst && world.faultsOn) held.push(send);
    else await send();
  };

  const poll = async (taskType: string, workerId: string) => {
    while (options.running()) {
      const answer = await runtime.api('GET', `/api/tasks/poll/batch/${taskType}`, {
        query: `count=5&timeout=5000&workerid=${workerId}`,
      });
      const tasks = answer.statusCode === 200 && Array.isArray(answer.body) ? (answer.body as Task[]) : [];
      if (answer.statusCode >= 500) await world.sleep(1_000);
      for (const task of tasks) void work(task);
    }
  };

  // Held results go out together every couple of seconds: many completions on one workflow at once.
  const releaseHeld = async () => {
    while (options.running()) {
      await world.sleep(world.random.int(1_000, 3_000));
      const batch = held.splice(0);
      await Promise.all(batch.map((send) => send()));
    }
  };

  for (const taskType of options.taskTypes) {
    for (let i = 0; i < options.perType; i++) void poll(taskType, `worker-${++worker}`);
  }
  void releaseHeld();
};
