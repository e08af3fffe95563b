/**
 * `npm run bench`: what a task transition costs on AWS, measured through the real HTTP API on the
 * local runtime (moto). Three workloads (a linear chain of 10 tasks, a FORK of 10, a dynamic fork of
 * 100) run with in-process workers; every Lambda invocation, AWS call and request unit is counted
 * (bench/cost/), turned into dollars per million transitions with the formula of
 * docs/aws-facts.md, and set beside Step Functions Standard's $25. Then a latency pass measures
 * how long after a worker's result the next task can be claimed, and traces one transition call
 * by call. A measurement, not a test: it exits 0 whether or not the target is met.
 */
import { performance } from 'node:perf_hooks';
import { startMoto } from '../infra/local/moto-server';
import { LAMBDA_GB, STEP_FUNCTIONS_STANDARD, TARGET } from './cost/model';
import { print, printLatency, printWorkload, table, type WorkloadSummary } from './cost/report';
import { runLatency, runWorkload, WORKER_SETTINGS, type WorkloadResult } from './cost/run';
import { TASK_SETTINGS, WORKLOADS } from './cost/workloads';

const began = performance.now();
const verdict = (dollars: number) => (dollars <= TARGET ? 'MET' : 'MISSED');
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
// The SDK's notice that it will need Node 22 in 2027 is noise in the table.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!`${warning.name} ${warning.message}`.includes('NodeVersionSupport')) console.warn(warning);
});

const moto = await startMoto();
try {
  print(
    'Baton cost bench — local runtime on moto (DynamoDB requests served one at a time, infra/local/moto-patches.ts), handlers and SDK clients instrumented (bench/cost/)',
  );
  print(
    '• transition = one task going SCHEDULED → COMPLETED; counted as the worker-completed tasks plus the tasks the ' +
      'decider completes itself (FORK_JOIN, FORK_JOIN_DYNAMIC, JOIN), read from the finished workflows.',
  );
  print(
    '• DynamoDB units are the store’s estimates (usage meter: billing rules applied to the sizes of the items read ' +
      'and written, capacity.ts) plus the definitions table estimated from item sizes; moto’s ConsumedCapacity is ' +
      'made up (a constant per call, nothing for transactions) and is shown but not used.',
  );
  print(
    `• Lambda: ${LAMBDA_GB * 1024} MB for every function; GB·s from the mean handler duration measured here. On moto ` +
      '(one Python process, slower as tables grow, sharing this machine’s cores with the bench) calls take several ' +
      'times longer than in-region AWS, so that line overstates AWS: the floor without it is printed beside. ' +
      'Invocations = API requests + decide batches + system-task batches.',
  );
  print(
    '• Not per transition, so not included: the minute reconcile (32 index queries ≈ 16 RCU + 1 invocation a ' +
      'minute, about $0.1 a month) and the event source mappings’ polling of idle queues.',
  );
  print(
    `• workers: batch poll count ${WORKER_SETTINGS.count}, timeout ${WORKER_SETTINGS.pollTimeoutMs} ms, ` +
      `${WORKER_SETTINGS.idleMs} ms pause after an empty poll, ${WORKER_SETTINGS.loops} poll loop(s) per task type, up to 10 tasks of a batch worked at once; ` +
      'each result goes through update-v2, which hands back the next task of the type when one is ready. ' +
      `Task definitions: ${JSON.stringify({ ...TASK_SETTINGS, ownerEmail: undefined })}.`,
  );
  print(
    '• "as run" = everything the run did. "floor" leaves out what idle polling costs: worker polls that returned ' +
      'nothing, and SQS receives that returned nothing (the local pollers long-poll 1 s at a time; on AWS the event ' +
      'source mapping’s own polling is billed too, but per hour of idling, not per transition).',
  );

  const totals: { name: string; summary?: WorkloadSummary; result: WorkloadResult }[] = [];
  // `npm run bench -- linear fork-10` runs only those (and `latency`); no names: everything.
  const only = process.argv.slice(2);
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  for (const workload of WORKLOADS.filter((w) => wanted(w.name))) {
    let result: WorkloadResult;
    try {
      result = await runWorkload(moto.endpoint, workload);
    } catch (error) {
      print();
      print(
        `▶ ${workload.name} — ✗ FAILED to run: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    }
    totals.push({ name: workload.name, summary: printWorkload(result), result });
  }

  print();
  print(
    `▶ summary — dollars per million task transitions (Step Functions Standard: $${STEP_FUNCTIONS_STANDARD}; target ≤ $${TARGET} all in)`,
  );
  table([
    [
      'workload',
      'workflows',
      'transitions',
      '$ as run',
      '$ floor',
      '$ floor w/o Lambda GB·s',
      'W units/tr',
      '$ of writes',
      'vs SFN $25 (floor)',
      `target ≤ $${TARGET} (as run / floor)`,
    ],
    ...totals.map(({ name, summary, result }) =>
      summary === undefined
        ? [name, String(result.workflows), '–', '–', '–', '–', '–', '–', '–', 'FAILED to complete']
        : [
            name,
            String(result.workflows),
            String(result.transitions),
            `$${summary.asRun.toFixed(2)}`,
            `$${summary.floor.toFixed(2)}`,
            `$${summary.floorWithoutDuration.toFixed(2)}`,
            summary.writeUnits.toFixed(1),
            `$${summary.writeDollars.toFixed(2)}`,
            `${(STEP_FUNCTIONS_STANDARD / summary.floor).toFixed(1)}× cheaper`,
            `${verdict(summary.asRun)} / ${verdict(summary.floor)}`,
          ],
    ),
  ]);
  const measured = totals.filter((t) => t.summary);
  if (measured.length > 0) {
    const minWrites = Math.min(...measured.map((t) => t.summary!.writeDollars));
    const minUnits = Math.min(...measured.map((t) => t.summary!.writeUnits));
    print(
      `  target ${measured.every((t) => t.summary!.asRun <= TARGET) ? 'MET' : 'MISSED'} in ${measured.filter((t) => t.summary!.asRun > TARGET).length} of ${measured.length} workloads (as run). ` +
        `DynamoDB writes alone cost at least $${minWrites.toFixed(2)} per million transitions (≥ ${minUnits.toFixed(1)} ` +
        `write units a transition): the $${TARGET} target needs ≤ ${(TARGET / 0.625).toFixed(1)} units with nothing else, ` +
        'so it cannot be met by tuning Lambda or polling alone — see "where the cost goes" above.',
    );
  }
  for (const { name, result } of totals) {
    if (!result.ok) print(`  ${name}: did not complete — ${result.failure}`);
  }

  try {
    if (wanted('latency')) printLatency(await runLatency(moto.endpoint));
  } catch (error) {
    print();
    print(`▶ latency — ✗ FAILED to run: ${error instanceof Error ? error.message : String(error)}`);
  }
  print();
  print(`bench finished in ${((performance.now() - began) / 1000).toFixed(1)} s`);
} finally {
  await moto.stop();
}
process.exit(0);
