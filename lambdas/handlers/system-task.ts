import { runSystemTask, type SystemTaskDeps } from '../engine/run-system-task';
import type { SystemTaskQueue } from '../ports';
import { parseBody, processBatch, type SqsBatchResponse, type SqsEvent } from '../shared/sqs-batch';

/**
 * The system-task queue's consumer: runs each task once per batch. Work that cannot run yet (not
 * due, or claimed by another delivery) goes back to the queue with the delay it needs; a record is
 * reported as failed only when the work could neither run nor be handed back.
 */
export const createSystemTaskHandler =
  (deps: SystemTaskDeps & { systemTasks: SystemTaskQueue }) =>
  (event: SqsEvent): Promise<SqsBatchResponse> =>
    processBatch(
      event,
      (record) => {
        const work = parseBody(record, ['workflowId', 'taskId', 'taskType']);
        return { key: work.taskId, value: work };
      },
      async (work) => {
        const outcome = await runSystemTask(deps, work);
        if (outcome.kind === 'later') await deps.systemTasks.enqueue(work, outcome.delaySeconds);
      },
    );
