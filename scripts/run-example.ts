/**
 * Runs a workflow definition through the decider with simulated workers and prints every step.
 * Usage: npm start [-- path/to/definition.json '{"input": "json"}']
 * (Until the durable runtime lands this is Baton's local run: the same pure decider the Lambdas use.)
 */
import { readFileSync } from 'node:fs';
import {
  applyTaskResult,
  createWorkflow,
  decide,
  markPolled,
  type Task,
  validateWorkflowDef,
  type Workflow,
  type WorkflowDef,
} from '../lambdas/core/index';
import { loadScriptRuntime } from '../lambdas/core/scripting/index';

const [definitionPath = new URL('../examples/order-fulfilment.json', import.meta.url), inputText] =
  process.argv.slice(2);
const definition = JSON.parse(readFileSync(definitionPath, 'utf8')) as WorkflowDef;
const problems = validateWorkflowDef(definition);
if (problems.length > 0) {
  for (const problem of problems) console.error(`${problem.path}: ${problem.message}`);
  process.exit(1);
}
const input = inputText ? JSON.parse(inputText) : { orderId: 'order-1', items: ['book', 'lamp', 'mug'] };

/** What the simulated workers answer, by task name; anything else just completes. */
const workerOutputs: Record<string, (task: Task) => Record<string, unknown>> = {
  check_stock: () => ({ inStock: true }),
  charge_card: () => ({ chargeId: 'ch_1' }),
  pack_item: (task) => ({ packed: task.inputData.index }),
  ship: () => ({ trackingId: 'TRACK-123' }),
};

const scripts = await loadScriptRuntime();
let now = Date.UTC(2026, 10, 24, 9, 0, 0);
let workflow: Workflow = createWorkflow(
  definition,
  { name: definition.name, input },
  { workflowId: 'example-1', now },
);
const ctx = () => ({ now, taskDefs: () => undefined, scripts });
const clock = () => `+${((now - workflow.startTime) / 1000).toFixed(0).padStart(3)}s`;

const runDecide = () => {
  const result = decide({ workflow, definition }, ctx());
  workflow = result.next;
  for (const task of result.changedTasks) {
    console.log(
      `${clock()}  decide   ${task.referenceTaskName.padEnd(14)} ${task.taskType.padEnd(12)} ${task.status}`,
    );
  }
  for (const effect of result.effects) console.log(`${clock()}  effect   ${JSON.stringify(effect)}`);
};

console.log(`starting ${definition.name} with ${JSON.stringify(input)}`);
runDecide();
for (let round = 0; workflow.status === 'RUNNING' && round < 1_000; round++) {
  const ready = workflow.tasks.filter(
    (task) => task.status === 'SCHEDULED' && task.taskType === task.taskDefName,
  );
  if (ready.length === 0) break;
  now += 1_000;
  for (const scheduled of ready) {
    const polled = markPolled(scheduled, 'example-worker', now);
    if (!polled) continue;
    const outputData = (workerOutputs[polled.taskDefName] ?? (() => ({})))(polled);
    const update = applyTaskResult(
      workflow,
      polled,
      { workflowInstanceId: workflow.workflowId, taskId: polled.taskId, status: 'COMPLETED', outputData },
      now,
    );
    if (update.kind !== 'updated') continue;
    workflow = {
      ...workflow,
      tasks: workflow.tasks.map((task) => (task.taskId === polled.taskId ? update.task : task)),
    };
    console.log(
      `${clock()}  worker   ${polled.referenceTaskName.padEnd(14)} completed ${JSON.stringify(outputData)}`,
    );
  }
  runDecide();
}
console.log(
  `\nworkflow ${workflow.status} with output ${JSON.stringify(workflow.output)} after ${workflow.tasks.length} tasks`,
);
