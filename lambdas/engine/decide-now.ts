import { decideWorkflow } from './decide-workflow';
import type { EngineDeps } from './deps';

/**
 * Decides in the caller's own process right after it recorded a change, instead of sending the
 * request through the decide queue: that trip costs three SQS requests and an invocation, and puts
 * two more sequential calls between a worker's result and its next task. One optimistic attempt
 * with no lease, so a caller never waits on another decide; when that attempt loses a race, or
 * anything in it fails, the request goes to the queue as it always did. The change itself is
 * already durable and marked "decide pending", so neither path can lose it. Answers 'missing' when
 * the decide found no such workflow, 'handled' when it decided or queued the request.
 */
export const decideNowOrQueue = async (
  deps: EngineDeps,
  workflowId: string,
): Promise<'missing' | 'handled'> => {
  try {
    const outcome = await decideWorkflow(deps, workflowId, { maxAttempts: 1 });
    if (outcome.kind === 'missing') return 'missing';
    if (outcome.kind !== 'retryLater') return 'handled';
  } catch (error) {
    console.warn(
      JSON.stringify({
        message: 'inline decide failed; handed to the decide queue',
        workflowId,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
  await deps.decideQueue.requestDecide(workflowId);
  return 'handled';
};
