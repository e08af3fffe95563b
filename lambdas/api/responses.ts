import type { APIGatewayProxyResultV2 } from '../shared/api-gateway';

/**
 * The three kinds of answer Conductor gives: JSON objects, bare ids as text/plain (what the SDKs
 * parse for start and update), and empty bodies (Spring's `void` handlers, and 204 for "no task").
 */

export const json = (value: unknown, statusCode = 200): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

export const text = (value: string, statusCode = 200): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: value,
});

/**
 * No content-type on purpose: the JS SDK picks its parser from it, and with none it does not try to
 * read JSON out of an empty body.
 */
export const empty = (statusCode = 200): APIGatewayProxyResultV2 => ({ statusCode, body: '' });

export const noContent = (): APIGatewayProxyResultV2 => empty(204);
