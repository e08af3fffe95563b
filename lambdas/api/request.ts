import { Buffer } from 'node:buffer';
import type { Problem } from '../core/index';
import type { APIGatewayProxyEventV2 } from '../shared/api-gateway';
import { PayloadTooLargeError, ValidationError } from '../shared/errors';
import type { ApiRequest } from './router';

/**
 * The largest request body accepted, in bytes (1 MiB). Lambda would take up to 6 MB, but nothing a
 * Conductor client sends needs more than this (a definition is capped at 256 KiB by validation), and
 * refusing early keeps one client from making every request parse megabytes of JSON.
 */
export const MAX_REQUEST_BODY_BYTES = 1_048_576;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, size-checked before anything decodes or parses it. */
export const readBody = (event: APIGatewayProxyEventV2): string | undefined => {
  const { body } = event;
  if (body === undefined || body === null) return undefined;
  const size = event.isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
  if (size > MAX_REQUEST_BODY_BYTES) {
    throw new PayloadTooLargeError(`request body is ${size} bytes; the limit is ${MAX_REQUEST_BODY_BYTES}`);
  }
  if (!event.isBase64Encoded) return body;
  try {
    return utf8.decode(Buffer.from(body, 'base64'));
  } catch {
    throw new ValidationError('request body is not valid UTF-8 text');
  }
};

/** What a value is, for "got ..." in messages. */
const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
};

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Jackson reads an explicit null as a field left out, and SDKs send nulls freely. */
const given = (value: unknown): boolean => value !== undefined && value !== null;

/** A rule for one field of a request object: a predicate, and the words that complete "must be ...". */
export interface FieldRule {
  ok: (value: unknown) => boolean;
  wanted: string;
  required?: boolean;
}

/**
 * Checks a request object's fields against their rules, reporting every problem at once with its
 * path, and returns only the ruled fields that were given: anything else the client sent is dropped.
 */
export const checkedFields = <T>(
  body: Record<string, unknown>,
  rules: Record<string, FieldRule>,
  what: string,
): T => {
  const problems: Problem[] = [];
  const picked: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const value = body[name];
    if (given(value) ? !rule.ok(value) : rule.required) {
      problems.push({ path: `$.${name}`, message: `${name} must be ${rule.wanted}` });
    } else if (given(value)) {
      picked[name] = value;
    }
  }
  if (problems.length > 0) throw new ValidationError(`${what} is not valid`, problems);
  return picked as T;
};

/** Parses the body as JSON; `what` names the expected content in the messages. */
export const jsonBody = (request: ApiRequest, what: string): unknown => {
  if (request.body === undefined || request.body.trim() === '') {
    throw new ValidationError(`request body is required: ${what}`);
  }
  try {
    return JSON.parse(request.body);
  } catch (error) {
    throw new ValidationError(`request body is not valid JSON: ${(error as Error).message}`);
  }
};

export const objectBody = (request: ApiRequest, what: string): Record<string, unknown> => {
  const value = jsonBody(request, what);
  if (!isObject(value)) throw new ValidationError(`request body must be ${what}, got ${kindOf(value)}`);
  return value;
};

/** Conductor's list endpoints refuse an empty list ("WorkflowDefList is empty"), and so does Baton. */
export const listBody = (request: ApiRequest, what: string): unknown[] => {
  const value = jsonBody(request, what);
  if (!Array.isArray(value)) throw new ValidationError(`request body must be ${what}, got ${kindOf(value)}`);
  if (value.length === 0) throw new ValidationError(`request body must be ${what}, got an empty list`);
  return value;
};

/** An optional JSON object: no body (or `null`) reads as `{}`. */
export const optionalObjectBody = (request: ApiRequest, what: string): Record<string, unknown> => {
  if (request.body === undefined || request.body.trim() === '') return {};
  const value = jsonBody(request, what);
  if (value === null) return {};
  if (!isObject(value)) throw new ValidationError(`request body must be ${what}, got ${kindOf(value)}`);
  return value;
};

/** A query parameter; an empty value counts as absent, as Spring reads `?version=`. */
export const queryString = (request: ApiRequest, name: string): string | undefined => {
  const value = request.query.get(name);
  return value === null || value === '' ? undefined : value;
};

export const queryInt = (
  request: ApiRequest,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined => {
  const raw = queryString(request, name);
  if (raw === undefined) return undefined;
  const value = /^-?\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value)) {
    throw new ValidationError(`query parameter ${name} must be an integer, got ${JSON.stringify(raw)}`);
  }
  if (range.min !== undefined && value < range.min) {
    throw new ValidationError(`query parameter ${name} must be at least ${range.min}, got ${value}`);
  }
  if (range.max !== undefined && value > range.max) {
    throw new ValidationError(`query parameter ${name} must be at most ${range.max}, got ${value}`);
  }
  return value;
};

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Spring's boolean conversion: true/false, 1/0, yes/no, on/off, any case. */
export const queryBool = (request: ApiRequest, name: string, fallback: boolean): boolean => {
  const raw = queryString(request, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new ValidationError(`query parameter ${name} must be true or false, got ${JSON.stringify(raw)}`);
};
