import type { Random } from './random';

/**
 * The faults of reliability.md's failure model, each one a kind a seed may switch on. A seed takes
 * a random subset, so that across seeds every combination gets its turn, and a failure found with
 * few kinds on is easier to read.
 */
export const FAULT_KINDS = [
  /** A Lambda dies just before an AWS call takes effect. */
  'crash',
  /** SQS delivers a message twice. */
  'duplicate',
  /** Messages and calls arrive late (and so out of order). */
  'delay',
  /** AWS calls fail with a throttling error. */
  'throttle',
  /** A commit loses to a transaction the simulation does not show. */
  'conflict',
  /** Index reads (poll, reconcile) miss what was written in the last seconds. */
  'staleIndex',
  /** A Lambda freezes longer than its lease, then carries on. */
  'freeze',
  /** The minute reconcile skips or doubles a tick. */
  'reconcileTicks',
  /** Workers hold their results and send them together, many at once on one workflow. */
  'burst',
  /** Workers answer twice, late (after a timeout retried the task), never, or ask for a callback. */
  'workers',
  /** Messages no handler can read land on the queues; they must end in the DLQ and nowhere else. */
  'poison',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRates {
  crashBefore: number;
  crashAfter: number;
  duplicate: number;
  delay: number;
  throttle: number;
  conflict: number;
  freeze: number;
  skipTick: number;
  doubleTick: number;
  /** Longest time an index read may lag behind a write, ms. */
  indexLagMs: number;
}

export interface FaultPlan {
  kinds: FaultKind[];
  rates: FaultRates;
  burst: boolean;
  misbehavingWorkers: boolean;
  poisonMessages: number;
  /** Faults injected so far, by kind (counted by the world and the models). */
  injected: Record<string, number>;
}

const NO_FAULTS: FaultRates = {
  crashBefore: 0,
  crashAfter: 0,
  duplicate: 0,
  delay: 0,
  throttle: 0,
  conflict: 0,
  freeze: 0,
  skipTick: 0,
  doubleTick: 0,
  indexLagMs: 0,
};

export const faultFree = (): FaultPlan => ({
  kinds: [],
  rates: { ...NO_FAULTS },
  burst: false,
  misbehavingWorkers: false,
  poisonMessages: 0,
  injected: {},
});

/** A random non-empty subset of kinds (or exactly `only`), at rates that stress without drowning. */
export const planFaults = (random: Random, only?: readonly FaultKind[]): FaultPlan => {
  let kinds = only ? [...only] : FAULT_KINDS.filter(() => random.chance(0.5));
  if (kinds.length === 0) kinds = [random.pick(FAULT_KINDS)];
  const on = (kind: FaultKind) => kinds.includes(kind);
  return {
    kinds,
    rates: {
      crashBefore: on('crash') ? 0.006 : 0,
      crashAfter: on('crash') ? 0.006 : 0,
      duplicate: on('duplicate') ? 0.08 : 0,
      delay: on('delay') ? 0.08 : 0,
      throttle: on('throttle') ? 0.01 : 0,
      conflict: on('conflict') ? 0.08 : 0,
      freeze: on('freeze') ? 0.002 : 0,
      skipTick: on('reconcileTicks') ? 0.3 : 0,
      doubleTick: on('reconcileTicks') ? 0.2 : 0,
      indexLagMs: on('staleIndex') ? 2_000 : 0,
    },
    burst: on('burst'),
    misbehavingWorkers: on('workers'),
    poisonMessages: on('poison') ? random.int(1, 3) : 0,
    injected: {},
  };
};
