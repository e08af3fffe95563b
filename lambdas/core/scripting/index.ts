export {
  DEFAULT_INTERRUPT_BUDGET,
  DEFAULT_MEMORY_LIMIT_BYTES,
  STACK_LIMIT_BYTES,
} from './javascript-sandbox';
export { loadScriptRuntime, type ScriptRuntimeOptions } from './load-script-runtime';
export type { JqOutcome, ScriptOutcome, ScriptRuntime } from './script-runtime';
