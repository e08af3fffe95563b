/**
 * `npm run sim -- --seeds N [--seed S] [--workflows W] [--wide] [--no-reconcile] [--faults off|a,b]
 * [--no-operations]`
 * Runs seeds S, S+1, … S+N-1 and prints seeds per second, faults injected by kind, the operator's
 * operations by kind (issued, refused, committed), invariant checks made and violations; each
 * failing seed with the one-line command that replays it.
 */
import { loadScriptRuntime } from '../lambdas/core/scripting/index';
import { FAULT_KINDS, type FaultKind } from './faults';
import { OPERATION_KINDS } from './operator-requests';
import { quietly } from './quiet';
import { runSeed, type SeedOptions } from './run-seed';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const flag = (name: string) => process.argv.includes(`--${name}`);

const integer = (name: string, fallback: number): number => {
  const text = argument(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a non-negative integer, not ${text}`);
  return value;
};

const faultsOption = (): SeedOptions['faults'] => {
  const text = argument('faults');
  if (text === undefined || text === 'random') return 'random';
  if (text === 'off') return 'off';
  const kinds = text.split(',');
  const unknown = kinds.filter((kind) => !(FAULT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0)
    throw new Error(`unknown fault kinds ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
};

const main = async () => {
  const first = integer('seed', 1);
  const seeds = integer('seeds', argument('seed') === undefined ? 100 : 1);
  const workflows = integer('workflows', 20);
  const faults = faultsOption();
  const reconcile = !flag('no-reconcile');
  const wideForks = flag('wide');
  const operations = flag('no-operations') ? false : undefined;
  const scripts = await loadScriptRuntime();
  const injected: Record<string, number> = {};
  const operated = Object.fromEntries(
    OPERATION_KINDS.map((kind) => [kind, { issued: 0, refused: 0, failed: 0, committed: 0 }]),
  );
  let checks = 0;
  let violations = 0;
  const started = performance.now();
  for (let seed = first; seed < first + seeds; seed++) {
    const result = await quietly(() =>
      runSeed({ seed, workflows, faults, reconcile, wideForks, operations }, scripts),
    );
    checks += result.checks;
    for (const [kind, count] of Object.entries(result.injected))
      injected[kind] = (injected[kind] ?? 0) + count;
    for (const kind of OPERATION_KINDS) {
      const total = operated[kind]!;
      const counts = result.operations[kind];
      total.issued += counts.issued;
      total.refused += counts.refused;
      total.failed += counts.failed;
      total.committed += counts.committed;
    }
    if (result.violations.length > 0) {
      violations += result.violations.length;
      const replay = [
        `npm run sim -- --seed ${seed} --workflows ${workflows}`,
        wideForks ? '--wide' : '',
        reconcile ? '' : '--no-reconcile',
        operations === false ? '--no-operations' : '',
        typeof faults === 'string' && faults !== 'random' ? `--faults ${faults}` : '',
        Array.isArray(faults) ? `--faults ${faults.join(',')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      console.log(
        `seed ${seed}: ${result.violations.length} violations (faults: ${result.faultKinds.join(', ')}); replay: ${replay}`,
      );
      for (const violation of result.violations.slice(0, 5)) {
        console.log(`  ${violation.invariant} ${violation.workflowId ?? ''}: ${violation.message}`);
      }
    } else if (seeds === 1) {
      console.log(
        `seed ${seed}: ok, trace ${result.traceHash}, ${result.workflows} workflows, faults: ${result.faultKinds.join(', ') || 'none'}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${seeds} seeds × ${workflows} workflows in ${seconds.toFixed(1)} s (${(seeds / seconds).toFixed(2)} seeds/s)`,
  );
  console.log(
    `faults injected: ${Object.entries(injected)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}`,
  );
  console.log(
    `operations (issued/refused/5xx/committed): ${OPERATION_KINDS.map((kind) => {
      const { issued, refused, failed, committed } = operated[kind]!;
      return `${kind} ${issued}/${refused}/${failed}/${committed}`;
    }).join(', ')}`,
  );
  console.log(`invariant checks: ${checks}; violations: ${violations}`);
  process.exitCode = violations > 0 ? 1 : 0;
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
