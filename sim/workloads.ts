import {
  type JsonMap,
  RetryLogic,
  type TaskDef,
  TaskType,
  TimeoutPolicy,
  type WorkflowDef,
  type WorkflowTask,
} from '../lambdas/core/model';
import type { Random } from './random';
import {
  type ChildRef,
  DefinitionBuilder,
  dynamicInputsKey,
  dynamicTasksKey,
  type InputNeed,
  WORKER_TASK_TYPES,
} from './workload-shapes';

export { WORKER_TASK_TYPES } from './workload-shapes';

export interface SimWorkload {
  /** Everything to register, children first. */
  workflowDefs: WorkflowDef[];
  /** One per WORKER_TASK_TYPES entry: its retries and timeouts. */
  taskDefs: TaskDef[];
  starts: { name: string; version: number; input: JsonMap; correlationId: string }[];
}

export interface WorkloadOptions {
  workflows: number;
  /** Allow one dynamic fork wider than one transaction (> 80 branches, up to ~130). */
  wideForks: boolean;
}

const WIDE_FORK_BRANCHES = { min: 90, max: 130 } as const;
const DYNAMIC_FORK_BRANCHES = { min: 1, max: 8 } as const;
const WIDE_FORK_CHANCE = 0.35;
const PLAIN_CHAIN_CHANCE = 0.15;
const TOP_LEVEL_BUDGET = { min: 3, max: 40 } as const;

/**
 * A random workload: one definition per start, mixing forks nested up to three deep, dynamic forks,
 * loops, switches, sub-workflows, waits, optional tasks, and task definitions with retries and
 * timeouts. Every draw comes from `random`, so a seed always gives the same workload.
 */
export const generateWorkload = (random: Random, options: WorkloadOptions): SimWorkload => {
  const taskDefs = WORKER_TASK_TYPES.map((name) => workerTaskDef(random, name));
  const children = Array.from({ length: random.int(1, 3) }, (_, index) => childDef(random, index + 1));
  const childRefs: ChildRef[] = children.map((child) => ({ name: child.name, version: child.version! }));
  const workflowDefs: WorkflowDef[] = [...children];
  const starts: SimWorkload['starts'] = [];
  let wideForkLeft = options.wideForks;
  for (let index = 1; index <= options.workflows; index++) {
    const { definition, needs } = workflowDef(random, index, childRefs);
    workflowDefs.push(definition);
    const input: JsonMap = { n: random.int(0, 1000) };
    for (const need of needs) {
      if (need.kind === 'switch') {
        input[need.key] = random.pick(need.values);
        continue;
      }
      const wide = wideForkLeft && random.chance(WIDE_FORK_CHANCE);
      if (wide) wideForkLeft = false;
      Object.assign(input, dynamicForkInput(random, need.key, wide));
    }
    starts.push({
      name: definition.name,
      version: definition.version!,
      input,
      correlationId: `sim-${index}`,
    });
  }
  return { workflowDefs, taskDefs, starts };
};

/** Retries 0–2 with a short delay, and a response timeout no longer than the task timeout. */
const workerTaskDef = (random: Random, name: string): TaskDef => {
  const responseTimeoutSeconds = random.int(5, 30);
  return {
    name,
    retryCount: random.int(0, 2),
    retryLogic: random.pick([RetryLogic.FIXED, RetryLogic.EXPONENTIAL_BACKOFF]),
    retryDelaySeconds: random.int(0, 3),
    responseTimeoutSeconds,
    timeoutSeconds: responseTimeoutSeconds + random.int(0, 30),
    timeoutPolicy: random.pick([TimeoutPolicy.RETRY, TimeoutPolicy.TIME_OUT_WF]),
  };
};

/** A small chain a SUB_WORKFLOW starts; its output carries the last task's `n`. */
const childDef = (random: Random, index: number): WorkflowDef => {
  const chain = new DefinitionBuilder(random, []).simpleChain(random.int(1, 3), '${workflow.input.n}');
  return {
    name: `sim_child_${index}`,
    version: random.int(1, 3),
    schemaVersion: 2,
    tasks: chain.tasks,
    outputParameters: { n: chain.n },
  };
};

const workflowDef = (
  random: Random,
  index: number,
  children: readonly ChildRef[],
): { definition: WorkflowDef; needs: InputNeed[] } => {
  const builder = new DefinitionBuilder(random, children);
  const from = '${workflow.input.n}';
  const summary: Record<string, string> = {};
  const body = random.chance(PLAIN_CHAIN_CHANCE)
    ? builder.simpleChain(random.int(3, 8), from)
    : builder.chain(
        random.int(TOP_LEVEL_BUDGET.min, TOP_LEVEL_BUDGET.max),
        { forkDepth: 0 },
        from,
        random.int(1, 6),
        summary,
      );
  const definition: WorkflowDef = {
    name: `sim_flow_${index}`,
    version: 1,
    schemaVersion: 2,
    tasks: body.tasks,
    // The last `n` and what each top-level piece produced, so the final output depends on the run.
    outputParameters: { n: body.n ?? from, ...summary },
  };
  return { definition, needs: builder.needs };
};

/** The task list and per-branch inputs a dynamic fork reads from the workflow input. */
const dynamicForkInput = (random: Random, forkRef: string, wide: boolean): JsonMap => {
  const range = wide ? WIDE_FORK_BRANCHES : DYNAMIC_FORK_BRANCHES;
  const width = random.int(range.min, range.max);
  const tasks: WorkflowTask[] = [];
  const inputs: JsonMap = {};
  // Forked references must not collide with the definition's own, which never contain "_b".
  for (let i = 0; i < width; i++) {
    const ref = `${forkRef}_b${i}`;
    const task: WorkflowTask = {
      name: random.pick(WORKER_TASK_TYPES),
      taskReferenceName: ref,
      type: TaskType.SIMPLE,
    };
    if (random.chance(0.1)) task.optional = true;
    tasks.push(task);
    inputs[ref] = { n: i };
  }
  return { [dynamicTasksKey(forkRef)]: tasks, [dynamicInputsKey(forkRef)]: inputs };
};
