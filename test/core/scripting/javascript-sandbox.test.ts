import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadScriptRuntime,
  type ScriptOutcome,
  type ScriptRuntime,
} from '../../../lambdas/core/scripting/index';
import { createJavaScriptSandbox } from '../../../lambdas/core/scripting/javascript-sandbox';
import type { QuickJsEngine } from '../../../lambdas/core/scripting/quickjs-engine';

let scripts: ScriptRuntime;

beforeAll(async () => {
  scripts = await loadScriptRuntime();
});

const run = (expression: string, input: unknown = {}): ScriptOutcome =>
  scripts.evaluateJavaScript(expression, input);

const errorOf = (outcome: ScriptOutcome): string => {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
};

describe('Conductor expressions', () => {
  it('evaluates a ternary over $', () => {
    expect(run("$.x > 1 ? 'a' : 'b'", { x: 2 })).toEqual({ ok: true, value: 'a' });
    expect(run("$.x > 1 ? 'a' : 'b'", { x: 1 })).toEqual({ ok: true, value: 'b' });
  });

  it('reads nested $ data with dot and bracket access', () => {
    expect(run("$.loop['iteration'] < 3", { loop: { iteration: 2 } })).toEqual({ ok: true, value: true });
    expect(run('$.order.items[1].sku', { order: { items: [{ sku: 'a' }, { sku: 'b' }] } })).toEqual({
      ok: true,
      value: 'b',
    });
    expect(run('$.missing')).toEqual({ ok: true, value: null });
  });

  it('returns the completion value of a script that declares and calls a function', () => {
    const script = 'function e() { if ($.a == 1) return true; return false; } e();';
    expect(run(script, { a: 1 })).toEqual({ ok: true, value: true });
    expect(run(script, { a: 2 })).toEqual({ ok: true, value: false });
  });

  it('runs multi-statement INLINE scripts with loops and array methods', () => {
    const script = `
      var total = 0;
      for (var i = 0; i < $.prices.length; i++) total += $.prices[i];
      ({ total: total, labels: $.prices.map(function (p) { return 'p' + p; }) })`;
    expect(run(script, { prices: [1, 2, 3] })).toEqual({
      ok: true,
      value: { total: 6, labels: ['p1', 'p2', 'p3'] },
    });
  });

  it('returns objects and arrays as plain JSON', () => {
    expect(run('({ a: [1, { b: null }], s: "x", n: 1.5, t: true })')).toEqual({
      ok: true,
      value: { a: [1, { b: null }], s: 'x', n: 1.5, t: true },
    });
    expect(run('[1, "two", [3]]')).toEqual({ ok: true, value: [1, 'two', [3]] });
    expect(run('({ kept: 1, dropped: undefined, fn: function () {} })')).toEqual({
      ok: true,
      value: { kept: 1 },
    });
    expect(run('({ toJSON: function () { return "custom"; } })')).toEqual({ ok: true, value: 'custom' });
  });

  it('turns null and undefined results into null', () => {
    expect(run('null')).toEqual({ ok: true, value: null });
    expect(run('undefined')).toEqual({ ok: true, value: null });
    expect(run('var x = 1;')).toEqual({ ok: true, value: null });
    expect(run('')).toEqual({ ok: true, value: null });
  });

  it('binds undefined input as null and accepts scalar input', () => {
    expect(scripts.evaluateJavaScript('$', undefined)).toEqual({ ok: true, value: null });
    expect(run('$ * 2', 21)).toEqual({ ok: true, value: 42 });
  });
});

describe('failures are values', () => {
  it('reports a syntax error with its location', () => {
    const error = errorOf(run('$.x >'));
    expect(error).toMatch(/^SyntaxError: /);
    expect(error).toContain('line 1');
  });

  it('reports a reference error by name', () => {
    expect(errorOf(run('foo.bar'))).toMatch(/^ReferenceError: '?foo'? is not defined/);
  });

  it('reports thrown errors and thrown non-error values', () => {
    expect(errorOf(run('throw new TypeError("nope")'))).toMatch(/^TypeError: nope/);
    expect(errorOf(run('null.x'))).toMatch(/^TypeError: /);
    expect(errorOf(run('throw "boom"'))).toBe('Uncaught "boom"');
    expect(errorOf(run('throw { code: 7 }'))).toBe('Uncaught {"code":7}');
    expect(errorOf(run('throw null'))).toBe('Uncaught null');
  });

  it('reports results that JSON cannot represent', () => {
    expect(errorOf(run('var o = {}; o.self = o; o'))).toMatch(/not representable as JSON.*circular/);
    expect(errorOf(run('(function () {})'))).toMatch(/not representable as JSON.*function/);
    expect(errorOf(run('Symbol("s")'))).toMatch(/not representable as JSON.*symbol/);
    expect(errorOf(run('10n'))).toMatch(/not representable as JSON.*bigint/);
    expect(errorOf(run('({ n: 10n })'))).toMatch(/not representable as JSON.*BigInt/);
    expect(errorOf(run('Promise.resolve(1)'))).toMatch(/Promise.*synchronous/);
    expect(errorOf(run('({ toJSON: function () { throw new Error("no"); } })'))).toMatch(
      /not representable as JSON: Error: no/,
    );
  });

  it('reports input that JSON cannot represent', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorOf(run('$', cyclic))).toMatch(/input is not representable as JSON/);
    expect(errorOf(run('$', { n: 1n }))).toMatch(/input is not representable as JSON/);
  });

  it('refuses input too large to fit the memory limit before copying it in', () => {
    expect(errorOf(run('$.length', 'x'.repeat(9 * 1024 * 1024)))).toMatch(/too large/);
  });

  it('refuses an expression that is not a string', () => {
    expect(errorOf(scripts.evaluateJavaScript(42 as unknown as string, {}))).toMatch(/must be a string/);
  });
});

describe('limits', () => {
  it('stops an infinite loop quickly with a budget error, the same way every time', () => {
    const started = performance.now();
    const first = run('while (true) {}');
    const elapsed = performance.now() - started;
    expect(errorOf(first)).toMatch(/exceeded its execution budget/);
    expect(elapsed).toBeLessThan(1000);
    expect(run('while (true) {}')).toEqual(first);
  });

  it('cannot catch the budget error inside the expression', () => {
    expect(errorOf(run('try { while (true) {} } catch (e) { "caught" }'))).toMatch(/execution budget/);
    expect(errorOf(run('var x = 0; for (;;) { try { x++; } finally { x--; } }'))).toMatch(/execution budget/);
  });

  it('stops work hidden in toJSON and in regular-expression backtracking', () => {
    expect(errorOf(run('({ toJSON: function () { while (true) {} } })'))).toMatch(/execution budget/);
    expect(errorOf(run('/(a+)+$/.test("a".repeat(40) + "b")'))).toMatch(/execution budget/);
  });

  it('counts the budget in interpreter steps, so a given amount of work always passes or always fails', async () => {
    const tight = await loadScriptRuntime({ interruptBudget: 3 });
    const loop = (n: number) => `var s = 0; for (var i = 0; i < ${n}; i++) s += i; s`;
    const outcomes = (n: number) => Array.from({ length: 5 }, () => tight.evaluateJavaScript(loop(n), null));
    const small = outcomes(1_000);
    expect(small.every((outcome) => outcome.ok)).toBe(true);
    const large = outcomes(1_000_000);
    expect(large.every((outcome) => !outcome.ok && /execution budget of 3/.test(outcome.error))).toBe(true);
    // Probe across the boundary: every size must give the same answer on every attempt.
    for (const n of [5_000, 10_000, 15_000, 20_000, 25_000, 30_000]) {
      const results = outcomes(n).map((outcome) => outcome.ok);
      expect(new Set(results).size).toBe(1);
    }
  });

  it('stops a memory bomb with an out-of-memory error and keeps working afterwards', () => {
    const bomb = 'var a = []; while (true) a.push({ a: a.length, s: "x" + a.length })';
    const first = run(bomb);
    expect(errorOf(first)).toMatch(/out of memory/);
    expect(run(bomb)).toEqual(first);
    expect(errorOf(run('new Array(1e8).fill(0).length'))).toMatch(/out of memory/);
    expect(errorOf(run('var s = "x"; while (true) s += s'))).toMatch(/out of memory|string too long/);
    expect(run('[1, 2, 3].length')).toEqual({ ok: true, value: 3 });
  });

  it('stops runaway recursion and absurdly nested source with a stack-overflow error', () => {
    expect(errorOf(run('function f(n) { return f(n + 1); } f(0)'))).toMatch(/stack overflow/);
    expect(errorOf(run('var a = []; for (var i = 0; i < 1e5; i++) a = [a]; JSON.stringify(a)'))).toMatch(
      /stack overflow/,
    );
    expect(errorOf(run('JSON.parse("[".repeat(1e5) + "]".repeat(1e5))'))).toMatch(/stack overflow/);
    expect(errorOf(run('eval("{".repeat(1000) + "}".repeat(1000))'))).toMatch(/stack overflow/);
    expect(run('function f(n) { return n ? f(n - 1) + 1 : 0; } f(100)')).toEqual({ ok: true, value: 100 });
  });
});

describe('determinism and isolation', () => {
  it('has no Date, so there is no clock to read', () => {
    expect(run('typeof Date')).toEqual({ ok: true, value: 'undefined' });
    const error = errorOf(run('Date.now()'));
    expect(error).toMatch(/^ReferenceError: /);
    expect(error).toContain('deterministic');
    expect(errorOf(run('new Date()'))).toContain('deterministic');
  });

  it('makes Math.random throw, and the replacement cannot be swapped back', () => {
    expect(errorOf(run('Math.random()'))).toMatch(
      /Math's random\(\) is not available: Baton expressions are deterministic/,
    );
    expect(errorOf(run('"use strict"; Math.random = function () { return 4; }; Math.random()'))).toMatch(
      /^TypeError/,
    );
    expect(run('Math.floor(2.5) + Math.max(1, 2)')).toEqual({ ok: true, value: 4 });
  });

  it('does not let one evaluation see globals or modified builtins from another', () => {
    expect(
      run('globalThis.leak = 1; var leak2 = 2; Array.prototype.first = function () { return this[0]; }; 0'),
    ).toEqual({ ok: true, value: 0 });
    expect(run('[typeof leak, typeof leak2, typeof [].first]')).toEqual({
      ok: true,
      value: ['undefined', 'undefined', 'undefined'],
    });
    expect(run('$ = 5; $', { a: 1 })).toEqual({ ok: true, value: 5 });
    expect(run('$', { a: 1 })).toEqual({ ok: true, value: { a: 1 } });
  });

  it('gives the same answer for the same input every time', () => {
    const script =
      '[1, 2, 3].map(function (x) { return x * $.k; }).concat([typeof WeakRef, typeof setTimeout])';
    const outcomes = Array.from({ length: 5 }, () => run(script, { k: 3 }));
    expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome))).size).toBe(1);
    expect(outcomes[0]).toEqual({ ok: true, value: [3, 6, 9, 'undefined', 'undefined'] });
  });

  it('does not change the input object it was given', () => {
    const input = { list: [3, 1, 2] };
    expect(run('$.list.sort(); $.list.push(4); $.list', input)).toEqual({ ok: true, value: [1, 2, 3, 4] });
    expect(input).toEqual({ list: [3, 1, 2] });
  });
});

describe('crash containment', () => {
  const crashingEngine = (error: Error) => {
    const discarded: unknown[] = [];
    const instance = {
      newRuntime() {
        throw error;
      },
    } as unknown as QuickJSWASMModule;
    const engine: QuickJsEngine = {
      memoryLimitBytes: 32 * 1024 * 1024,
      current: () => (discarded.length === 0 ? instance : undefined),
      discard: (broken) => {
        discarded.push(broken);
      },
    };
    return { engine, instance, discarded };
  };

  it('turns a host stack overflow inside the instance into a value and retires the instance', () => {
    const { engine, instance, discarded } = crashingEngine(
      new RangeError('Maximum call stack size exceeded'),
    );
    const sandbox = createJavaScriptSandbox(engine);
    expect(sandbox.evaluateJavaScript('1', null)).toEqual({
      ok: false,
      error: 'InternalError: stack overflow (recursion or nesting is too deep for the host stack)',
    });
    expect(discarded).toEqual([instance]);
    expect(errorOf(sandbox.evaluateJavaScript('1', null))).toMatch(/restarting after a crash/);
  });

  it('turns any other failure of the instance itself into a value', () => {
    const { engine, discarded } = crashingEngine(new Error('Aborted(Assertion failed)'));
    const outcome = createJavaScriptSandbox(engine).evaluateJavaScript('1', null);
    expect(errorOf(outcome)).toMatch(/sandbox crashed \(Error: Aborted\(Assertion failed\)\)/);
    expect(discarded).toHaveLength(1);
  });
});
