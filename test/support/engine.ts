import type { TaskResult } from '../../lambdas/core/index';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import { type DecideOutcome, decideWorkflow } from '../../lambdas/engine/decide-workflow';
import type { EngineDeps } from '../../lambdas/engine/deps';
import { pollTasks } from '../../lambdas/engine/poll-tasks';
import { TaskDefCache } from '../../lambdas/engine/task-def-cache';
import { updateTask } from '../../lambdas/engine/update-task';
import { InMemoryExecutionQueries } from '../fakes/in-memory-execution-queries';
import { InMemoryExecutionStore } from '../fakes/in-memory-execution-store';
import { InMemoryPollDataStore } from '../fakes/in-memory-poll-data-store';
import {
  InMemoryMetadataStore,
  ManualClock,
  RecordingDecideQueue,
  RecordingSystemTaskQueue,
  RecordingTimers,
  SequentialIds,
} from '../fakes/in-memory-ports';
import { InMemoryTaskLogStore } from '../fakes/in-memory-task-log-store';

/** The engine over in-memory ports, with the queue under the test's control. */
export const makeEngine = async (owner = 'decider-1') => {
  const clock = new ManualClock();
  const metadata = new InMemoryMetadataStore();
  const store = new InMemoryExecutionStore();
  const decideQueue = new RecordingDecideQueue();
  // The API's own stores too (ApiDeps), as fakes a test can look into.
  const deps: EngineDeps & {
    taskLogs: InMemoryTaskLogStore;
    pollData: InMemoryPollDataStore;
    queries: InMemoryExecutionQueries;
  } = {
    store,
    metadata,
    decideQueue,
    systemTasks: new RecordingSystemTaskQueue(),
    timers: new RecordingTimers(),
    clock,
    ids: new SequentialIds(),
    scripts: await loadScriptRuntime(),
    taskDefs: new TaskDefCache(metadata, clock),
    owner,
    taskLogs: new InMemoryTaskLogStore(),
    pollData: new InMemoryPollDataStore(),
    queries: new InMemoryExecutionQueries(store),
  };
  /** Runs queued decides until the queue is empty, as the decide Lambda would; returns their outcomes. */
  const drain = async (limit = 1_000): Promise<DecideOutcome[]> => {
    const outcomes: DecideOutcome[] = [];
    for (let request = decideQueue.take(); request && outcomes.length < limit; request = decideQueue.take()) {
      outcomes.push(await decideWorkflow(deps, request.workflowId));
    }
    return outcomes;
  };
  const poll = (taskType: string, count = 1, workerId = 'worker') =>
    pollTasks({ ...deps, sleep: async () => clock.advance(50) }, { taskType, count, workerId, timeoutMs: 0 });
  const complete = (taskId: string, workflowInstanceId: string, outputData: Record<string, unknown> = {}) =>
    updateTask(deps, { workflowInstanceId, taskId, status: 'COMPLETED', outputData } satisfies TaskResult);
  return { deps, clock, store, metadata, decideQueue, drain, poll, complete };
};
