import { describe, expect, it } from 'vitest';
import { validateTaskDef, validateWorkflowDef } from '../../lambdas/core/index';
import { TaskType, type WorkflowDef, type WorkflowTask } from '../../lambdas/core/model';
import { Random } from '../../sim/random';
import { generateWorkload, type SimWorkload, WORKER_TASK_TYPES } from '../../sim/workloads';

const SEEDS = Array.from({ length: 200 }, (_, seed) => seed);
const WORKFLOWS = 5;
/** More branches than one transaction can start. */
const WIDE = 80;

const workloadOf = (seed: number, wideForks = true): SimWorkload =>
  generateWorkload(new Random(seed), { workflows: WORKFLOWS, wideForks });

const innerLists = (task: WorkflowTask): WorkflowTask[][] => [
  ...(task.forkTasks ?? []),
  ...Object.values(task.decisionCases ?? {}),
  task.defaultCase ?? [],
  task.loopOver ?? [],
];

const everyStep = (tasks: readonly WorkflowTask[]): WorkflowTask[] =>
  tasks.flatMap((task) => [task, ...innerLists(task).flatMap(everyStep)]);

const forkDepth = (tasks: readonly WorkflowTask[]): number =>
  Math.max(
    0,
    ...tasks.map(
      (task) => (task.type === TaskType.FORK_JOIN ? 1 : 0) + Math.max(0, ...innerLists(task).map(forkDepth)),
    ),
  );

const dynamicWidths = (workload: SimWorkload): number[] =>
  workload.starts.flatMap((start) =>
    Object.values(start.input)
      .filter(Array.isArray)
      .map((list) => list.length),
  );

/** Which shapes a workload contains, by name. */
const shapesOf = (workload: SimWorkload): Set<string> => {
  const shapes = new Set<string>();
  for (const definition of workload.workflowDefs) {
    const steps = everyStep(definition.tasks);
    const depth = forkDepth(definition.tasks);
    if (depth > 0) shapes.add(`fork depth ${depth}`);
    if (steps.some((step) => step.forkTasks?.length === 12)) shapes.add('fork width 12');
    if (steps.every((step) => step.type === TaskType.SIMPLE)) shapes.add('plain chain');
    if (steps.some((step) => step.optional)) shapes.add('optional');
    if (steps.some((step) => step.type === TaskType.DO_WHILE && step.inputParameters?.keepLastN)) {
      shapes.add('keepLastN');
    }
    for (const step of steps) shapes.add(step.type ?? TaskType.SIMPLE);
  }
  if (dynamicWidths(workload).some((width) => width > WIDE)) shapes.add('wide dynamic fork');
  if (workload.taskDefs.some((def) => (def.retryCount ?? 0) > 0)) shapes.add('retries');
  for (const def of workload.taskDefs) shapes.add(`timeout policy ${def.timeoutPolicy}`);
  return shapes;
};

describe('generateWorkload', () => {
  it('generates only definitions and task definitions that validate', () => {
    for (const seed of SEEDS) {
      const workload = workloadOf(seed);
      for (const definition of workload.workflowDefs) {
        expect(validateWorkflowDef(definition), `seed ${seed}: ${definition.name}`).toEqual([]);
      }
      for (const taskDef of workload.taskDefs) {
        expect(validateTaskDef(taskDef), `seed ${seed}: ${taskDef.name}`).toEqual([]);
      }
    }
  });

  it('gives the same workload for the same seed, and another for another seed', () => {
    for (const seed of SEEDS.slice(0, 50)) {
      expect(JSON.stringify(workloadOf(seed))).toBe(JSON.stringify(workloadOf(seed)));
    }
    expect(workloadOf(1)).not.toEqual(workloadOf(2));
  });

  it('brings every shape, across seeds', () => {
    const seen = new Set<string>();
    for (const seed of SEEDS) for (const shape of shapesOf(workloadOf(seed))) seen.add(shape);
    for (const shape of [
      'fork depth 3',
      'fork width 12',
      'plain chain',
      'optional',
      'keepLastN',
      'retries',
      'timeout policy RETRY',
      'timeout policy TIME_OUT_WF',
      'wide dynamic fork',
      TaskType.FORK_JOIN_DYNAMIC,
      TaskType.DO_WHILE,
      TaskType.SWITCH,
      TaskType.SUB_WORKFLOW,
      TaskType.WAIT,
    ]) {
      expect(seen, shape).toContain(shape);
    }
  });

  it('makes a dynamic fork wider than a transaction only when asked, and at most one per workload', () => {
    for (const seed of SEEDS) {
      expect(dynamicWidths(workloadOf(seed, false)).filter((width) => width > WIDE)).toEqual([]);
      expect(
        dynamicWidths(workloadOf(seed, true)).filter((width) => width > WIDE).length,
      ).toBeLessThanOrEqual(1);
    }
  });

  it('keeps each workflow modest, and registers what it refers to first', () => {
    for (const seed of SEEDS) {
      const workload = workloadOf(seed);
      expect(workload.starts).toHaveLength(WORKFLOWS);
      expect(workload.taskDefs.map((def) => def.name)).toEqual([...WORKER_TASK_TYPES]);
      const registered: WorkflowDef[] = [];
      for (const definition of workload.workflowDefs) {
        const steps = everyStep(definition.tasks);
        expect(steps.length).toBeLessThanOrEqual(45);
        for (const step of steps) {
          if (step.type === TaskType.SIMPLE) expect(WORKER_TASK_TYPES).toContain(step.name);
          if (step.type !== TaskType.SUB_WORKFLOW) continue;
          const { name, version } = step.subWorkflowParam ?? {};
          expect(registered.some((child) => child.name === name && child.version === version)).toBe(true);
        }
        registered.push(definition);
      }
      for (const start of workload.starts) {
        expect(registered.some((def) => def.name === start.name && def.version === start.version)).toBe(true);
      }
    }
  });

  it('gives each task a timeout no shorter than its response timeout', () => {
    for (const seed of SEEDS) {
      for (const def of workloadOf(seed).taskDefs) {
        expect(def.retryCount).toBeGreaterThanOrEqual(0);
        expect(def.retryCount).toBeLessThanOrEqual(2);
        expect(def.retryDelaySeconds).toBeLessThanOrEqual(3);
        expect(def.responseTimeoutSeconds).toBeGreaterThanOrEqual(5);
        expect(def.responseTimeoutSeconds).toBeLessThanOrEqual(30);
        expect(def.timeoutSeconds).toBeGreaterThanOrEqual(def.responseTimeoutSeconds!);
      }
    }
  });

  it('lists dynamic fork branches whose references are unique and apart from the definition', () => {
    for (const seed of SEEDS) {
      const workload = workloadOf(seed);
      workload.starts.forEach((start, index) => {
        const definition = workload.workflowDefs.find((def) => def.name === start.name)!;
        const refs = new Set(everyStep(definition.tasks).map((step) => step.taskReferenceName));
        for (const list of Object.values(start.input).filter(Array.isArray)) {
          for (const branch of list as WorkflowTask[]) {
            expect(refs.has(branch.taskReferenceName), `seed ${seed} start ${index}`).toBe(false);
            refs.add(branch.taskReferenceName);
          }
        }
      });
    }
  });
});
