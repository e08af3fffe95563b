/**
 * The reference replays an operator's operation where the engine committed it (OperationStep), with
 * the core's own operation, and outcomes of a task generation a restart or rerun removed are
 * dropped. Driven here by the core alone, as a tiny engine would: what the reference makes of the
 * right log is the run's final state, and a wrong log is told apart (S5 is not vacuous).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../lambdas/core/decide';
import type { DecideResult } from '../../lambdas/core/draft';
import {
  isTerminalTask,
  type JsonMap,
  type TaskDef,
  TaskStatus,
  type Workflow,
  type WorkflowDef,
  WorkflowStatus,
} from '../../lambdas/core/model';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import type { ScriptRuntime } from '../../lambdas/core/scripting/script-runtime';
import { createWorkflow } from '../../lambdas/core/start';
import { compareWithReference, interpret, type ReplayStep } from '../../sim/reference';
import { applyOperation, type ReplayedOperation } from '../../sim/reference-operations';
import { START_TIME } from '../support/scenario';
import { simple, workflowOf } from '../support/steps';

const WORKFLOW_ID = 'wf-operated';
const NO_RETRIES: TaskDef = { name: 'work', retryCount: 0, responseTimeoutSeconds: 3600 };

let scripts: ScriptRuntime;
beforeAll(async () => {
  scripts = await loadScriptRuntime();
});

/** The core as an engine with an operator: decides, worker results and operations, logged as the simulator logs them. */
class OperatedRun {
  workflow: Workflow;
  definition: WorkflowDef;
  readonly log: ReplayStep[] = [];
  private readonly removals = new Map<string, number>();

  constructor(
    private readonly initial: WorkflowDef,
    private readonly input: JsonMap = { n: 1 },
  ) {
    this.definition = initial;
    this.workflow = createWorkflow(
      initial,
      { name: initial.name, input },
      { workflowId: WORKFLOW_ID, now: START_TIME },
    );
  }

  decide(): void {
    this.adopt(decide(this.execution(), this.ctx()));
    this.log.push({ decided: true });
  }

  /** Decides until nothing changes, as the decide queue would. */
  settle(): void {
    for (let i = 0; i < 50; i++) {
      const result = decide(this.execution(), this.ctx());
      this.adopt(result);
      this.log.push({ decided: true });
      if (!result.workflowChanged && !result.effects.some((effect) => effect.type === 'continueDecide'))
        return;
    }
  }

  operate(operation: ReplayedOperation): void {
    const verdict = applyOperation(this.execution(), operation, this.ctx());
    if (verdict.kind !== 'done') throw new Error(`refused: ${verdict.reason}`);
    this.adopt(verdict.result);
    this.log.push({ operation });
  }

  /** A worker's result for the newest attempt of `ref`, stored as update-task stores it. */
  report(ref: string, status: TaskStatus, outputData: JsonMap = { n: 7 }): void {
    const task = [...this.workflow.tasks].reverse().find((candidate) => candidate.referenceTaskName === ref);
    if (!task || isTerminalTask(task.status)) throw new Error(`${ref} is not waiting for a worker`);
    this.workflow = {
      ...this.workflow,
      tasks: this.workflow.tasks.map((existing) =>
        existing.taskId === task.taskId ? { ...existing, status, outputData, executed: false } : existing,
      ),
    };
    const generation = this.removals.get(task.taskId) ?? 0;
    this.log.push({
      taskId: task.taskId,
      ref,
      iteration: task.iteration,
      retryCount: task.retryCount,
      status,
      outputData,
      ...(generation > 0 ? { generation } : {}),
    });
  }

  reference(steps: readonly ReplayStep[] = this.log) {
    return interpret(this.initial, this.input, steps, {
      taskDefs: () => NO_RETRIES,
      scripts,
      workflowId: WORKFLOW_ID,
      now: START_TIME,
    });
  }

  private adopt(result: DecideResult): void {
    this.workflow = result.next;
    if (result.definition) this.definition = result.definition;
    for (const id of result.removedTaskIds) this.removals.set(id, (this.removals.get(id) ?? 0) + 1);
  }

  private execution() {
    return { workflow: this.workflow, definition: this.definition };
  }

  private ctx() {
    return { now: START_TIME, taskDefs: () => NO_RETRIES, scripts };
  }
}

const chain = workflowOf([
  simple('a', { name: 'work' }),
  simple('b', { name: 'work' }),
  simple('c', { name: 'work' }),
]);

/** a completes, b fails: the workflow FAILED, ready for an operator. */
const failedRun = (): OperatedRun => {
  const run = new OperatedRun(chain);
  run.settle();
  run.report('a', TaskStatus.COMPLETED);
  run.settle();
  run.report('b', TaskStatus.FAILED);
  run.settle();
  expect(run.workflow.status).toBe(WorkflowStatus.FAILED);
  return run;
};

const finishAll = (run: OperatedRun): void => {
  for (let i = 0; i < 10 && run.workflow.status === WorkflowStatus.RUNNING; i++) {
    const waiting = run.workflow.tasks.find((task) => !isTerminalTask(task.status));
    if (!waiting) break;
    run.report(waiting.referenceTaskName, TaskStatus.COMPLETED, { n: i });
    run.settle();
  }
};

describe('the reference with operations', () => {
  it('replays a retry where the engine committed it, and tells a log without it apart', () => {
    const run = failedRun();
    run.operate({ kind: 'retry', resumeSubworkflowTasks: false });
    run.settle();
    finishAll(run);
    expect(run.workflow.status).toBe(WorkflowStatus.COMPLETED);
    expect(compareWithReference(run.workflow, run.reference())).toEqual([]);

    const withoutRetry = run.log.filter((step) => !('operation' in step));
    expect(compareWithReference(run.workflow, run.reference(withoutRetry))).not.toEqual([]);
  });

  it('replays a restart: results for the tasks it removed are dropped, the new tasks’ applied', () => {
    const run = failedRun();
    run.operate({ kind: 'restart' });
    run.settle();
    finishAll(run);
    expect(run.workflow.status).toBe(WorkflowStatus.COMPLETED);
    expect(run.workflow.tasks.map((task) => task.taskId)).toEqual([
      `${WORKFLOW_ID}:a:0:0:g1`,
      `${WORKFLOW_ID}:b:0:0:g1`,
      `${WORKFLOW_ID}:c:0:0:g1`,
    ]);
    expect(compareWithReference(run.workflow, run.reference())).toEqual([]);

    // Told that the new a's result was for the a the restart removed, the reference drops it.
    const misattributed = run.log.map((step, index) =>
      'ref' in step && step.ref === 'a' && index > run.log.findIndex((other) => 'operation' in other)
        ? { ...step, taskId: `${WORKFLOW_ID}:a:0:0` }
        : step,
    );
    expect(compareWithReference(run.workflow, run.reference(misattributed))).not.toEqual([]);
  });

  it('replays a rerun from a task with new input, and tells a rerun from another task apart', () => {
    const run = failedRun();
    const b = run.workflow.tasks.find((task) => task.referenceTaskName === 'b')!;
    const a = run.workflow.tasks.find((task) => task.referenceTaskName === 'a')!;
    run.operate({ kind: 'rerun', request: { reRunFromTaskId: b.taskId, taskInput: { n: 42 } } });
    run.settle();
    finishAll(run);
    expect(compareWithReference(run.workflow, run.reference())).toEqual([]);

    const fromA = run.log.map((step) =>
      'operation' in step
        ? { operation: { kind: 'rerun', request: { reRunFromTaskId: a.taskId } } as const }
        : step,
    );
    expect(compareWithReference(run.workflow, run.reference(fromA))).not.toEqual([]);
  });

  it('replays a pause, a result held meanwhile and a resume, and a skip', () => {
    const run = new OperatedRun(chain);
    run.settle();
    run.operate({ kind: 'pause' });
    run.report('a', TaskStatus.COMPLETED);
    run.settle();
    expect(run.workflow.tasks.map((task) => task.referenceTaskName)).toEqual(['a']);
    run.operate({ kind: 'resume' });
    run.settle();
    run.operate({ kind: 'skip', ref: 'b', request: { taskOutput: { n: 3 } } });
    run.settle();
    finishAll(run);
    expect(run.workflow.status).toBe(WorkflowStatus.COMPLETED);
    expect(run.workflow.tasks.find((task) => task.referenceTaskName === 'b')?.status).toBe(
      TaskStatus.SKIPPED,
    );
    expect(compareWithReference(run.workflow, run.reference())).toEqual([]);

    const withoutSkip = run.log.filter((step) => !('operation' in step && step.operation.kind === 'skip'));
    expect(compareWithReference(run.workflow, run.reference(withoutSkip))).not.toEqual([]);
  });
});
