import { ServiceUnavailableError } from './errors';
import type { ApiDeps } from './router';

/**
 * Waits between attempts while another decide holds the workflow's lease. A decide takes
 * milliseconds, so a second or so covers a busy workflow; a lease left by a crashed decider lasts
 * LEASE_MS (30 s), past what an API call should wait, and is answered 503 for the client to retry.
 */
const BUSY_RETRY_DELAYS_MS = [50, 100, 200, 400, 800] as const;

/**
 * Runs `attempt` until it is done (it answers undefined) or the waits run out (503 naming `what`
 * was not done and the last reason it gave for being busy).
 */
export const retryWhileBusy = async (
  deps: Pick<ApiDeps, 'sleep'>,
  workflowId: string,
  what: string,
  attempt: () => Promise<string | undefined>,
): Promise<void> => {
  for (let round = 0; ; round++) {
    const busy = await attempt();
    if (busy === undefined) return;
    const delay = BUSY_RETRY_DELAYS_MS[round];
    if (delay === undefined) {
      throw new ServiceUnavailableError(
        `workflow ${workflowId} was not ${what}: it is busy (${busy}); try again in a few seconds`,
      );
    }
    await deps.sleep(delay);
  }
};
