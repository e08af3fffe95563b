import type { ExecutionStore } from '../lambdas/ports';
import type { InjectedBugs } from './runtime';

/**
 * The operations' injected bugs (InjectedBugs in runtime.ts): wrappers around the wiring that make
 * the engine get an operation wrong, so tests can show the invariants catch it.
 */

/** A decider that takes a PAUSED workflow for a RUNNING one. */
export const ignoringPause = (store: ExecutionStore): ExecutionStore => {
  const blind: ExecutionStore = Object.create(store);
  blind.load = async (workflowId) => {
    const stored = await store.load(workflowId);
    if (stored?.workflow.status !== 'PAUSED') return stored;
    return { ...stored, workflow: { ...stored.workflow, status: 'RUNNING' } };
  };
  return blind;
};

/** Commits that store tasks under their ids without the generation (`:gN`) the core put in. */
export const reusingTaskIds = (store: ExecutionStore): ExecutionStore => {
  const withoutGeneration = (taskId: string) => taskId.replace(/:g\d+$/, '');
  const reusing: ExecutionStore = Object.create(store);
  reusing.commit = (commit) =>
    store.commit({
      ...commit,
      tasks: commit.tasks.map((write) => ({
        ...write,
        task: { ...write.task, taskId: withoutGeneration(write.task.taskId) },
      })),
      removedTaskIds: commit.removedTaskIds.map(withoutGeneration),
    });
  return reusing;
};

interface RouteRequest {
  path: string;
  query?: string;
  body?: unknown;
}

/** The operation routes' injected bugs: a request handled as another one. */
export const miswiredRoute = (bugs: InjectedBugs, request: RouteRequest): RouteRequest => {
  if (bugs.retryRestarts && request.path.endsWith('/retry')) {
    return { path: request.path.replace(/\/retry$/, '/restart') };
  }
  if (bugs.rerunDropsTarget && request.path.endsWith('/rerun')) {
    const { reRunFromTaskId: _dropped, ...rest } = (request.body ?? {}) as Record<string, unknown>;
    return { ...request, body: rest };
  }
  return request;
};
