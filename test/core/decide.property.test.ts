import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../lambdas/core/decide';
import type { DecideResult } from '../../lambdas/core/draft';
import {
  isTerminalTask,
  isTerminalWorkflow,
  type Task,
  type Workflow,
  type WorkflowDef,
} from '../../lambdas/core/model';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import type { ScriptRuntime } from '../../lambdas/core/scripting/script-runtime';
import { createWorkflow } from '../../lambdas/core/start';
import { applyTaskResult } from '../../lambdas/core/task-result';
import { arbitraryWorkflowDef } from '../support/workflow-arbitraries';

let scripts: ScriptRuntime;
beforeAll(async () => {
  scripts = await loadScriptRuntime();
});

/** A small seeded generator, so a failing run shrinks and replays. */
const seeded = (seed: number) => {
  let state = seed >>> 0 || 1;
  return (below: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
};

const WORKER_OUTCOMES = [
  'COMPLETED',
  'COMPLETED',
  'COMPLETED',
  'FAILED',
  'FAILED_WITH_TERMINAL_ERROR',
] as const;

/**
 * S2 and S4 on every decide: a JOIN completes only once every task it joins on has ended, with each
 * one's output; an ended task never becomes active again; an ended workflow stays ended.
 */
const checkTransitions = (before: Workflow, result: DecideResult): void => {
  const previous = new Map(before.tasks.map((task) => [task.taskId, task]));
  const newest = new Map<string, Task>();
  for (const task of result.next.tasks) newest.set(task.referenceTaskName, task);
  for (const task of result.changedTasks) {
    const old = previous.get(task.taskId);
    if (old && isTerminalTask(old.status))
      expect(isTerminalTask(task.status), task.referenceTaskName).toBe(true);
    if (task.taskType === 'JOIN' && isTerminalTask(task.status) && task.status !== 'CANCELED') {
      const joinOn = task.inputData.joinOn as string[];
      for (const ref of joinOn) {
        // Ended on its own: a joined task canceled because the workflow ended would cancel the JOIN too.
        const status = newest.get(ref)?.status ?? '';
        expect(isTerminalTask(status) && status !== 'CANCELED', `${ref} ended before the JOIN`).toBe(true);
      }
      expect(Object.keys(task.outputData).sort()).toEqual([...joinOn].sort());
    }
  }
  if (isTerminalWorkflow(before.status)) expect(result.next.status).toBe(before.status);
};

/**
 * Plays one execution to its end: each round, a random subset of the pending worker tasks report
 * a random outcome (sometimes twice), time jumps past any retry delay, then one decide runs.
 * Along the way it checks that every decide is deterministic and a fixpoint.
 */
const play = (definition: WorkflowDef, seed: number, choice: string): Workflow => {
  const random = seeded(seed);
  let now = Date.UTC(2026, 10, 24);
  let workflow = createWorkflow(
    definition,
    { name: definition.name, input: { choice } },
    { workflowId: 'p', now },
  );
  const ctx = () => ({
    now,
    taskDefs: () => ({ name: 'any', retryCount: 2, retryDelaySeconds: 5 }),
    scripts,
  });

  const runDecide = (): DecideResult => {
    const execution = { workflow, definition };
    const result = decide(execution, ctx());
    expect(JSON.stringify(decide(execution, ctx()))).toBe(JSON.stringify(result));
    const again = decide({ workflow: result.next, definition }, ctx());
    expect(again.changedTasks).toEqual([]);
    expect(again.effects).toEqual([]);
    checkTransitions(workflow, result);
    workflow = result.next;
    return result;
  };

  runDecide();
  for (let round = 0; round < 400 && !isTerminalWorkflow(workflow.status); round++) {
    const waiting = workflow.tasks.filter(
      (task) => !isTerminalTask(task.status) && task.taskType === task.taskDefName,
    );
    const reports: { task: Task; status: string; duplicate: boolean }[] = [];
    for (const task of waiting) {
      if (random(3) === 0) continue;
      const status = WORKER_OUTCOMES[random(WORKER_OUTCOMES.length)]!;
      reports.push({ task, status, duplicate: random(4) === 0 });
    }
    for (const { task, status, duplicate } of reports) {
      for (let copy = 0; copy < (duplicate ? 2 : 1); copy++) {
        const current = workflow.tasks.find((candidate) => candidate.taskId === task.taskId)!;
        const update = applyTaskResult(
          workflow,
          current,
          { workflowInstanceId: workflow.workflowId, taskId: task.taskId, status, outputData: { round } },
          now,
        );
        if (update.kind === 'updated') {
          workflow = {
            ...workflow,
            tasks: workflow.tasks.map((t) => (t.taskId === task.taskId ? update.task : t)),
          };
        } else {
          expect(update.kind).toBe('ignored');
        }
      }
    }
    now += 10_000;
    runDecide();
  }
  return workflow;
};

describe('decide, over random valid definitions and random worker behaviour', () => {
  it('always reaches a terminal state, never schedules an attempt twice, and is deterministic', () => {
    fc.assert(
      fc.property(
        arbitraryWorkflowDef(),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom('a', 'b', 'z'),
        (definition, seed, choice) => {
          const workflow = play(definition, seed, choice);
          expect(isTerminalWorkflow(workflow.status)).toBe(true);
          const attempts = workflow.tasks.map(
            (task) => `${task.referenceTaskName}#${task.iteration}#${task.retryCount}`,
          );
          expect(new Set(attempts).size).toBe(attempts.length);
          const ids = workflow.tasks.map((task) => task.taskId);
          expect(new Set(ids).size).toBe(ids.length);
          expect(workflow.tasks.every((task) => isTerminalTask(task.status))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
