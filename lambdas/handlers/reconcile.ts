import type { EngineDeps } from '../engine/deps';
import { type ReconcileOptions, reconcile } from '../engine/reconcile';

/**
 * Runs on the minute schedule. The event's content is ignored: every run looks at the whole store,
 * so a skipped or doubled tick is harmless. The count is logged because a healthy system rescues 0.
 */
export const createReconcileHandler =
  (deps: Pick<EngineDeps, 'store' | 'decideQueue' | 'clock'>, options: ReconcileOptions = {}) =>
  async (_event?: unknown): Promise<{ rescued: number }> => {
    const result = await reconcile(deps, options);
    console.log(JSON.stringify({ message: 'reconcile', rescued: result.rescued }));
    return result;
  };
