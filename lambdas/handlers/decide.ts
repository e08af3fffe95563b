import { decideWorkflow } from '../engine/decide-workflow';
import type { EngineDeps } from '../engine/deps';
import { parseBody, processBatch, type SqsBatchResponse, type SqsEvent } from '../shared/sqs-batch';

/**
 * A busy lease is usually released within one decide's time (tens of milliseconds), so the handler
 * first tries again in place, briefly; only a lease still held after that is handed back to the
 * queue, with a delay spread so callers do not collide.
 */
export const IN_PLACE_RETRY_MS = [50, 100, 200, 400] as const;
export const RETRY_DELAY_SECONDS = { min: 1, max: 3 } as const;

const jitteredDelay = (random: () => number): number =>
  RETRY_DELAY_SECONDS.min + Math.floor(random() * (RETRY_DELAY_SECONDS.max - RETRY_DELAY_SECONDS.min + 1));

/**
 * The decide queue's consumer. A batch may hold several requests for one workflow; it is decided
 * once. A decide that still finds the lease taken after its in-place retries is handed back to the
 * queue with a short delay and its
 * record counts as done; only when that hand-back fails does the record go back to SQS, so a
 * request is never dropped.
 */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const createDecideHandler =
  (deps: EngineDeps, random: () => number = Math.random, sleep: (ms: number) => Promise<void> = pause) =>
  (event: SqsEvent): Promise<SqsBatchResponse> =>
    processBatch(
      event,
      (record) => {
        const { workflowId } = parseBody(record, ['workflowId']);
        return { key: workflowId, value: workflowId };
      },
      async (workflowId) => {
        let outcome = await decideWorkflow(deps, workflowId);
        for (const wait of IN_PLACE_RETRY_MS) {
          if (outcome.kind !== 'retryLater') break;
          await sleep(wait);
          outcome = await decideWorkflow(deps, workflowId);
        }
        if (outcome.kind === 'retryLater') {
          await deps.decideQueue.requestDecide(workflowId, jitteredDelay(random));
        }
      },
    );
