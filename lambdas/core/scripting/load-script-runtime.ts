import {
  createJavaScriptSandbox,
  DEFAULT_INTERRUPT_BUDGET,
  DEFAULT_MEMORY_LIMIT_BYTES,
} from './javascript-sandbox';
import { evaluateJq, type JqWeb, loadJq } from './jq';
import { loadQuickJsEngine, type QuickJsEngine } from './quickjs-engine';
import type { ScriptRuntime } from './script-runtime';

export interface ScriptRuntimeOptions {
  /** Heap growth each QuickJS instance may make beyond its 16 MB base; default 32 MB. */
  memoryLimitBytes?: number;
  /** Interrupt-handler calls (10,000 interpreter steps each) per JavaScript evaluation; default 200. */
  interruptBudget?: number;
}

// The memory limit is a property of the WebAssembly instance (its Memory's maximum), so instances are
// shared per limit rather than strictly once per process; in practice a process uses a single limit.
const engines = new Map<number, Promise<QuickJsEngine>>();
let jqLoading: Promise<JqWeb> | undefined;

const loadEngine = (memoryLimitBytes: number): Promise<QuickJsEngine> => {
  let loading = engines.get(memoryLimitBytes);
  if (!loading) {
    loading = loadQuickJsEngine(memoryLimitBytes);
    engines.set(memoryLimitBytes, loading);
    // A failed load is not memoized, so a later call can try again.
    loading.catch(() => engines.delete(memoryLimitBytes));
  }
  return loading;
};

const loadJqOnce = (): Promise<JqWeb> => {
  if (!jqLoading) {
    const loading = loadJq();
    jqLoading = loading;
    loading.catch(() => {
      if (jqLoading === loading) jqLoading = undefined;
    });
  }
  return jqLoading;
};

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
};

/**
 * Loads the JavaScript and jq WebAssembly modules (once per process) and returns the sandboxes the
 * decider evaluates user code in. Everything after this promise is synchronous.
 */
export async function loadScriptRuntime(options: ScriptRuntimeOptions = {}): Promise<ScriptRuntime> {
  const memoryLimitBytes = positiveInteger(
    'memoryLimitBytes',
    options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES,
  );
  const interruptBudget = positiveInteger(
    'interruptBudget',
    options.interruptBudget ?? DEFAULT_INTERRUPT_BUDGET,
  );
  const [engine, jq] = await Promise.all([loadEngine(memoryLimitBytes), loadJqOnce()]);
  const javascript = createJavaScriptSandbox(engine, { interruptBudget });
  return {
    evaluateJavaScript: (expression, input) => javascript.evaluateJavaScript(expression, input),
    evaluateJq: (query, input) => evaluateJq(jq, query, input),
  };
}
