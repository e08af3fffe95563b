import type { DefinitionIndex, NextStep } from '../definition-index';
import type { ExecutionDraft } from '../draft';
import type { JsonMap, Task, TaskDef, WorkflowDef, WorkflowStatus, WorkflowTask } from '../model';
import type { TaskDefLookup } from '../retry';
import type { ScriptRuntime } from '../scripting/script-runtime';

/** Everything a decide may consult. Time, definitions and sandboxes come in; nothing is read from outside. */
export interface DecideContext {
  now: number;
  taskDefs: TaskDefLookup;
  scripts: ScriptRuntime;
  /**
   * Task writes (created or changed) one decide may make before it stops and asks to be called
   * again (default 1,000). The store sets it to what one atomic commit can hold.
   */
  maxTaskWrites?: number;
}

/** One attempt of a step, ready to be turned into a task. */
export interface TaskPlan {
  step: WorkflowTask;
  iteration: number;
  input: JsonMap;
  retryCount: number;
  retriedTaskId?: string;
  /** Seconds before a worker or the system-task runner may pick the task up. */
  delaySeconds: number;
}

/** What a task type may do to the execution while the decider runs it. */
export interface DecideScope {
  readonly ctx: DecideContext;
  readonly draft: ExecutionDraft;
  readonly index: DefinitionIndex;
  readonly definition: WorkflowDef;
  taskDef(step: WorkflowTask): TaskDef | undefined;
  /** Carries on with whatever comes next in the flow. `inputOverride` replaces a scheduled step's input. */
  follow(next: NextStep, iteration: number, inputOverride?: JsonMap): void;
  /** Re-evaluate this task in every decide until it ends (JOIN, WAIT, a fork still starting branches). */
  watch(task: Task): void;
  /** How many more task writes this decide may make; work beyond it waits for the next decide. */
  budgetLeft(): number;
  /** Asks for another decide to carry on with what this one had no budget left for. */
  continueLater(): void;
  /** Ends the workflow, canceling whatever is still active. */
  endWorkflow(status: WorkflowStatus, reason: string | undefined, options?: EndOptions): void;
}

export interface EndOptions {
  output?: JsonMap;
  failedTask?: Task;
  /** Ended through the API: Conductor starts no failure workflow for that. */
  byOperator?: boolean;
}

/** Who moves a task once it is scheduled. */
export type TaskRunner = 'decider' | 'worker' | 'system' | 'child';

/** One task type. Adding a type means one file with this shape and one line in the registry. */
export interface TaskKind {
  readonly runner: TaskRunner;
  /** Whether a failed attempt may be retried. Types decided in the core fail the same way every time. */
  readonly retryable: boolean;
  schedule(scope: DecideScope, plan: TaskPlan): void;
  /** Called in every decide while the task is active and watched; may end it. */
  reevaluate?(scope: DecideScope, task: Task): void;
  /** An instant (epoch ms) at which the task needs a decide even if nothing else happens. */
  wakeAt?(task: Task): number | undefined;
}
