/**
 * Seeds on which the simulator's operator once broke an invariant, kept as regression checks
 * outside the CI seed ranges. Each names the engine defect it found (fixed since).
 */
import { describe, expect, it } from 'vitest';
import { simulateSeeds, violationReport } from '../support/sim';

const options = { workflows: 20, faults: 'random', reconcile: true, wideForks: true } as const;

describe('seeds that found engine defects', () => {
  // A rerun naming an attempt that a retry or earlier rerun had replaced (as a client re-sending a
  // rerun whose answer it lost does) left the newest attempt beside the new one: S2 (480, 693,
  // 1000) and S3/S4/S5 (375).
  it.each([375, 480, 693, 1000])(
    'seed %i holds every invariant',
    async (seed) => {
      const results = await simulateSeeds(seed, 1, options);
      expect(violationReport(results, options)).toBe('');
    },
    60_000,
  );
});
