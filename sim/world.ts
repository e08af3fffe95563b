import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, type Hash } from 'node:crypto';
import type { FaultPlan } from './faults';
import type { Random } from './random';

/**
 * Which simulated process is running. One for all worlds: Node keeps every AsyncLocalStorage ever
 * created in a list it walks on each promise, so one per world would slow each seed down a little
 * more than the last.
 */
const CURRENT_PROCESS = new AsyncLocalStorage<SimProcess>();

/**
 * Simulated time and processes. Everything that takes time in a run — an AWS call, a sleep, a
 * queue delay, a schedule — is an event on one time-ordered queue, and the loop runs one event at a
 * time, letting every continuation it wakes finish before the next. So a run depends only on its
 * seed: two runs of one seed interleave identically, and their traces hash the same.
 *
 * A process is one Lambda invocation (or one simulated worker). Every AWS call it makes goes through
 * `io`, where the fault plan may delay it, freeze the process past its lease, throttle the call, or
 * kill the process just before or just after the call takes effect. A killed process never resumes:
 * its pending promise is simply never settled, exactly like a Lambda whose container died.
 */
export class SimWorld {
  now = 0;
  private seq = 0;
  private readonly events: Event[] = [];
  private readonly processes = CURRENT_PROCESS;
  private readonly trace: Hash = createHash('sha256');
  private nextProcessId = 1;
  /** Faults apply only while this is true: the healing phase turns it off. */
  faultsOn = true;

  constructor(
    readonly random: Random,
    readonly faults: FaultPlan,
  ) {}

  /** Runs `fn` at simulated time `at` (not before now). */
  at(at: number, fn: () => void): void {
    const event = { at: Math.max(at, this.now), seq: this.seq++, fn };
    // A binary heap would be faster; a sorted insert keeps the order obvious and is fast enough here.
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const other = this.events[mid]!;
      if (other.at < event.at || (other.at === event.at && other.seq < event.seq)) low = mid + 1;
      else high = mid;
    }
    this.events.splice(low, 0, event);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(this.now + Math.max(0, ms), resolve));
  }

  /** Runs events until `until` (simulated ms) or until `done()` holds; returns whether it held. */
  async runUntil(until: number, done: () => boolean = () => false): Promise<boolean> {
    while (this.events.length > 0) {
      if (done()) return true;
      const event = this.events[0]!;
      if (event.at > until) break;
      this.events.shift();
      this.now = event.at;
      event.fn();
      // Every continuation the event woke runs now, before the next event: the order of events,
      // not the host's scheduling, decides the interleaving.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.now < until && !done()) this.now = until;
    return done();
  }

  pendingEvents(): number {
    return this.events.length;
  }

  /** Starts a process; resolves with how it ended. It never rejects. */
  spawn<T>(kind: string, body: () => Promise<T>): Promise<ProcessEnd<T>> {
    const process: SimProcess = { id: this.nextProcessId++, kind, dead: false, onDeath: () => {} };
    this.record(`spawn ${kind} #${process.id}`);
    return new Promise((resolve) => {
      process.onDeath = (when) => resolve({ kind: 'crashed', when });
      this.processes.run(process, () => {
        body().then(
          (value) => {
            if (!process.dead) resolve({ kind: 'returned', value });
          },
          (error: unknown) => {
            if (!process.dead) resolve({ kind: 'threw', error });
          },
        );
      });
    });
  }

  /**
   * One AWS call of the current process: latency (or a freeze), then maybe a throttle, a crash
   * before the effect, the effect, and maybe a crash after it (the reply lost).
   */
  async io<T>(call: string, effect: () => Promise<T>): Promise<T> {
    const process = this.processes.getStore();
    if (process?.dead) return never();
    const faults = this.faultsOn ? this.faults : undefined;
    const frozen = faults && process && this.chance(faults.rates.freeze, 'freeze');
    await this.sleep(frozen ? this.random.int(31_000, 45_000) : this.random.int(1, 8));
    if (process?.dead) return never();
    this.record(`${call} #${process?.id ?? 0}`);
    if (faults && process && this.chance(faults.rates.crashBefore, 'crashBefore'))
      return this.kill(process, 'before');
    if (faults && this.chance(faults.rates.throttle, 'throttle')) {
      throw Object.assign(new Error(`${call}: Rate exceeded`), { name: 'ThrottlingException' });
    }
    const result = await effect();
    if (faults && process && this.chance(faults.rates.crashAfter, 'crashAfter'))
      return this.kill(process, 'after');
    return result;
  }

  /** The id of the process running now (0 outside any). */
  currentProcess(): number {
    return this.processes.getStore()?.id ?? 0;
  }

  /** Draws a fault of `kind` at the plan's rate, counting the ones injected. */
  chance(rate: number, kind: string): boolean {
    if (!this.faultsOn || rate <= 0 || !this.random.chance(rate)) return false;
    this.faults.injected[kind] = (this.faults.injected[kind] ?? 0) + 1;
    this.record(`fault ${kind}`);
    return true;
  }

  record(line: string): void {
    this.trace.update(`${this.now} ${line}\n`);
  }

  traceHash(): string {
    return this.trace.copy().digest('hex').slice(0, 16);
  }

  private kill(process: SimProcess, when: 'before' | 'after'): Promise<never> {
    process.dead = true;
    this.record(`crash ${when} #${process.id}`);
    process.onDeath(when);
    return never();
  }
}

interface Event {
  at: number;
  seq: number;
  fn: () => void;
}

interface SimProcess {
  id: number;
  kind: string;
  dead: boolean;
  onDeath: (when: 'before' | 'after') => void;
}

export type ProcessEnd<T> =
  | { kind: 'returned'; value: T }
  | { kind: 'threw'; error: unknown }
  | { kind: 'crashed'; when: 'before' | 'after' };

/** A promise that never settles: what a dead process waits on. */
const never = <T>(): Promise<T> => new Promise<T>(() => {});
