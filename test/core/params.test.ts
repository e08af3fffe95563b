// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  type ExpressionRoots,
  hasExpression,
  resolveParameters,
  resolveValue,
} from '../../lambdas/core/params';

const workflow = {
  input: {
    count: 3,
    name: 'Ada',
    flag: true,
    nothing: null,
    tags: ['a', 'b'],
    address: { city: 'Oslo' },
    key: 'name',
  },
  variables: { v: 42 },
  workflowId: 'wf-1',
  correlationId: 'corr-1',
};
const fetchTask = {
  input: { url: 'https://example.com' },
  output: {
    a: { b: [10, 20, { c: 'deep' }] },
    'some key': 'spaced',
    items: [
      { id: 1, state: 'open' },
      { id: 2, state: 'closed', extra: { flag: 1 } },
    ],
  },
  status: 'COMPLETED',
};
const roots: ExpressionRoots = (root) => ({ workflow, fetch: fetchTask })[root];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

describe('resolveValue', () => {
  it('keeps the type of a value when the string is one expression', () => {
    expect(resolveValue('${workflow.input.count}', roots)).toBe(3);
    expect(resolveValue('${workflow.input.flag}', roots)).toBe(true);
    expect(resolveValue('${workflow.input.nothing}', roots)).toBeNull();
    expect(resolveValue('${workflow.input.tags}', roots)).toEqual(['a', 'b']);
    expect(resolveValue('${workflow.input.address}', roots)).toEqual({ city: 'Oslo' });
    expect(resolveValue('${workflow.variables.v}', roots)).toBe(42);
  });

  it('reads the workflow id, the correlation id and a task status', () => {
    expect(resolveValue('${workflow.workflowId}', roots)).toBe('wf-1');
    expect(resolveValue('${workflow.correlationId}', roots)).toBe('corr-1');
    expect(resolveValue('${fetch.status}', roots)).toBe('COMPLETED');
    expect(resolveValue('${fetch.input.url}', roots)).toBe('https://example.com');
  });

  it('interpolates when the string holds more than the expression', () => {
    expect(resolveValue('Hello ${workflow.input.name}!', roots)).toBe('Hello Ada!');
    expect(resolveValue(' ${workflow.input.count}', roots)).toBe(' 3');
  });

  it('writes numbers, booleans, objects and arrays into an interpolated string', () => {
    expect(resolveValue('n=${workflow.input.count}', roots)).toBe('n=3');
    expect(resolveValue('f=${workflow.input.flag}', roots)).toBe('f=true');
    expect(resolveValue('o=${workflow.input.address}', roots)).toBe('o={"city":"Oslo"}');
    expect(resolveValue('a=${workflow.input.tags}', roots)).toBe('a=["a","b"]');
  });

  it('writes a missing value into an interpolated string as the text null, like Conductor', () => {
    expect(resolveValue('x=${workflow.input.missing}', roots)).toBe('x=null');
    expect(resolveValue('x=${workflow.input.nothing}', roots)).toBe('x=null');
    expect(resolveValue('x=${nobody.output}', roots)).toBe('x=null');
  });

  it('resolves a string with two expressions', () => {
    expect(resolveValue('${workflow.input.name}-${fetch.output.a.b[1]}', roots)).toBe('Ada-20');
    expect(resolveValue('${workflow.input.count}${workflow.input.count}', roots)).toBe('33');
  });

  it('reads array indexes', () => {
    expect(resolveValue('${fetch.output.a.b[0]}', roots)).toBe(10);
    expect(resolveValue('${fetch.output.a.b[2].c}', roots)).toBe('deep');
    expect(resolveValue('${fetch.output.items[1].state}', roots)).toBe('closed');
  });

  it('reads keys written in brackets', () => {
    expect(resolveValue("${fetch.output['some key']}", roots)).toBe('spaced');
    expect(resolveValue("${fetch['output']['a']['b'][1]}", roots)).toBe(20);
  });

  it('returns the whole root when the expression is only the root', () => {
    expect(resolveValue('${workflow}', roots)).toBe(workflow);
    expect(resolveValue('${fetch.output}', roots)).toBe(fetchTask.output);
  });

  it('gives null for a path that resolves to nothing', () => {
    expect(resolveValue('${nobody}', roots)).toBeNull();
    expect(resolveValue('${nobody.output.x}', roots)).toBeNull();
    expect(resolveValue('${workflow.input.missing}', roots)).toBeNull();
    expect(resolveValue('${workflow.input.address.city.zip}', roots)).toBeNull();
    expect(resolveValue('${fetch.output.a.b[7]}', roots)).toBeNull();
    expect(resolveValue('${workflow.input.constructor}', roots)).toBeNull();
  });

  it('gives null for a malformed path', () => {
    for (const path of [
      '${fetch.output.a.b[}',
      '${fetch.output.a]}',
      '${workflow.}',
      '${.input}',
      "${fetch['x}",
    ]) {
      expect(resolveValue(path, roots)).toBeNull();
    }
  });

  it('returns an array for wildcards and filters, like Jayway', () => {
    expect(resolveValue('${fetch.output.items[*].id}', roots)).toEqual([1, 2]);
    expect(resolveValue("${fetch.output.items[?(@.state == 'open')].id}", roots)).toEqual([1]);
    expect(resolveValue('${fetch.output.items[?(@.extra.flag == 1)].id}', roots)).toEqual([2]);
  });

  it('resolves an expression nested inside the path of another', () => {
    expect(resolveValue('${workflow.input.${workflow.input.key}}', roots)).toBe('Ada');
    expect(resolveValue('${fetch.output.a.b[${workflow.input.count}]}', roots)).toBeNull();
  });

  it('turns an empty expression into an empty string', () => {
    expect(resolveValue('${}', roots)).toBe('');
    expect(resolveValue('a${ }b', roots)).toBe('ab');
  });

  it('treats $${ as an escaped, unevaluated ${', () => {
    const spy = vi.fn(roots);
    expect(resolveValue('$${workflow.input.name}', spy)).toBe('${workflow.input.name}');
    expect(resolveValue('cost: $${x} for ${workflow.input.name}', spy)).toBe('cost: ${x} for Ada');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('keeps an unclosed ${ as text', () => {
    expect(resolveValue('${workflow.input.name', roots)).toBe('${workflow.input.name');
    expect(resolveValue('${ and ${workflow.input.name}', roots)).toBe('${ and Ada');
  });

  it('returns non-string scalars as they are', () => {
    for (const value of [0, 1.5, true, false, null, undefined])
      expect(resolveValue(value, roots)).toBe(value);
    expect(resolveValue('plain text', roots)).toBe('plain text');
  });

  it('resolves expressions inside nested objects and arrays', () => {
    const template = {
      list: ['${workflow.input.count}', { inner: '${fetch.output.a.b[0]}' }, ['x ${workflow.input.name}', 7]],
      obj: { deeper: { flag: '${workflow.input.flag}', keep: false } },
    };
    expect(resolveValue(template, roots)).toEqual({
      list: [3, { inner: 10 }, ['x Ada', 7]],
      obj: { deeper: { flag: true, keep: false } },
    });
  });

  it('only looks up the roots that appear in the template', () => {
    const spy = vi.fn(roots);
    resolveValue({ a: '${workflow.input.count}', b: ['${workflow.input.name}'], c: 'no expressions' }, spy);
    expect(new Set(spy.mock.calls.map(([root]) => root))).toEqual(new Set(['workflow']));
  });

  it('gives null instead of throwing when the roots function throws', () => {
    const throwing: ExpressionRoots = () => {
      throw new Error('boom');
    };
    expect(resolveValue('${workflow.input.x}', throwing)).toBeNull();
    expect(resolveValue('v=${workflow.input.x}', throwing)).toBe('v=null');
  });

  it('never throws for arbitrary JSON values and strings containing ${', () => {
    const unit = fc.constantFrom(
      '$',
      '{',
      '}',
      '[',
      ']',
      '.',
      "'",
      '?',
      '(',
      ')',
      '@',
      '*',
      'workflow',
      'input',
      'a',
      '0',
    );
    const expressionLike = fc
      .tuple(fc.string({ unit }), fc.string())
      .map(([before, after]) => before + '${' + after);
    fc.assert(
      fc.property(fc.jsonValue(), fc.oneof(expressionLike, fc.string({ unit })), (root, text) => {
        const anyRoot: ExpressionRoots = () => root;
        hasExpression(text);
        resolveValue(text, anyRoot);
        resolveValue(text, roots);
        resolveValue(root, anyRoot);
        resolveValue({ text, nested: [text, root] }, anyRoot);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('resolveParameters', () => {
  it('does not mutate the template', () => {
    const template = { a: '${workflow.input.count}', b: { c: ['${fetch.output.a.b[0]}', 'x'] } };
    const before = structuredClone(template);
    const resolved = resolveParameters(deepFreeze(template), roots);
    expect(template).toEqual(before);
    expect(resolved).not.toBe(template);
    expect(resolved.b).not.toBe(template.b);
  });

  it('returns an empty object for a missing template', () => {
    expect(resolveParameters(undefined, roots)).toEqual({});
  });

  it('keeps a __proto__ key in a template as data', () => {
    const template = JSON.parse('{"__proto__": {"x": "${workflow.input.name}"}}') as Record<string, unknown>;
    const resolved = resolveParameters(template, roots);
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(Object.hasOwn(resolved, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(resolved, '__proto__')?.value).toEqual({ x: 'Ada' });
  });
});

describe('hasExpression', () => {
  it('finds an expression and ignores escaped or unclosed ones', () => {
    expect(hasExpression('${workflow.input.x}')).toBe(true);
    expect(hasExpression('a ${b} c')).toBe(true);
    expect(hasExpression('$${workflow.input.x}')).toBe(false);
    expect(hasExpression('${unclosed')).toBe(false);
    expect(hasExpression('no expression')).toBe(false);
  });
});
