import { beforeAll, describe, expect, it } from 'vitest';
import { type JqOutcome, loadScriptRuntime, type ScriptRuntime } from '../../../lambdas/core/scripting/index';

let scripts: ScriptRuntime;

beforeAll(async () => {
  scripts = await loadScriptRuntime();
});

const jq = (query: string, input: unknown = { a: [1, 2], b: 'x' }): JqOutcome =>
  scripts.evaluateJq(query, input);

const errorOf = (outcome: JqOutcome): string => {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.resultList)}`);
  return outcome.error;
};

describe('jq outputs', () => {
  it('returns a single output as result and as the only element of resultList', () => {
    expect(jq('.b')).toEqual({ ok: true, result: 'x', resultList: ['x'] });
  });

  it('keeps one array output apart from several outputs', () => {
    expect(jq('.a')).toEqual({ ok: true, result: [1, 2], resultList: [[1, 2]] });
    expect(jq('.a[]')).toEqual({ ok: true, result: 1, resultList: [1, 2] });
    expect(jq('.a, .b')).toEqual({ ok: true, result: [1, 2], resultList: [[1, 2], 'x'] });
  });

  it('returns null and an empty list when there is no output', () => {
    expect(jq('empty')).toEqual({ ok: true, result: null, resultList: [] });
    expect(jq('.a[] | select(. > 5)')).toEqual({ ok: true, result: null, resultList: [] });
  });

  it('distinguishes a null output from no output', () => {
    expect(jq('.missing')).toEqual({ ok: true, result: null, resultList: [null] });
  });

  it('builds objects the way Conductor JSON_JQ_TRANSFORM examples do', () => {
    const input = { key1: { value1: ['a', 'b'] }, key2: { value2: ['c', 'd'] } };
    expect(jq('{ key3: (.key1.value1 + .key2.value2) }', input)).toEqual({
      ok: true,
      result: { key3: ['a', 'b', 'c', 'd'] },
      resultList: [{ key3: ['a', 'b', 'c', 'd'] }],
    });
  });

  it('keeps strings with newlines and unicode intact', () => {
    expect(jq('.s, (.s | length)', { s: 'line 1\nline 2 — é 😀' })).toEqual({
      ok: true,
      result: 'line 1\nline 2 — é 😀',
      resultList: ['line 1\nline 2 — é 😀', 19],
    });
  });

  it('treats undefined input as null', () => {
    expect(scripts.evaluateJq('.', undefined)).toEqual({ ok: true, result: null, resultList: [null] });
  });

  it('keeps line numbers of multi-line queries and still allows definitions', () => {
    expect(jq('def double: . * 2;\n.a | map(double)')).toEqual({
      ok: true,
      result: [2, 4],
      resultList: [[2, 4]],
    });
    expect(errorOf(jq('.a |\n  map('))).toContain('line 2');
  });
});

describe('jq failures', () => {
  it("reports compile errors with jq's message and the user's query only", () => {
    const error = errorOf(jq('.a['));
    expect(error).toMatch(/^jq: error: syntax error/);
    expect(error).toContain('.a[');
    expect(error).not.toContain('def now');
    expect(errorOf(jq('nosuchfunction'))).toMatch(/nosuchfunction\/0 is not defined/);
  });

  it("reports runtime errors with jq's message", () => {
    expect(errorOf(jq('.b.c'))).toMatch(/Cannot index string with string "c"/);
    expect(errorOf(jq('error("custom failure")'))).toMatch(/custom failure/);
  });

  it('keeps working after an error', () => {
    expect(jq('.a[').ok).toBe(false);
    expect(jq('.a | length')).toEqual({ ok: true, result: 2, resultList: [2] });
  });

  it('has no clock: now fails instead of reading the time', () => {
    expect(errorOf(jq('now'))).toMatch(/now is not available: Baton expressions are deterministic/);
    expect(jq('0 | todate')).toEqual({
      ok: true,
      result: '1970-01-01T00:00:00Z',
      resultList: ['1970-01-01T00:00:00Z'],
    });
  });

  it('refuses a query that is not a string and input that JSON cannot represent', () => {
    expect(errorOf(scripts.evaluateJq(1 as unknown as string, {}))).toMatch(/must be a string/);
    expect(errorOf(jq('.', { n: 1n }))).toMatch(/not representable as JSON/);
  });
});
