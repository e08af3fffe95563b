import { decideWorkflow } from '../engine/decide-workflow';
import type { EngineDeps } from '../engine/deps';
import { parseBody, processBatch, type SqsBatchResponse, type SqsEvent } from '../shared/sqs-batch';

/** A busy lease is usually released within a decide's time: ask again soon, spread so callers do not collide. */
export const RETRY_DELAY_SECONDS = { min: 1, max: 3 } as const;

const jitteredDelay = (random: () => number): number =>
  RETRY_DELAY_SECONDS.min + Math.floor(random() * (RETRY_DELAY_SECONDS.max - RETRY_DELAY_SECONDS.min + 1));

/**
 * The decide queue's consumer. A batch may hold several requests for one workflow; it is decided
 * once. A decide that finds the lease taken is handed back to the queue with a short delay and its
 * record counts as done; only when that hand-back fails does the record go back to SQS, so a
 * request is never dropped.
 */
export const createDecideHandler =
  (deps: EngineDeps, random: () => number = Math.random) =>
  (event: SqsEvent): Promise<SqsBatchResponse> =>
    processBatch(
      event,
      (record) => {
        const { workflowId } = parseBody(record, ['workflowId']);
        return { key: workflowId, value: workflowId };
      },
      async (workflowId) => {
        const outcome = await decideWorkflow(deps, workflowId);
        if (outcome.kind === 'retryLater') {
          await deps.decideQueue.requestDecide(workflowId, jitteredDelay(random));
        }
      },
    );
