/** Running simulator seeds from tests, with failures reported as replayable commands. */
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import type { ScriptRuntime } from '../../lambdas/core/scripting/script-runtime';
import { FAULT_KINDS } from '../../sim/faults';
import { OPERATION_KINDS } from '../../sim/operator-requests';
import { quietly } from '../../sim/quiet';
import { runSeed, type SeedOptions, type SeedResult } from '../../sim/run-seed';

let scripts: Promise<ScriptRuntime> | undefined;

export const simulate = async (options: SeedOptions): Promise<SeedResult> => {
  scripts ??= loadScriptRuntime();
  const runtime = await scripts;
  return quietly(() => runSeed(options, runtime));
};

export const simulateSeeds = async (
  first: number,
  count: number,
  options: Omit<SeedOptions, 'seed'>,
): Promise<SeedResult[]> => {
  const results: SeedResult[] = [];
  for (let seed = first; seed < first + count; seed++) results.push(await simulate({ ...options, seed }));
  return results;
};

/** Every violation of every seed, each with the command that replays its seed; '' when none. */
export const violationReport = (
  results: readonly SeedResult[],
  options: Omit<SeedOptions, 'seed'>,
): string => {
  const flags = [
    `--workflows ${options.workflows}`,
    options.wideForks ? '--wide' : '',
    options.reconcile ? '' : '--no-reconcile',
    options.faults === 'off'
      ? '--faults off'
      : Array.isArray(options.faults)
        ? `--faults ${options.faults.join(',')}`
        : '',
  ]
    .filter(Boolean)
    .join(' ');
  return results
    .filter((result) => result.violations.length > 0)
    .map(
      (result) =>
        `seed ${result.seed} (faults: ${result.faultKinds.join(', ') || 'none'}): ` +
        result.violations
          .slice(0, 3)
          .map((violation) => `${violation.invariant} ${violation.workflowId ?? ''} ${violation.message}`)
          .join('; ') +
        ` — replay: npm run sim -- --seed ${result.seed} ${flags}`,
    )
    .join('\n');
};

/**
 * A range of seeds with random faults (every kind appears across any hundred seeds), wide dynamic
 * forks on, the operator steering workflows, and the reconcile as deployed: no invariant may break,
 * and every operation kind must be both issued and committed, so a range never passes by operating
 * on nothing. Split over several test files so that the runner spreads them over the cores.
 */
export const checkSeedRange = async (first: number, count: number): Promise<void> => {
  const options = { workflows: 20, faults: 'random', reconcile: true, wideForks: true } as const;
  const results = await simulateSeeds(first, count, options);
  const report = violationReport(results, options);
  if (report !== '') throw new Error(`invariants broken:\n${report}`);
  const range = `seeds ${first}–${first + count - 1}`;
  const kinds = new Set(results.flatMap((result) => result.faultKinds));
  const missing = FAULT_KINDS.filter((kind) => !kinds.has(kind));
  if (missing.length > 0) throw new Error(`${range} never enabled ${missing.join(', ')}`);
  const workflows = results.reduce((sum, result) => sum + result.workflows, 0);
  if (workflows < count * options.workflows) throw new Error(`only ${workflows} workflows ran`);
  const idle = OPERATION_KINDS.filter(
    (kind) =>
      results.every((result) => result.operations[kind].issued === 0) ||
      results.every((result) => result.operations[kind].committed === 0),
  );
  if (idle.length > 0) throw new Error(`${range} never issued or never committed ${idle.join(', ')}`);
};
