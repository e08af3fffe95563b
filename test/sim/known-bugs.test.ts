/**
 * The simulator must catch the bugs Baton exists to rule out. Each is injected into a copy of the
 * wiring (sim/runtime.ts, InjectedBugs), never into shipped code, and must break an invariant within
 * 200 seeds; the same seeds without the bug break none. The faults chosen lose no message, so the
 * design needs no reconcile for them, and the reconcile is off: as in the incident, nothing sweeps.
 */
import { describe, expect, it } from 'vitest';
import type { FaultKind } from '../../sim/faults';
import type { InjectedBugs } from '../../sim/runtime';
import { simulate } from '../support/sim';

const FAULTS: FaultKind[] = ['conflict', 'freeze', 'burst', 'duplicate', 'delay'];
const LIMIT = 200;

const firstSeedCaught = async (bugs: InjectedBugs) => {
  for (let seed = 1; seed <= LIMIT; seed++) {
    const result = await simulate({ seed, workflows: 20, faults: FAULTS, reconcile: false, bugs });
    if (result.violations.length > 0) return result;
  }
  return undefined;
};

describe('known bugs the simulator catches', () => {
  it('a decide that loses the race for its workflow and drops its request (the incident)', async () => {
    const caught = await firstSeedCaught({ dropDecideOnLockMiss: true });
    expect(caught, `not caught within ${LIMIT} seeds`).toBeDefined();
    const clean = await simulate({ seed: caught!.seed, workflows: 20, faults: FAULTS, reconcile: false });
    expect(clean.violations).toEqual([]);
  }, 300_000);

  it('commits without the fencing conditions (version, lease epoch, task revisions)', async () => {
    const caught = await firstSeedCaught({ unfenced: true });
    expect(caught, `not caught within ${LIMIT} seeds`).toBeDefined();
    expect(caught!.violations.some((violation) => /^S/.test(violation.invariant))).toBe(true);
    const clean = await simulate({ seed: caught!.seed, workflows: 20, faults: FAULTS, reconcile: false });
    expect(clean.violations).toEqual([]);
  }, 300_000);
});
