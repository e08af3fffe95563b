/** The pure engine: the Conductor model, validation, and the decider. No I/O, no clock. */

export { decide, terminate } from './decide';
export type { DecideResult } from './draft';
export * from './effects';
export { childWorkflowIdFor, failureWorkflowIdFor, taskIdFor } from './ids';
export * from './model';
export {
  isRetriableWorkflow,
  type OperationResult,
  pause,
  type Refusal,
  type RerunRequest,
  rerun,
  restart,
  resume,
  retry,
  type SkipTaskRequest,
  skipTask,
} from './operations';
export { resolveParameters } from './params';
export type { ScriptRuntime } from './scripting/script-runtime';
export { createWorkflow } from './start';
export {
  applyResultToTask,
  applyTaskResult,
  markPolled,
  type TaskResult,
  type TaskUpdate,
} from './task-result';
export type { DecideContext } from './tasks/task-kind';
export {
  MAX_DEFINITION_BYTES,
  MAX_NESTING_DEPTH,
  type Problem,
  validateTaskDef,
  validateWorkflowDef,
} from './validation/index';
