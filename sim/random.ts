import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * The simulator's only source of randomness: seeded, so that a seed replays a run exactly. Every
 * random choice of a run (workload, fault, interleaving, worker behaviour) is drawn from here.
 */
export class Random {
  private readonly generator: ReturnType<typeof xoroshiro128plus>;

  constructor(readonly seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.generator, min, max);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.int(0, 999_999) < p * 1_000_000;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A fraction in [0, 1), for APIs that want Math.random's shape. */
  fraction(): number {
    return this.int(0, 2 ** 30 - 1) / 2 ** 30;
  }

  /** An independent generator for one part of a run, so adding draws elsewhere does not shift it. */
  fork(label: number): Random {
    return new Random((this.seed * 1_000_003 + label) | 0);
  }
}
