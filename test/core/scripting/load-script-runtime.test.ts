import { describe, expect, it } from 'vitest';
import { loadScriptRuntime } from '../../../lambdas/core/scripting/index';

describe('loadScriptRuntime', () => {
  it('loads the WebAssembly modules once and hands out independent runtimes', async () => {
    const [first, second] = await Promise.all([loadScriptRuntime(), loadScriptRuntime()]);
    const started = performance.now();
    const third = await loadScriptRuntime();
    console.log(`loadScriptRuntime after the first load: ${(performance.now() - started).toFixed(2)} ms`);
    for (const runtime of [first, second, third]) {
      expect(runtime.evaluateJavaScript('$.n + 1', { n: 1 })).toEqual({ ok: true, value: 2 });
      expect(runtime.evaluateJq('.n + 1', { n: 1 })).toEqual({ ok: true, result: 2, resultList: [2] });
    }
  });

  it('applies options per runtime', async () => {
    const [small, normal] = await Promise.all([
      loadScriptRuntime({ interruptBudget: 1 }),
      loadScriptRuntime({ memoryLimitBytes: 64 * 1024 * 1024 }),
    ]);
    const loop = 'var s = 0; for (var i = 0; i < 100000; i++) s += i; s';
    expect(small.evaluateJavaScript(loop, null)).toMatchObject({ ok: false });
    expect(normal.evaluateJavaScript(loop, null)).toEqual({ ok: true, value: 4999950000 });
  });

  it('rejects limits that are not positive integers', async () => {
    await expect(loadScriptRuntime({ interruptBudget: 0 })).rejects.toThrow(/interruptBudget/);
    await expect(loadScriptRuntime({ memoryLimitBytes: 1.5 })).rejects.toThrow(/memoryLimitBytes/);
  });

  it('reports how many evaluations per second it sustains', async () => {
    const scripts = await loadScriptRuntime();
    const input = { x: 2, loop: { iteration: 1 }, order: { items: [{ sku: 'a', qty: 2 }] } };
    const measure = (label: string, evaluate: () => { ok: boolean }) => {
      for (let i = 0; i < 50; i++) evaluate();
      const count = 2000;
      const started = performance.now();
      for (let i = 0; i < count; i++) expect(evaluate().ok).toBe(true);
      const elapsed = performance.now() - started;
      console.log(
        `${label}: ${Math.round((count / elapsed) * 1000)} evaluations/s (${((elapsed / count) * 1000).toFixed(0)} µs each)`,
      );
    };
    measure('JavaScript ternary', () => scripts.evaluateJavaScript("$.x > 1 ? 'a' : 'b'", input));
    measure('JavaScript INLINE function', () =>
      scripts.evaluateJavaScript(
        'function e() { return $.order.items.map(function (i) { return i.qty * 2; }); } e();',
        input,
      ),
    );
    measure('jq transform', () => scripts.evaluateJq('{ skus: [.order.items[].sku] }', input));
  });
});
