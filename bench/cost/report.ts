/** Turns what the runs measured into per-transition numbers, dollars, and printed tables. */
import { type ClassTotals, sumTotals } from './ledger';
import {
  addUsage,
  type CostLine,
  costOf,
  EMPTY_RECEIVE,
  LAMBDA_GB,
  noUsage,
  PRICE,
  STEP_FUNCTIONS_STANDARD,
  TARGET,
  totalOf,
  type Usage,
  usageOfClass,
} from './model';
import type { LatencyResult, Trace, WorkloadResult } from './run';

export const print = (line = '') => console.log(line);

/** Plain aligned columns: the first left-aligned, the rest right-aligned. */
export const table = (rows: string[][], indent = '  '): void => {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  for (const row of rows) {
    print(
      indent +
        row
          .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
          .join('  ')
          .trimEnd(),
    );
  }
};

const n = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const usd = (value: number) => `$${value.toFixed(2)}`;

/** The artifact of idle polling: worker polls that found nothing (the whole invocation and what it read). */
const IDLE_CLASSES = new Set(['api:poll (empty)']);

export interface Views {
  asRun: Usage;
  floor: Usage;
  deferred: Usage;
}

/** The wake-ups a run left behind, each a future decide that loads a finished workflow and ends. */
const deferredUsage = (result: WorkloadResult): Usage => {
  const { delayedDecides, schedules, loadReadUnits, decideMs } = result.deferred;
  const wakeUps = delayedDecides + schedules;
  return {
    ...noUsage(),
    readUnits: wakeUps * loadReadUnits,
    // Each: received and deleted by the event source mapping; a schedule also sends it.
    sqsRequests: wakeUps * 2 + schedules,
    lambdaInvocations: wakeUps,
    lambdaMs: wakeUps * decideMs,
    schedulerInvocations: schedules,
  };
};

export const viewsOf = (result: WorkloadResult): Views => {
  let asRun = noUsage();
  let floor = noUsage();
  for (const [cls, totals] of result.classes) {
    asRun = addUsage(asRun, usageOfClass(cls, totals, true));
    if (!IDLE_CLASSES.has(cls)) floor = addUsage(floor, usageOfClass(cls, totals, false));
  }
  const deferred = deferredUsage(result);
  return { asRun: addUsage(asRun, deferred), floor: addUsage(floor, deferred), deferred };
};

const countsLine = (record: Record<string, number>, per: number) =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key} ${n(value / per)}`)
    .join(', ');

export interface WorkloadSummary {
  floor: number;
  asRun: number;
  floorWithoutDuration: number;
  writeUnits: number;
  writeDollars: number;
}

export const printWorkload = (result: WorkloadResult): WorkloadSummary | undefined => {
  const { workload } = result;
  print();
  print(
    `▶ ${workload.name} — ${workload.title}; ${result.workflows} workflows, ${n(result.elapsedMs / 1000, 1)} s`,
  );
  const printRetries = () => {
    for (const line of result.retried) print(`  SDK retry: ${line}`);
  };
  if (!result.ok) {
    print(`  ✗ FAILED: ${result.failure}`);
    printRetries();
    print('  No cost is reported for a workload that did not complete.');
    return undefined;
  }
  const T = result.transitions;
  print(
    `  transitions: ${T} = ${result.workerTasks} worker-completed + ${result.deciderTasks} decider-completed ` +
      `(${n(T / result.workflows, 0)} per workflow; expected ${workload.expectedTransitions})`,
  );
  const views = viewsOf(result);
  const all = sumTotals([...result.classes.values()]);
  const floorClasses = sumTotals(
    [...result.classes].filter(([cls]) => !IDLE_CLASSES.has(cls)).map(([, totals]) => totals),
  );
  const asRunCost = costOf(views.asRun, T);
  const floorCost = costOf(views.floor, T);
  const handlerClasses = [...result.classes].filter(([cls]) => cls !== 'esm' && cls !== 'outside');
  const invocationsBy = (kind: string, among: [string, ClassTotals][]) =>
    among.filter(([cls]) => cls.startsWith(kind)).reduce((sum, [, t]) => sum + t.invocations, 0);
  const meanMs = (u: Usage) => (u.lambdaInvocations ? u.lambdaMs / u.lambdaInvocations : 0);
  const floorHandlers = handlerClasses.filter(([cls]) => !IDLE_CLASSES.has(cls));
  const apiBy = Object.fromEntries(
    handlerClasses
      .filter(([cls]) => cls.startsWith('api'))
      .map(([cls, t]) => [cls.replace('api:', ''), t.invocations]),
  );

  print();
  table([
    ['per transition', 'as run', 'floor'],
    ['DynamoDB write units (estimated)', n(views.asRun.writeUnits / T), n(views.floor.writeUnits / T)],
    ['DynamoDB read units (estimated)', n(views.asRun.readUnits / T), n(views.floor.readUnits / T)],
    [
      '  of which definitions table (R/W)',
      `${n(all.definitions.readUnits / T)}/${n(all.definitions.writeUnits / T)}`,
      `${n(floorClasses.definitions.readUnits / T)}/${n(floorClasses.definitions.writeUnits / T)}`,
    ],
    [
      '  moto-reported R/W (made up, not used)',
      `${n(all.motoReported.readUnits / T)}/${n(all.motoReported.writeUnits / T)}`,
      `${n(floorClasses.motoReported.readUnits / T)}/${n(floorClasses.motoReported.writeUnits / T)}`,
    ],
    ['DynamoDB calls', n(sumCounts(all.dynamoCalls) / T), n(sumCounts(floorClasses.dynamoCalls) / T)],
    ['SQS requests', n(views.asRun.sqsRequests / T), n(views.floor.sqsRequests / T)],
    ['Lambda invocations', n(views.asRun.lambdaInvocations / T), n(views.floor.lambdaInvocations / T)],
    [
      '  api / decide / system-task',
      `${n(invocationsBy('api', handlerClasses) / T)} / ${n(invocationsBy('decide', handlerClasses) / T)} / ${n(invocationsBy('systemTask', handlerClasses) / T)}`,
      `${n(invocationsBy('api', floorHandlers) / T)} / ${n(invocationsBy('decide', floorHandlers) / T)} / ${n(invocationsBy('systemTask', floorHandlers) / T)}`,
    ],
    ['  mean handler duration (ms)', n(meanMs(views.asRun), 1), n(meanMs(views.floor), 1)],
    ['API requests', n(views.asRun.apiRequests / T), n(views.floor.apiRequests / T)],
    ['$ per million transitions', usd(totalOf(asRunCost)), usd(totalOf(floorCost))],
    ['  Step Functions Standard', usd(STEP_FUNCTIONS_STANDARD), usd(STEP_FUNCTIONS_STANDARD)],
    [`  target ≤ $${TARGET}`, verdict(totalOf(asRunCost)), verdict(totalOf(floorCost))],
  ]);
  const durationCost = (lines: CostLine[]) => lines.find((line) => line.component.startsWith('Lambda GB'))!;
  const floorDuration = durationCost(floorCost).dollarsPerMillion;
  const perTenMs = (views.floor.lambdaInvocations / T) * 0.01 * LAMBDA_GB * PRICE.gbSecond;
  print(
    `  floor without Lambda duration: ${usd(totalOf(floorCost) - floorDuration)} (DynamoDB writes alone ` +
      `${usd(floorCost[0]!.dollarsPerMillion)}); every 10 ms of mean handler duration adds ${usd(perTenMs)} — the ` +
      `measured ${n(meanMs(views.floor), 0)} ms mean is moto's (see its call latencies below), not AWS's`,
  );
  print(`  SQS (as run): ${countsLine(all.sqs, T)} per transition`);
  print(`  API (as run): ${countsLine(apiBy, T)} per transition`);
  print(`  DynamoDB calls (as run): ${countsLine(all.dynamoCalls, T)} per transition`);
  print(
    `  DynamoDB call latency on moto (mean ms): ${Object.keys(all.dynamoCalls)
      .sort()
      .map((command) => `${command} ${n((all.dynamoMs[command] ?? 0) / (all.dynamoCalls[command] ?? 1), 1)}`)
      .join(', ')} — in AWS single-digit ms (transactions ~10–20 ms)`,
  );
  if (all.retries > 0) {
    print(
      `  SDK retries: ${all.retries} extra attempts (not in the request counts; on moto they are the emulator's)`,
    );
    printRetries();
  }
  const { delayedDecides, schedules, loadReadUnits } = result.deferred;
  print(
    `  deferred wake-ups (estimated, included above): ${delayedDecides} delayed decide requests and ${schedules} ` +
      `schedules come due after the run (${n((delayedDecides + schedules) / T, 3)} per transition); each will cost a ` +
      `receive + delete, a decide invocation and a load (${n(loadReadUnits, 1)} RCU for a finished workflow)`,
  );

  print();
  print('  where the cost goes ($ per million transitions):');
  table([
    ['component', 'as run /tr', '$ as run', 'floor /tr', '$ floor', 'share (floor)'],
    ...asRunCost.map((line, i) => componentRow(line, floorCost[i]!, totalOf(floorCost))),
  ]);

  print();
  print('  by invocation (floor classes; per transition; $ per million transitions):');
  const rows: string[][] = [['invocation', 'calls', 'mean ms', 'W', 'R', 'SQS', '$ total']];
  const classCosts: [string, Usage][] = [...result.classes]
    .filter(([cls]) => !IDLE_CLASSES.has(cls))
    .map(([cls, t]) => [cls, usageOfClass(cls, t, false)]);
  classCosts.push(['(deferred wake-ups, est.)', views.deferred]);
  const idle = [...result.classes].filter(([cls]) => IDLE_CLASSES.has(cls));
  for (const [cls, t] of idle) classCosts.push([`${cls} — not in floor`, usageOfClass(cls, t, true)]);
  const esm = result.classes.get('esm');
  if (esm?.sqs[EMPTY_RECEIVE]) {
    classCosts.push([
      'esm empty receives — not in floor',
      { ...noUsage(), sqsRequests: esm.sqs[EMPTY_RECEIVE] ?? 0 },
    ]);
  }
  for (const [cls, usage] of classCosts.sort((a, b) => totalOf(costOf(b[1], T)) - totalOf(costOf(a[1], T)))) {
    const calls = cls.startsWith('esm') ? usage.sqsRequests : usage.lambdaInvocations;
    rows.push([
      cls === 'esm' ? 'esm (receive/delete by the event source mapping)' : cls,
      n(calls / T, 3),
      usage.lambdaInvocations ? n(usage.lambdaMs / usage.lambdaInvocations, 1) : '',
      n(usage.writeUnits / T),
      n(usage.readUnits / T),
      n(usage.sqsRequests / T),
      usd(totalOf(costOf(usage, T))),
    ]);
  }
  table(rows);

  print();
  print('  DynamoDB by store operation (floor; per transition: calls, est. read units, est. write units):');
  const ops = Object.entries(floorClasses.store).sort(
    (a, b) => b[1].writeUnits * 5 + b[1].readUnits - (a[1].writeUnits * 5 + a[1].readUnits),
  );
  table([
    ['operation', 'calls', 'R', 'W', 'refused (conditional)'],
    ...ops.map(([op, e]) => [
      op,
      n(e.calls / T),
      n(e.readUnits / T),
      n(e.writeUnits / T),
      n(e.conditionFailures / T),
    ]),
    [
      'definitions table',
      n(floorClasses.definitions.calls / T),
      n(floorClasses.definitions.readUnits / T),
      n(floorClasses.definitions.writeUnits / T),
      '',
    ],
  ]);
  return {
    floor: totalOf(floorCost),
    asRun: totalOf(asRunCost),
    floorWithoutDuration: totalOf(floorCost) - floorDuration,
    writeUnits: views.floor.writeUnits / T,
    writeDollars: floorCost[0]!.dollarsPerMillion,
  };
};

const sumCounts = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

const verdict = (dollars: number) => (dollars <= TARGET ? 'MET' : 'MISSED');

const componentRow = (asRun: CostLine, floor: CostLine, floorTotal: number): string[] => [
  asRun.component,
  n(asRun.perTransition, 4),
  usd(asRun.dollarsPerMillion),
  n(floor.perTransition, 4),
  usd(floor.dollarsPerMillion),
  `${n((floor.dollarsPerMillion / floorTotal) * 100, 0)}%`,
];

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

export const printLatency = (result: LatencyResult): void => {
  print();
  print(
    '▶ latency — linear workload again (20 workflows, 4 at a time), one dedicated tight poller (batch count 1, timeout 0, no pause) whose tasks are completed beside it through update-v2',
  );
  if (!result.ok) print(`  ✗ incomplete: ${result.failure}`);
  table([
    ['latency', 'n', 'median ms', 'p90 ms', 'p99 ms', 'max ms'],
    [
      'from the worker’s update-v2 acknowledgement to the next task claimed by the tight poller',
      String(result.ackToClaim.length),
      n(percentile(result.ackToClaim, 50), 1),
      n(percentile(result.ackToClaim, 90), 1),
      n(percentile(result.ackToClaim, 99), 1),
      n(Math.max(...result.ackToClaim), 1),
    ],
    [
      'from that acknowledgement to the decide commit that makes the next task pollable',
      String(result.ackToCommit.length),
      n(percentile(result.ackToCommit, 50), 1),
      n(percentile(result.ackToCommit, 90), 1),
      n(percentile(result.ackToCommit, 99), 1),
      n(Math.max(...result.ackToCommit), 1),
    ],
    [
      'from the result reaching update-v2 to that commit',
      String(result.resultToCommit.length),
      n(percentile(result.resultToCommit, 50), 1),
      n(percentile(result.resultToCommit, 90), 1),
      n(percentile(result.resultToCommit, 99), 1),
      n(Math.max(...result.resultToCommit), 1),
    ],
  ]);
  print(
    `  poll resolution: an empty poll takes ${n(percentile(result.emptyPollMs, 50), 1)} ms (median, in the handler; ` +
      `${result.emptyPollMs.length} empty polls). Negative values: the commit landed before update-v2 answered ` +
      '(its hand-back poll runs after the inline decide).',
  );
  print(
    `  handler durations in this pass (mean ms): ${Object.entries(result.handlerMs)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([cls, ms]) => `${cls} ${n(ms, 1)}`)
      .join(', ')}`,
  );
  if (!result.trace) {
    print('  (no transition could be traced)');
    return;
  }
  printTrace('a typical transition', result.trace, true);
  if (result.slowest && result.slowest.to !== result.trace.to) {
    printTrace('the slowest transition', result.slowest, false);
    const longest = [...result.slowest.steps].sort((a, b) => b.durationMs - a.durationMs)[0];
    if (longest && longest.durationMs > 500) {
      print(
        `  its longest step is one call, ${longest.call.split(' — ')[0]} in ${longest.where}, taking ` +
          `${n(longest.durationMs, 0)} ms: a stall of the emulator (moto) or of this machine, not engine work.`,
      );
    }
  }
};

const stepName = (taskId: string) => taskId.split(':')[1] ?? taskId;

const printTrace = (title: string, trace: Trace, countPath: boolean): void => {
  print();
  print(
    `  ${title}, ${stepName(trace.from)} → ${stepName(trace.to)} of workflow ${trace.from.slice(0, 8)}… ` +
      "(ms from the update-v2 handler's start; # = on the path to the next task being pollable):",
  );
  const onPath = trace.steps.filter((step) => step.onPath);
  let i = 0;
  table([
    ['#', 'at ms', 'took', 'where', 'call'],
    ...trace.steps.map((step) => [
      step.onPath ? String(++i) : '·',
      n(step.at, 1),
      n(step.durationMs, 1),
      step.where,
      step.call,
    ]),
  ]);
  print(
    `  acknowledged to the worker at ${n(trace.ackAt, 1)} ms; next task committed (pollable) at ` +
      `${n(trace.commitAt, 1)} ms; claimed by a poller at ${n(trace.claimAt, 1)} ms`,
  );
  if (!countPath) return;
  const updateCalls = onPath.filter((step) => step.where.startsWith('api')).length;
  const receives = onPath.filter((step) => step.where === 'event source mapping').length;
  const decideCalls = onPath.filter((step) => step.where === 'decide').length;
  print(
    `  sequential AWS calls from the worker's result to the next task being pollable: ${onPath.length} ` +
      `(${updateCalls} in update-v2 up to its inline commit or decide request, ${receives} SQS receive, ` +
      `${decideCalls} in a queued decide up to its commit). ` +
      'On AWS the pollable index (a GSI, eventually consistent) must then catch up before a poll ' +
      'sees the task; the claim itself is a Query per shard tried plus one UpdateItem.',
  );
};
