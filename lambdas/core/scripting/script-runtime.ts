/**
 * The sandboxes the decider evaluates user code in: JavaScript for SWITCH, DO_WHILE conditions and
 * INLINE, jq for JSON_JQ_TRANSFORM. Both are loaded once per process (WebAssembly start-up is
 * asynchronous) and then called synchronously, so that decide stays a plain function.
 */

export type ScriptOutcome = { ok: true; value: unknown } | { ok: false; error: string };
export type JqOutcome = { ok: true; result: unknown; resultList: unknown[] } | { ok: false; error: string };

export interface ScriptRuntime {
  /** Runs `expression` as a script with `$` bound to `input`; the completion value is the result. */
  evaluateJavaScript(expression: string, input: unknown): ScriptOutcome;
  /** Runs a jq query over `input`; `result` is the first output, `resultList` all of them. */
  evaluateJq(query: string, input: unknown): JqOutcome;
}
