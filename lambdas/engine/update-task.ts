import { applyResultToTask, type TaskResult, type TaskUpdate } from '../core/index';
import { NotFoundError, ValidationError } from '../shared/errors';
import { decideNowOrQueue } from './decide-now';
import type { EngineDeps } from './deps';

/** `queue`: only send the decide request; `now`: decide in this process first (decide-now.ts). */
export type DecideMode = 'queue' | 'now';

/**
 * Results of tasks later than this in their execution, and of tasks in a fork's branch, are
 * decided through the queue even in `now` mode. A decide reads the whole execution, and fork
 * branches tend to end together: decided inline, each result would read it all and race the
 * others' commits, while the decide handler takes a batch of requests for one workflow as one
 * decide. Measured on moto: a fork of 10 cost $14.3 per million transitions inline, $11.6 queued.
 */
const INLINE_DECIDE_MAX_SEQ = 48;

/** A concurrent poll or decide may change the task between read and write; then read again. */
const MAX_ATTEMPTS = 5;

/**
 * Records a worker's result. The task write itself marks the result as unseen by any decide, so it
 * is durable before any decide is tried; a lost request only delays it to the reconcile.
 */
export const updateTask = async (
  deps: EngineDeps,
  result: TaskResult,
  mode: DecideMode = 'queue',
): Promise<TaskUpdate> => {
  if (typeof result.workflowInstanceId !== 'string' || typeof result.taskId !== 'string') {
    throw new ValidationError('workflowInstanceId and taskId are required');
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await deps.store.getTask(result.workflowInstanceId, result.taskId);
    const update = applyResultToTask(stored?.task, result, deps.clock.now());
    if (update.kind === 'notFound') throw new NotFoundError(update.reason);
    if (update.kind === 'invalid') throw new ValidationError(update.reason);
    if (update.kind === 'ignored') return update;
    const written = await deps.store.putTask(result.workflowInstanceId, update.task, stored!.revision);
    if (written === 'conflict') continue;
    if (update.needsDecide) {
      if (mode === 'now' && update.task.seq <= INLINE_DECIDE_MAX_SEQ && !update.task.inFork) {
        await decideNowOrQueue(deps, result.workflowInstanceId);
      } else await deps.decideQueue.requestDecide(result.workflowInstanceId);
    }
    return update;
  }
  throw new Error(`task ${result.taskId} kept changing under ${MAX_ATTEMPTS} attempts to update it`);
};
