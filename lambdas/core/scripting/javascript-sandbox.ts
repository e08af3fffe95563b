import {
  DefaultIntrinsics,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import type { QuickJsEngine } from './quickjs-engine';
import type { ScriptOutcome } from './script-runtime';

/**
 * Conductor's JavaScript expressions (SWITCH `javascript`, DO_WHILE `loopCondition`, INLINE) run in
 * QuickJS compiled to WebAssembly, never in the host engine. The decider must reach the same
 * decision every time it replays a history, so every limit here is deterministic: no clock, no
 * randomness, a CPU budget counted in interpreter steps rather than milliseconds, and a fresh runtime
 * per evaluation so that nothing the expression can observe (globals, patched builtins, the
 * garbage collector's state) carries over from one evaluation to the next.
 */

export const DEFAULT_MEMORY_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * QuickJS calls the interrupt handler once per 10,000 interpreter steps (loop back-edges and calls of
 * bytecode functions, counted per context), so 200 checks is about 2 million steps. Measured: a
 * `while (true) {}` stops in about 20 ms, loops that allocate or call small builtins in 100-500 ms, and
 * real SWITCH or INLINE expressions use one or two checks. A call of a builtin counts as one step
 * however much work it does, so a loop around a heavy builtin (indexOf on a long array) can run for
 * seconds before the budget runs out: the budget bounds work deterministically, not wall time.
 */
export const DEFAULT_INTERRUPT_BUDGET = 200;

/**
 * QuickJS only sees its shadow stack in linear memory, but WebAssembly frames also use V8's native
 * stack (about 984 KB on the main thread, not settable from NODE_OPTIONS), and the ratio between
 * the two varies by code path. Measured on Node 20 in a fresh process, the native stack runs out
 * before QuickJS notices above these limits: ~490 KB for plain recursion, ~130 KB for JSON.parse,
 * ~80 KB for JSON.stringify of deep nesting, ~40 KB for the parser on deeply nested source
 * (`((((…))))`, nested literals). 32 KB allows about 170 frames of plain recursion and keeps a 2.5x
 * margin on data paths; the parser is left with only ~1.25x (it stops at ~500 levels of nesting), so
 * absurdly nested source evaluated from an already deep host stack can still overflow the host.
 * That is caught and costs one replaced instance (see quickjs-engine.ts).
 */
export const STACK_LIMIT_BYTES = 32 * 1024;

const STEPS_PER_INTERRUPT_CHECK = 10_000;

const INTRINSICS = { ...DefaultIntrinsics, Date: false } as const;

const EXPRESSION_FILE = 'expression.js';
const EXPRESSION_LOCATION = /expression\.js:(\d+):(\d+)/;

/**
 * Evaluated (strict) in each new context before the expression. It captures JSON before user code
 * can replace it, binds `$`, makes Math.random throw instead of returning noise, and returns the
 * function that turns the completion value into JSON text inside the VM, so toJSON, getters and
 * cycles behave exactly as JSON.stringify defines and stay under the execution budget.
 */
const PRELUDE = `(function setup(inputJson) {
  'use strict';
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const NativePromise = Promise;
  Object.defineProperty(Math, 'random', {
    value: function random() {
      throw new Error("Math's random() is not available: Baton expressions are deterministic");
    },
    writable: false,
    enumerable: false,
    configurable: false,
  });
  globalThis.$ = parse(inputJson);
  return function serialize(value) {
    const type = typeof value;
    if (type === 'undefined') return 'null';
    if (type === 'function' || type === 'symbol' || type === 'bigint') {
      throw new TypeError('the result is a ' + type);
    }
    if (value instanceof NativePromise) {
      throw new TypeError('the result is a Promise; Baton expressions must be synchronous');
    }
    const json = stringify(value);
    return json === undefined ? 'null' : json;
  };
})`;

export interface JavaScriptSandboxOptions {
  /** Interrupt-handler calls allowed per evaluation; see DEFAULT_INTERRUPT_BUDGET. */
  interruptBudget?: number;
}

export interface JavaScriptSandbox {
  evaluateJavaScript(expression: string, input: unknown): ScriptOutcome;
}

interface Limits {
  interruptBudget: number;
  memoryLimitBytes: number;
}

interface Meter {
  checks: number;
  exhausted: boolean;
}

const failure = (error: string): ScriptOutcome => ({ ok: false, error });

const megabytes = (bytes: number): string => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

export function createJavaScriptSandbox(
  engine: QuickJsEngine,
  options: JavaScriptSandboxOptions = {},
): JavaScriptSandbox {
  const limits: Limits = {
    interruptBudget: options.interruptBudget ?? DEFAULT_INTERRUPT_BUDGET,
    memoryLimitBytes: engine.memoryLimitBytes,
  };
  // The source strings are copied into the heap as UTF-8 (up to 3 bytes a character) with a bare
  // malloc that QuickJS cannot fail cleanly, so anything that could approach the memory limit is
  // refused before it gets there. At 32 MB, 5.8 MB of typical JSON input still evaluates.
  const maxSourceLength = Math.floor(limits.memoryLimitBytes / 4);

  return {
    evaluateJavaScript(expression, input) {
      if (typeof expression !== 'string') return failure('The expression must be a string');
      let inputJson: string | undefined;
      try {
        inputJson = JSON.stringify(input);
      } catch (error) {
        return failure(`The input is not representable as JSON: ${hostMessage(error)}`);
      }
      inputJson ??= 'null';
      const sourceLength = inputJson.length + expression.length;
      if (sourceLength > maxSourceLength) {
        return failure(
          `The expression and its input (${sourceLength} characters of JSON) are too large for the ` +
            `JavaScript sandbox, which accepts at most ${maxSourceLength}`,
        );
      }

      const instance = engine.current();
      if (!instance) return failure('The JavaScript sandbox is restarting after a crash; try again');
      try {
        return evaluateIn(instance, expression, inputJson, limits, () => engine.discard(instance));
      } catch (error) {
        engine.discard(instance);
        return failure(describeHostError(error));
      }
    },
  };
}

function evaluateIn(
  instance: QuickJSWASMModule,
  expression: string,
  inputJson: string,
  limits: Limits,
  discard: () => void,
): ScriptOutcome {
  // A runtime and context per evaluation cost ~0.1 ms (measured), so neither is reused: each
  // evaluation starts from an empty QuickJS heap and a fresh interrupt counter, which is what makes
  // budget and out-of-memory outcomes repeatable.
  const runtime = instance.newRuntime();
  runtime.setMaxStackSize(STACK_LIMIT_BYTES);
  const meter: Meter = { checks: 0, exhausted: false };
  runtime.setInterruptHandler(() => {
    meter.checks += 1;
    if (meter.checks > limits.interruptBudget) meter.exhausted = true;
    return meter.exhausted;
  });
  const context = runtime.newContext({ intrinsics: INTRINSICS });

  // No try/finally around the VM calls below: if one throws, the instance itself is suspect and is
  // discarded whole by the caller, and calling back into it to free handles could abort it again.
  const outcome = run(context, expression, inputJson, meter, limits);

  try {
    context.dispose();
    runtime.dispose();
  } catch {
    // QuickJS asserts there are no leaked objects when a runtime is freed, and some out-of-memory
    // unwinds leak one; the outcome was already computed, so only the instance is lost.
    discard();
  }
  return outcome;
}

function run(
  context: QuickJSContext,
  expression: string,
  inputJson: string,
  meter: Meter,
  limits: Limits,
): ScriptOutcome {
  const setup = context.evalCode(PRELUDE, 'baton-prelude.js', { type: 'global', strict: true });
  if (setup.error) {
    const message = describeVmError(context, setup.error, meter, limits);
    setup.dispose();
    return failure(`The JavaScript sandbox could not start: ${message}`);
  }
  const inputHandle = context.newString(inputJson);
  const bound = context.callFunction(setup.value, context.undefined, inputHandle);
  inputHandle.dispose();
  setup.dispose();
  if (bound.error) {
    const message = describeVmError(context, bound.error, meter, limits);
    bound.dispose();
    return failure(`The input could not be bound to $: ${message}`);
  }
  const serialize = bound.value;

  // The budget is for the expression, not for setting it up.
  meter.checks = 0;
  const evaluated = context.evalCode(expression, EXPRESSION_FILE, { type: 'global' });
  if (evaluated.error) {
    const message = describeVmError(context, evaluated.error, meter, limits);
    evaluated.dispose();
    serialize.dispose();
    return failure(message);
  }

  const serialized = context.callFunction(serialize, context.undefined, evaluated.value);
  evaluated.dispose();
  serialize.dispose();
  if (serialized.error) {
    const message = describeVmError(context, serialized.error, meter, limits);
    serialized.dispose();
    if (meter.exhausted || isResourceError(message)) return failure(message);
    return failure(`The result is not representable as JSON: ${message}`);
  }
  const json = context.getString(serialized.value);
  serialized.dispose();
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch {
    return failure('The result could not be read back from the JavaScript sandbox');
  }
}

const isResourceError = (message: string): boolean => /out of memory|stack overflow/.test(message);

function describeVmError(
  context: QuickJSContext,
  handle: QuickJSHandle,
  meter: Meter,
  limits: Limits,
): string {
  if (meter.exhausted) {
    return (
      `The expression exceeded its execution budget of ${limits.interruptBudget} interrupt checks ` +
      `(about ${limits.interruptBudget * STEPS_PER_INTERRUPT_CHECK} interpreter steps) and was stopped`
    );
  }
  let thrown: unknown;
  let type: string;
  try {
    thrown = context.dump(handle);
    type = context.typeof(handle);
  } catch {
    thrown = undefined;
    type = 'unknown';
  }
  if (isErrorLike(thrown)) {
    const location = typeof thrown.stack === 'string' ? locate(thrown.stack) : undefined;
    const hint = hintFor(thrown, limits);
    return `${thrown.name}: ${thrown.message}${location ? ` at ${location}` : ''}${hint ? ` (${hint})` : ''}`;
  }
  // An out-of-memory that strikes while QuickJS builds its error object leaves null, or a value that
  // cannot even be dumped, as the exception. Whether the heap is still exhausted tells that apart
  // from an expression that really threw null; the probe is deterministic like everything else here.
  const unreadable = (thrown === '' && type !== 'string') || (thrown === undefined && type !== 'undefined');
  if ((unreadable || thrown === null) && heapIsExhausted(context)) {
    return `InternalError: out of memory (the expression exceeded its memory limit of ${megabytes(limits.memoryLimitBytes)})`;
  }
  if (unreadable) return 'The expression failed and its error could not be read';
  return `Uncaught ${typeof thrown === 'string' ? JSON.stringify(thrown) : safeJson(thrown)}`;
}

function heapIsExhausted(context: QuickJSContext): boolean {
  const probe = context.evalCode('new ArrayBuffer(262144).byteLength', 'baton-probe.js', { type: 'global' });
  const failed = probe.error !== undefined;
  probe.dispose();
  return failed;
}

function hintFor(error: ErrorLike, limits: Limits): string | undefined {
  if (error.message === 'out of memory') {
    return `the expression exceeded its memory limit of ${megabytes(limits.memoryLimitBytes)}`;
  }
  if (error.message === 'stack overflow') return 'recursion or nesting is too deep';
  if (error.name === 'ReferenceError' && /\bDate\b/.test(error.message)) {
    return 'Baton expressions are deterministic, so there is no clock';
  }
  return undefined;
}

interface ErrorLike {
  name: string;
  message: string;
  stack?: unknown;
}

const isErrorLike = (value: unknown): value is ErrorLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ErrorLike).name === 'string' &&
  typeof (value as ErrorLike).message === 'string';

function locate(stack: string): string | undefined {
  const match = EXPRESSION_LOCATION.exec(stack);
  return match ? `line ${match[1]}, column ${match[2]}` : undefined;
}

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

const hostMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function describeHostError(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return 'InternalError: stack overflow (recursion or nesting is too deep for the host stack)';
  }
  const name = error instanceof Error ? error.name : 'Error';
  return `The JavaScript sandbox crashed (${name}: ${hostMessage(error)}); it has been replaced`;
}
