import type { EngineDeps } from './deps';

/**
 * How long a change may wait for its decide before the reconcile steps in. Longer than a healthy
 * decide request takes (milliseconds, seconds under a lease retry), so healthy workflows are left alone.
 */
export const RECONCILE_GRACE_MS = 30_000;
/** Workflows rescued per run; the rest wait for the next minute's run. */
export const RECONCILE_LIMIT = 500;

export interface ReconcileOptions {
  graceMs?: number;
  limit?: number;
}

/**
 * The backstop: asks for a decide for every workflow whose change no decide has seen within the
 * grace, or whose deadline has passed (a lost decide request, a timer that never fired). The
 * request goes through the decide queue like any other, so the decide path stays the only one.
 */
export const reconcile = async (
  deps: Pick<EngineDeps, 'store' | 'decideQueue' | 'clock'>,
  { graceMs = RECONCILE_GRACE_MS, limit = RECONCILE_LIMIT }: ReconcileOptions = {},
): Promise<{ rescued: number }> => {
  const overdue = await deps.store.findOverdue(deps.clock.now(), graceMs, limit);
  await Promise.all(overdue.map((workflowId) => deps.decideQueue.requestDecide(workflowId)));
  return { rescued: overdue.length };
};
