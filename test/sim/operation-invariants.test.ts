/**
 * The invariants' rules for operations are not vacuous: an engine that makes a move no operation
 * permits, or commits an operation other than the one the operator asked for, breaks them. Each
 * bug is injected into a copy of the wiring (sim/runtime.ts, InjectedBugs), never into shipped code,
 * and must break the expected invariant within a few seeds; the same seed without it breaks none.
 */
import { describe, expect, it } from 'vitest';
import type { Violation } from '../../sim/invariants';
import type { InjectedBugs } from '../../sim/runtime';
import { simulate } from '../support/sim';

const LIMIT = 20;
const options = { workflows: 20, faults: 'random', reconcile: true, wideForks: true } as const;

const firstSeedBreaking = async (bugs: InjectedBugs, invariant: Violation['invariant']) => {
  for (let seed = 1; seed <= LIMIT; seed++) {
    const result = await simulate({ ...options, seed, bugs });
    if (result.violations.some((violation) => violation.invariant === invariant)) return result;
  }
  return undefined;
};

const expectCaught = async (bugs: InjectedBugs, invariant: Violation['invariant'], message: RegExp) => {
  const caught = await firstSeedBreaking(bugs, invariant);
  expect(caught, `${invariant} not broken within ${LIMIT} seeds`).toBeDefined();
  const broken = caught!.violations.filter((violation) => violation.invariant === invariant);
  expect(broken.map((violation) => violation.message)).toContainEqual(expect.stringMatching(message));
  const clean = await simulate({ ...options, seed: caught!.seed });
  expect(clean.violations).toEqual([]);
};

describe('the invariants catch an engine that gets operations wrong', () => {
  it('S4: decides that carry on with a PAUSED workflow as if it ran', async () => {
    await expectCaught({ decideIgnoresPause: true }, 'S4', /from PAUSED to RUNNING with no resume/);
  }, 120_000);

  it('S4: a retry that removes tasks, which only a restart or rerun may', async () => {
    await expectCaught({ retryRestarts: true }, 'S4', /removed with no restart or rerun/);
  }, 120_000);

  it('S1: a restart that gives its new tasks the ids of those it removed', async () => {
    await expectCaught({ reusedTaskIds: true }, 'S1', /created again after it was removed/);
  }, 120_000);

  it('S5: a rerun from another task than the one asked for', async () => {
    await expectCaught({ rerunDropsTarget: true }, 'S5', /./);
  }, 120_000);
});
