/**
 * The simulator's own promises: a seed replays exactly, and with faults off and the reconcile
 * switched off every workflow completes (R0).
 */
import { describe, expect, it } from 'vitest';
import { simulate, simulateSeeds, violationReport } from '../support/sim';

describe('the simulator', () => {
  it('replays a seed exactly: the same seed gives the same trace hash', async () => {
    const options = { seed: 7, workflows: 10, faults: 'random', reconcile: true } as const;
    const first = await simulate(options);
    const second = await simulate(options);
    expect(first.traceHash).toBe(second.traceHash);
    expect(first.injected).toEqual(second.injected);
    expect((await simulate({ ...options, seed: 8 })).traceHash).not.toBe(first.traceHash);
  }, 60_000);

  it('R0: with faults off and the reconcile switched off, every workflow of every seed completes', async () => {
    const options = { workflows: 20, faults: 'off', reconcile: false } as const;
    const results = await simulateSeeds(1, 40, options);
    expect(violationReport(results, options)).toBe('');
    expect(results.every((result) => result.workflows >= 20)).toBe(true);
  }, 300_000);
});
