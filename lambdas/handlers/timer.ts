import type { DecideQueue } from '../ports';

/**
 * A wake-up delivered by EventBridge Scheduler straight to a function (the deployed schedules target
 * the decide queue instead; this serves a Lambda target and the local runtime's timers).
 *
 * It only asks for a decide rather than deciding here: the decide handler is the one place that
 * de-duplicates requests, hands a busy lease back with a delay and reports partial failures, and a
 * wake-up that coincides with a worker's result would otherwise race it for the lease. A failed send
 * throws, so the Scheduler's retry policy (and its DLQ) keeps the wake-up.
 */
export const createTimerHandler =
  (deps: { decideQueue: DecideQueue }) =>
  async (event: unknown): Promise<void> => {
    const workflowId = (event as { workflowId?: unknown } | null)?.workflowId;
    if (typeof workflowId !== 'string' || workflowId === '') {
      throw new Error(`timer event without a workflowId: ${JSON.stringify(event)}`);
    }
    await deps.decideQueue.requestDecide(workflowId);
  };
