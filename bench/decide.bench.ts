/**
 * Decide time against execution size. For each size n it builds an execution of n tasks and times
 * the decide that follows one worker result, in three shapes:
 * - fork: a dynamic fork of n-3 branches; a branch completes while the last one still runs, so the
 *   JOIN checks every branch and keeps waiting (what nearly every decide of a wide fork does);
 * - fork-join: the same fork whose last branch completes, so the JOIN completes and builds its
 *   output, a map with one entry per branch;
 * - chain: n SIMPLE tasks in sequence whose newest task just completed.
 * Prints the median of repeated runs and the ratio t(10,000)/t(1,000); linear cost gives ≈10.
 */
import { decide } from '../lambdas/core/decide';
import { taskIdFor } from '../lambdas/core/ids';
import type { Task, Workflow, WorkflowDef } from '../lambdas/core/model';
import { loadScriptRuntime } from '../lambdas/core/scripting/index';
import { createWorkflow } from '../lambdas/core/start';

const SIZES = [10, 100, 1_000, 10_000];
const NOW = Date.UTC(2026, 10, 24);
const scripts = await loadScriptRuntime();
const ctx = { now: NOW, taskDefs: () => undefined, scripts, maxTaskWrites: 100_000 };

const forkDefinition: WorkflowDef = {
  name: 'bench_fork',
  tasks: [
    { name: 'prepare', taskReferenceName: 'prepare' },
    {
      name: 'fan_out',
      taskReferenceName: 'fan_out',
      type: 'FORK_JOIN_DYNAMIC',
      dynamicForkTasksParam: 'tasks',
      dynamicForkTasksInputParamName: 'inputs',
      inputParameters: { tasks: '${prepare.output.tasks}', inputs: '${prepare.output.inputs}' },
    },
    { name: 'fan_in', taskReferenceName: 'fan_in', type: 'JOIN' },
  ],
};

const chainDefinition = (n: number): WorkflowDef => ({
  name: 'bench_chain',
  tasks: Array.from({ length: n }, (_, i) => ({
    name: 'step',
    taskReferenceName: `step_${i}`,
    inputParameters: { previous: i > 0 ? `\${step_${i - 1}.output.value}` : '${workflow.input.seed}' },
  })),
});

const finish = (task: Task, executed: boolean): Task => ({
  ...task,
  status: 'COMPLETED',
  executed,
  outputData: { value: task.referenceTaskName },
});

/** A wide fork whose branches have all completed but one; `lastDone` completes that one too. */
const forkExecution = (n: number, lastDone: boolean) => {
  let workflow: Workflow = createWorkflow(
    forkDefinition,
    { name: 'bench_fork' },
    { workflowId: 'wf', now: NOW },
  );
  workflow = decide({ workflow, definition: forkDefinition }, ctx).next;
  const width = n - 3;
  const tasks = Array.from({ length: width }, (_, i) => ({ name: 'work', taskReferenceName: `work_${i}` }));
  workflow = { ...workflow, tasks: workflow.tasks.map((task) => finish(task, false)) };
  (workflow.tasks[0] as Task).outputData = { tasks, inputs: {} };
  workflow = decide({ workflow, definition: forkDefinition }, ctx).next;
  const last = workflow.tasks.length - 2;
  const reported = lastDone ? last : last - 1;
  workflow = {
    ...workflow,
    tasks: workflow.tasks.map((task, i) =>
      task.taskType === 'work' && (i !== last || lastDone) ? finish(task, i !== reported) : task,
    ),
  };
  return { workflow, definition: forkDefinition };
};

/** Building a long chain decide by decide would cost O(n²); its tasks are laid out directly instead. */
const chainExecution = (n: number) => {
  const definition = chainDefinition(n);
  let workflow: Workflow = createWorkflow(
    definition,
    { name: 'bench_chain' },
    { workflowId: 'wf', now: NOW },
  );
  workflow = decide({ workflow, definition }, ctx).next;
  const first = workflow.tasks[0]!;
  const tasks = definition.tasks.slice(0, n - 1).map((step, i) =>
    finish(
      {
        ...first,
        taskId: taskIdFor('wf', step.taskReferenceName, 0, 0),
        referenceTaskName: step.taskReferenceName,
        seq: i + 1,
        workflowTask: step,
      },
      i < n - 2,
    ),
  );
  return { workflow: { ...workflow, tasks }, definition };
};

const medianMs = (run: () => void, repetitions: number): number => {
  const samples: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
};

const measure = (shape: string, build: (n: number) => ReturnType<typeof chainExecution>, note = '') => {
  const times = new Map<number, number>();
  for (const n of SIZES) {
    const execution = build(n);
    const check = decide(execution, ctx);
    if (check.changedTasks.length === 0) throw new Error(`${shape} ${n}: the decide changed nothing`);
    const repetitions = Math.min(5_000, Math.max(200, Math.floor(2_000_000 / n)));
    for (let i = 0; i < 3; i++) decide(execution, ctx);
    const ms = medianMs(() => decide(execution, ctx), repetitions);
    times.set(n, ms);
    console.log(
      `${shape.padEnd(9)} tasks=${String(execution.workflow.tasks.length).padStart(6)}  decide=${ms.toFixed(3).padStart(9)} ms  changed=${check.changedTasks.length}`,
    );
  }
  const ratio = times.get(10_000)! / times.get(1_000)!;
  console.log(`${shape.padEnd(9)} t(10,000)/t(1,000) = ${ratio.toFixed(2)}  (target <= 12)${note}\n`);
  return ratio;
};

console.log('decide time by execution size (median; one worker result per decide)\n');
measure('fork', (n) => forkExecution(n, false));
measure(
  'fork-join',
  (n) => forkExecution(n, true),
  '\n          once per fork; most of it is building the JOIN output, a JSON object with one key per branch',
);
measure('chain', chainExecution);
