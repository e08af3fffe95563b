/** Value predicates, and the Rule objects that pair one with the words for what it wants. */

export type Obj = Record<string, unknown>;

export const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
export const isNonNegativeNumber = (value: unknown): value is number => isFiniteNumber(value) && value >= 0;
const isNonNegativeInteger = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0;
const isPositiveInteger = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) > 0;
/**
 * A string that is one `${...}` expression and nothing else keeps the type of what it resolves to,
 * so where an input must be an object such a string may stand for one.
 */
export const isWholeExpression = (value: unknown): boolean =>
  typeof value === 'string' && /^\$\{[^}]*\}$/.test(value);

/** A rule for one field: a predicate and the words that complete "must be ...". */
export interface Rule {
  ok: (value: unknown) => boolean;
  wanted: string;
}

export const NON_EMPTY_STRING: Rule = { ok: isNonEmptyString, wanted: 'a non-empty string' };
export const STRING: Rule = { ok: (value) => typeof value === 'string', wanted: 'a string' };
export const BOOLEAN: Rule = { ok: (value) => typeof value === 'boolean', wanted: 'true or false' };
export const OBJECT: Rule = { ok: isObject, wanted: 'an object' };
export const NON_NEGATIVE_NUMBER: Rule = { ok: isNonNegativeNumber, wanted: 'a non-negative number' };
export const NON_NEGATIVE_INTEGER: Rule = { ok: isNonNegativeInteger, wanted: 'a non-negative integer' };
export const POSITIVE_INTEGER: Rule = { ok: isPositiveInteger, wanted: 'a positive integer' };
export const STRING_LIST: Rule = { ok: Array.isArray, wanted: 'a list of strings' };
export const TASK_LIST: Rule = { ok: Array.isArray, wanted: 'a list of tasks' };
export const NON_EMPTY_TASK_LIST: Rule = {
  ok: (value) => Array.isArray(value) && value.length > 0,
  wanted: 'a non-empty list of tasks',
};
export const OBJECT_OR_EXPRESSION: Rule = {
  ok: (value) => isObject(value) || isWholeExpression(value),
  wanted: 'an object (or a ${...} expression that yields one)',
};
export const POSITIVE_INTEGER_OR_EXPRESSION: Rule = {
  ok: (value) => isPositiveInteger(value) || isWholeExpression(value),
  wanted: 'a positive integer (or a ${...} expression that yields one)',
};
export const oneOf = (values: readonly string[]): Rule => ({
  ok: (value) => typeof value === 'string' && values.includes(value),
  wanted: `one of ${values.join(' | ')}`,
});
