/** The three workloads the cost bench runs: their definitions, task definitions and workers' work. */
import type { Task, TaskDef, WorkflowDef } from '../../lambdas/core/model';

/**
 * One set of task settings for every worker task: no retries (nothing fails here), and the timeouts
 * a Conductor user typically sets. They matter for cost: a decide that sees a task IN_PROGRESS sets a
 * wake-up at its response deadline (a delayed decide request, or a schedule beyond 15 minutes).
 */
export const TASK_SETTINGS: Partial<TaskDef> = {
  retryCount: 0,
  timeoutSeconds: 3600,
  responseTimeoutSeconds: 600,
  ownerEmail: 'bench@example.com',
};

export interface Workload {
  name: string;
  title: string;
  runs: number;
  /** Workflows running at once (a new one starts as one ends): enough to keep workers busy, few
   * enough that moto (one process, two cores) is not saturated, which would inflate handler times. */
  inFlight: number;
  definition: WorkflowDef;
  taskTypes: string[];
  /** Tasks the decider itself completes per run (FORK, JOIN …), for the transition count check. */
  expectedTransitions: number;
  /** What a worker answers for a task (small outputs, as most workers give). */
  execute: (task: Task) => Record<string, unknown>;
  input: (run: number) => Record<string, unknown>;
}

const LINEAR_LENGTH = 10;
const FORK_WIDTH = 10;
const DYNAMIC_WIDTH = 100;

export const linear: Workload = {
  name: 'linear',
  title: `linear: ${LINEAR_LENGTH} SIMPLE tasks in sequence`,
  runs: 20,
  inFlight: 5,
  taskTypes: ['bench_step'],
  expectedTransitions: LINEAR_LENGTH,
  definition: {
    name: 'bench_linear',
    version: 1,
    schemaVersion: 2,
    ownerEmail: 'bench@example.com',
    tasks: Array.from({ length: LINEAR_LENGTH }, (_, i) => ({
      name: 'bench_step',
      taskReferenceName: `step_${i}`,
      type: 'SIMPLE',
      inputParameters: { value: i === 0 ? '${workflow.input.seed}' : `\${step_${i - 1}.output.value}` },
    })),
  },
  execute: (task) => ({ value: Number(task.inputData.value ?? 0) + 1, worker: 'bench' }),
  input: (run) => ({ seed: run }),
};

export const fork10: Workload = {
  name: 'fork-10',
  title: `FORK of width ${FORK_WIDTH} → JOIN → a final task`,
  runs: 10,
  inFlight: 2,
  taskTypes: ['bench_branch', 'bench_final'],
  expectedTransitions: FORK_WIDTH + 3,
  definition: {
    name: 'bench_fork',
    version: 1,
    schemaVersion: 2,
    ownerEmail: 'bench@example.com',
    tasks: [
      {
        name: 'fan_out',
        taskReferenceName: 'fan_out',
        type: 'FORK_JOIN',
        forkTasks: Array.from({ length: FORK_WIDTH }, (_, i) => [
          {
            name: 'bench_branch',
            taskReferenceName: `branch_${i}`,
            type: 'SIMPLE',
            inputParameters: { branch: i, seed: '${workflow.input.seed}' },
          },
        ]),
      },
      {
        name: 'fan_in',
        taskReferenceName: 'fan_in',
        type: 'JOIN',
        joinOn: Array.from({ length: FORK_WIDTH }, (_, i) => `branch_${i}`),
      },
      {
        name: 'bench_final',
        taskReferenceName: 'final',
        type: 'SIMPLE',
        inputParameters: {
          first: '${branch_0.output.value}',
          last: `\${branch_${FORK_WIDTH - 1}.output.value}`,
        },
      },
    ],
  },
  execute: (task) => ({ value: Number(task.inputData.branch ?? 0) * 2, worker: 'bench' }),
  input: (run) => ({ seed: run }),
};

export const dynamic100: Workload = {
  name: 'dynamic-100',
  title: `FORK_JOIN_DYNAMIC of width ${DYNAMIC_WIDTH} → JOIN (a first task lists the branches)`,
  runs: 3,
  inFlight: 1,
  taskTypes: ['bench_prepare', 'bench_dyn'],
  expectedTransitions: DYNAMIC_WIDTH + 3,
  definition: {
    name: 'bench_dynamic',
    version: 1,
    schemaVersion: 2,
    ownerEmail: 'bench@example.com',
    tasks: [
      {
        name: 'bench_prepare',
        taskReferenceName: 'prepare',
        type: 'SIMPLE',
        inputParameters: { width: '${workflow.input.width}' },
      },
      {
        name: 'dyn_fork',
        taskReferenceName: 'dyn_fork',
        type: 'FORK_JOIN_DYNAMIC',
        inputParameters: {
          dynamicTasks: '${prepare.output.dynamicTasks}',
          dynamicTasksInput: '${prepare.output.dynamicTasksInput}',
        },
        dynamicForkTasksParam: 'dynamicTasks',
        dynamicForkTasksInputParamName: 'dynamicTasksInput',
      },
      { name: 'dyn_join', taskReferenceName: 'dyn_join', type: 'JOIN' },
    ],
  },
  execute: (task) => {
    if (task.taskType !== 'bench_prepare') return { value: Number(task.inputData.item ?? 0) + 1 };
    const width = Number(task.inputData.width ?? DYNAMIC_WIDTH);
    const refs = Array.from({ length: width }, (_, i) => `dyn_${i}`);
    return {
      dynamicTasks: refs.map((ref) => ({ name: 'bench_dyn', taskReferenceName: ref, type: 'SIMPLE' })),
      dynamicTasksInput: Object.fromEntries(refs.map((ref, i) => [ref, { item: i }])),
    };
  },
  input: () => ({ width: DYNAMIC_WIDTH }),
};

export const WORKLOADS = [linear, fork10, dynamic100];
