/** The pure engine: the Conductor model, validation, and the decider. No I/O, no clock. */
export * from './model';
export * from './effects';
export { decide } from './decide';
export type { DecideResult } from './draft';
export type { DecideContext } from './tasks/task-kind';
export { createWorkflow } from './start';
export { applyTaskResult, markPolled, type TaskResult, type TaskUpdate } from './task-result';
export { validateWorkflowDef, validateTaskDef, type Problem, MAX_DEFINITION_BYTES, MAX_NESTING_DEPTH } from './validate';
export { resolveParameters } from './params';
export { taskIdFor, childWorkflowIdFor, failureWorkflowIdFor } from './ids';
export type { ScriptRuntime } from './scripting/script-runtime';
