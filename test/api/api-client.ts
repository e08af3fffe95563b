import { Buffer } from 'node:buffer';
import { expect } from 'vitest';
import type { WorkflowDef } from '../../lambdas/core/index';
import { createApiHandler } from '../../lambdas/handlers/api';
import type { APIGatewayProxyEventV2 } from '../../lambdas/shared/api-gateway';
import { makeEngine } from '../support/engine';

export interface CallOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, instead of `body`. */
  rawBody?: string;
  base64?: boolean;
}

/** An HTTP API (payload 2.0) event as API Gateway builds it on the $default stage. */
export const eventOf = (
  method: string,
  target: string,
  options: CallOptions = {},
): APIGatewayProxyEventV2 => {
  const [rawPath, rawQueryString = ''] = target.split('?', 2) as [string, string?];
  const text = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { 'content-type': 'application/json', host: 'baton.example.com' },
    requestContext: {
      requestId: 'req-1',
      stage: '$default',
      http: { method, path: rawPath, sourceIp: '203.0.113.9', userAgent: 'test' },
    },
    body: text === undefined || !options.base64 ? text : Buffer.from(text, 'utf8').toString('base64'),
    isBase64Encoded: options.base64 ?? false,
  };
};

/** The API handler over makeEngine()'s in-memory engine; sleeping advances the engine's clock. */
export const makeApi = async () => {
  const engine = await makeEngine();
  const handler = createApiHandler({ ...engine.deps, sleep: async (ms) => engine.clock.advance(ms) });
  const call = async (method: string, target: string, options: CallOptions = {}) => {
    const result = await handler(eventOf(method, target, options));
    const body = result.body ?? '';
    return {
      status: result.statusCode,
      contentType: result.headers?.['content-type'],
      body,
      // biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field in the tests
      json: (): any => JSON.parse(body),
    };
  };
  return { ...engine, handler, call };
};

export type Api = Awaited<ReturnType<typeof makeApi>>;

/** One SIMPLE task of type `taskType`. */
export const oneTaskDef = (name: string, taskType: string, version = 1): WorkflowDef => ({
  name,
  version,
  schemaVersion: 2,
  tasks: [{ name: taskType, taskReferenceName: `${taskType}_ref`, type: 'SIMPLE' }],
  outputParameters: { result: `\${${taskType}_ref.output.result}` },
});

/** Registers `oneTaskDef` and starts it; returns the workflow id after the first decide. */
export const startOneTask = async (api: Api, name = 'one_task', taskType = 'work', input = {}) => {
  if (!(await api.metadata.getWorkflowDef(name)))
    await api.metadata.putWorkflowDef(oneTaskDef(name, taskType));
  const started = await api.call('POST', `/api/workflow/${name}`, { body: input });
  await api.drain();
  return started.body;
};

/** Conductor's ErrorResponse for a client error (4xx), as the API writes it. */
export const conductorErrorOf = (status: number, message: string | RegExp) => ({
  status,
  message: typeof message === 'string' ? message : expect.stringMatching(message),
  instance: 'baton',
  retryable: false,
  validationErrors: [],
});
