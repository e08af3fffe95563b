/**
 * Conductor's parameter expressions (ParametersUtils): `${root.path}` where `root` is `workflow` or a
 * task reference name and the rest is JSONPath evaluated by jsonpath-plus.
 */
import { JSONPath } from 'jsonpath-plus';

/** Looks up the root object of an expression: `workflow` or a task reference name. Returns undefined when unknown. */
export type ExpressionRoots = (root: string) => unknown;

/** Literal text, or an expression whose path is either fixed or built from nested expressions. */
type Part = string | { readonly path: string | readonly Part[] };

const CACHE_LIMIT = 10_000;
const parsedTemplates = new Map<string, readonly Part[]>();
const knownPaths = new Set<string>();
// One reusable evaluator: called as a function, JSONPath() builds and catches an Error to hand back a
// scalar result, which costs several times the lookup itself. wrap: false gives the single match
// itself, while wildcards, slices and filters still give an array, like Jayway's indefinite paths.
// 'safe' runs filters in jsonpath-plus's own interpreter, not node:vm; ignoreEvalErrors lets a filter
// skip items it cannot read (`@.x.y` where x is missing) instead of failing the whole path, like Jayway.
const evaluator = JSONPath({
  autostart: false,
  path: '$',
  json: null,
  wrap: false,
  eval: 'safe',
  ignoreEvalErrors: true,
});

/** Resolves every expression inside a parameter template (objects and arrays are walked recursively). Returns a new value; never mutates the template. */
export function resolveParameters(
  template: Record<string, unknown> | undefined,
  roots: ExpressionRoots,
): Record<string, unknown> {
  return template ? (resolveValue(template, roots) as Record<string, unknown>) : {};
}

/**
 * Values taken from the roots are returned by reference, not copied: copying every upstream output
 * into every task input would cost more than it protects. Treat the result as immutable.
 */
export function resolveValue(value: unknown, roots: ExpressionRoots): unknown {
  if (typeof value === 'string') return resolveString(value, roots);
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, roots));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a template key `__proto__` stays data.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveValue(item, roots)]));
  }
  return value;
}

/** True when a string contains at least one ${...} expression (after escapes). */
export function hasExpression(value: string): boolean {
  return value.includes('${') && parse(value).some((part) => typeof part !== 'string');
}

function resolveString(value: string, roots: ExpressionRoots): unknown {
  if (!value.includes('${')) return value;
  const parts = parse(value);
  const only = parts[0];
  if (parts.length === 1 && typeof only === 'object') return evaluate(only, roots);
  return interpolate(parts, roots);
}

/**
 * A missing value is written as the text `null`, as Conductor does: replaceVariables joins the
 * pieces with Java's Objects.toString, which turns null into "null" rather than "" or dropping it.
 */
function interpolate(parts: readonly Part[], roots: ExpressionRoots): string {
  let text = '';
  for (const part of parts) text += typeof part === 'string' ? part : toText(evaluate(part, roots));
  return text;
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return typeof value === 'object' ? (JSON.stringify(value) ?? 'null') : String(value);
  } catch {
    return 'null';
  }
}

function evaluate(part: Exclude<Part, string>, roots: ExpressionRoots): unknown {
  try {
    return lookup(typeof part.path === 'string' ? part.path : interpolate(part.path, roots), roots);
  } catch {
    // jsonpath-plus throws on some bad paths and filters, and `roots` is the caller's code.
    return null;
  }
}

function lookup(expression: string, roots: ExpressionRoots): unknown {
  const path = expression.trim();
  // Conductor turns `${}` and `${ }` into an empty string.
  if (path === '') return '';
  const cut = path.search(/[.[]/);
  if (cut === 0) return null;
  const root = roots(cut < 0 ? path : path.slice(0, cut));
  if (cut < 0 || root === undefined || root === null) return root ?? null;
  const rest = path.slice(cut);
  if (!wellFormed(rest)) return null;
  const jsonPath = '$' + rest;
  remember(jsonPath);
  const json = root as object;
  return (
    evaluator.evaluate({ path: jsonPath, json, callback: undefined, otherTypeCallback: undefined }) ?? null
  );
}

/** jsonpath-plus forgives unclosed brackets and trailing dots (`a[` reads `a`); Jayway rejects them. */
function wellFormed(path: string): boolean {
  let depth = 0;
  let quote = '';
  for (const char of path) {
    if (quote) {
      if (char === quote) quote = '';
    } else if (depth > 0 && (char === "'" || char === '"')) {
      quote = char;
    } else if (char === '[') {
      depth++;
    } else if (char === ']' && --depth < 0) {
      return false;
    }
  }
  return depth === 0 && quote === '' && !path.endsWith('.');
}

/**
 * jsonpath-plus caches every path it parses in a global, unbounded object. Paths built from nested
 * expressions come from data, so a warm Lambda would grow it forever; drop it now and then.
 */
function remember(jsonPath: string): void {
  if (knownPaths.has(jsonPath)) return;
  if (knownPaths.size >= CACHE_LIMIT) {
    knownPaths.clear();
    JSONPath.cache = {};
  }
  knownPaths.add(jsonPath);
}

function parse(template: string): readonly Part[] {
  let parts = parsedTemplates.get(template);
  if (!parts) {
    if (parsedTemplates.size >= CACHE_LIMIT) parsedTemplates.delete(parsedTemplates.keys().next().value!);
    parts = split(template);
    parsedTemplates.set(template, parts);
  }
  return parts;
}

/** Braces are matched by depth so that `${workflow.input.${workflow.input.key}}` nests, as in Conductor. */
function split(template: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  let from = 0;
  for (let open = template.indexOf('${'); open >= 0; open = template.indexOf('${', from)) {
    const close = template[open - 1] === '$' ? -1 : closingBrace(template, open + 1);
    if (close < 0) {
      // `$${` is the escape for a literal `${`; an unclosed `${` is literal too.
      const escaped = template[open - 1] === '$';
      text += template.slice(from, escaped ? open - 1 : open) + '${';
      from = open + 2;
      continue;
    }
    text += template.slice(from, open);
    if (text) parts.push(text);
    text = '';
    const body = template.slice(open + 2, close);
    parts.push({ path: body.includes('${') ? split(body) : body });
    from = close + 1;
  }
  text += template.slice(from);
  if (text) parts.push(text);
  return parts;
}

function closingBrace(template: string, open: number): number {
  let depth = 0;
  for (let i = open; i < template.length; i++) {
    if (template[i] === '{') depth++;
    else if (template[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
