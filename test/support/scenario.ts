import { readFileSync } from 'node:fs';
import { decide } from '../../lambdas/core/decide';
import type { DecideResult } from '../../lambdas/core/draft';
import type { Effect } from '../../lambdas/core/effects';
import type { Task, TaskDef, Workflow, WorkflowDef } from '../../lambdas/core/model';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import type { ScriptRuntime } from '../../lambdas/core/scripting/script-runtime';
import { createWorkflow } from '../../lambdas/core/start';
import { applyTaskResult, markPolled, type TaskResult } from '../../lambdas/core/task-result';

export const START_TIME = Date.UTC(2026, 10, 24, 9, 0, 0);

export const loadFixture = (name: string): WorkflowDef =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as WorkflowDef;

export interface ScenarioOptions {
  input?: Record<string, unknown>;
  taskDefs?: TaskDef[];
  workflowId?: string;
  maxTaskWrites?: number;
}

/**
 * Drives one execution the way the runtime will: start, decide, apply worker results, decide
 * again. Time is simulated; every decide's effects are kept for assertions.
 */
export class Scenario {
  now = START_TIME;
  workflow: Workflow;
  lastDecide!: DecideResult;
  readonly effects: Effect[] = [];

  private constructor(
    readonly definition: WorkflowDef,
    private readonly scripts: ScriptRuntime,
    private readonly options: ScenarioOptions,
  ) {
    this.workflow = createWorkflow(
      definition,
      { name: definition.name, input: options.input ?? {} },
      { workflowId: options.workflowId ?? 'wf-1', now: this.now },
    );
  }

  static async start(definition: WorkflowDef, options: ScenarioOptions = {}): Promise<Scenario> {
    const scenario = new Scenario(definition, await loadScriptRuntime(), options);
    scenario.decide();
    return scenario;
  }

  decide(): DecideResult {
    const defs = new Map((this.options.taskDefs ?? []).map((def) => [def.name, def]));
    this.lastDecide = decide(
      { workflow: this.workflow, definition: this.definition },
      {
        now: this.now,
        taskDefs: (name) => defs.get(name),
        scripts: this.scripts,
        maxTaskWrites: this.options.maxTaskWrites,
      },
    );
    this.workflow = this.lastDecide.next;
    this.effects.push(...this.lastDecide.effects);
    return this.lastDecide;
  }

  /** The newest attempt of a reference. */
  task(ref: string): Task {
    const found = this.workflow.tasks.filter((task) => task.referenceTaskName === ref).at(-1);
    if (!found) throw new Error(`no task ${ref}; have ${this.refs().join(', ')}`);
    return found;
  }

  has(ref: string): boolean {
    return this.workflow.tasks.some((task) => task.referenceTaskName === ref);
  }

  refs(): string[] {
    return this.workflow.tasks.map((task) => task.referenceTaskName);
  }

  /** `ref → status` of the newest attempt of every reference. */
  statuses(): Record<string, string> {
    return Object.fromEntries(this.workflow.tasks.map((task) => [task.referenceTaskName, task.status]));
  }

  poll(ref: string, workerId = 'worker-1'): Task {
    const polled = markPolled(this.task(ref), workerId, this.now);
    if (!polled) throw new Error(`task ${ref} is not pollable (${this.task(ref).status})`);
    this.replace(polled);
    return polled;
  }

  /** Reports a result for the newest attempt of `ref` and decides, as the runtime would. */
  report(
    ref: string,
    result: Omit<TaskResult, 'workflowInstanceId' | 'taskId'>,
    options = { decide: true },
  ): void {
    const task = this.task(ref);
    const update = applyTaskResult(
      this.workflow,
      task,
      { ...result, workflowInstanceId: this.workflow.workflowId, taskId: task.taskId },
      this.now,
    );
    if (update.kind !== 'updated') throw new Error(`${ref}: ${update.kind}: ${update.reason}`);
    this.replace(update.task);
    this.effects.push(...update.effects);
    if (options.decide && update.needsDecide) this.decide();
  }

  complete(ref: string, outputData: Record<string, unknown> = {}): void {
    this.report(ref, { status: 'COMPLETED', outputData });
  }

  fail(
    ref: string,
    reasonForIncompletion = 'worker failed',
    status: 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR' = 'FAILED',
  ): void {
    this.report(ref, { status, reasonForIncompletion });
  }

  /** Moves simulated time forward and decides, as a fired timer would. */
  advance(seconds: number): void {
    this.now += seconds * 1000;
    this.decide();
  }

  effectsOf<T extends Effect['type']>(type: T): Extract<Effect, { type: T }>[] {
    return this.effects.filter((effect): effect is Extract<Effect, { type: T }> => effect.type === type);
  }

  private replace(task: Task): void {
    this.workflow = {
      ...this.workflow,
      tasks: this.workflow.tasks.map((existing) => (existing.taskId === task.taskId ? task : existing)),
    };
  }
}
