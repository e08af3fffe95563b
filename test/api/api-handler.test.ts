import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../../lambdas/api/request';
import { conductorErrorOf, eventOf, makeApi, oneTaskDef } from './api-client';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the API handler', () => {
  it('runs a whole workflow: register, start, poll, complete, decide, read it COMPLETED', async () => {
    const api = await makeApi();
    const registered = await api.call('POST', '/api/metadata/taskdefs', {
      body: [{ name: 'charge', retryCount: 0, responseTimeoutSeconds: 60 }],
    });
    expect(registered.status).toBe(200);
    expect(
      (await api.call('POST', '/api/metadata/workflow', { body: oneTaskDef('checkout', 'charge') })).status,
    ).toBe(200);
    const { body: workflowId } = await api.call('POST', '/api/workflow', {
      body: { name: 'checkout', input: { amount: 10 } },
    });
    await api.drain();

    const polled = await api.call('GET', '/api/tasks/poll/batch/charge?workerid=w1&count=1&timeout=0');
    const [task] = polled.json();
    expect(task).toMatchObject({ workflowInstanceId: workflowId, status: 'IN_PROGRESS', workerId: 'w1' });
    const updated = await api.call('POST', '/api/tasks', {
      body: {
        workflowInstanceId: workflowId,
        taskId: task.taskId,
        status: 'COMPLETED',
        outputData: { result: 'paid' },
      },
    });
    expect(updated.body).toBe(task.taskId);
    await api.drain();

    const workflow = (await api.call('GET', `/api/workflow/${workflowId}`)).json();
    expect(workflow).toMatchObject({ status: 'COMPLETED', output: { result: 'paid' } });
    expect(workflow.tasks.map((t: { status: string }) => t.status)).toEqual(['COMPLETED']);
    expect((await api.call('GET', `/api/workflow/${workflowId}/status`)).json()).toEqual({
      workflowId,
      status: 'COMPLETED',
    });
  });

  it('answers 404 in Conductor’s shape for a path it does not serve', async () => {
    const api = await makeApi();
    const response = await api.call('GET', '/api/no/such/thing');
    expect(response).toMatchObject({ status: 404, contentType: 'application/json' });
    expect(response.json()).toEqual(conductorErrorOf(404, 'No endpoint GET /api/no/such/thing'));
  });

  it('answers 404 for a served path asked with another method', async () => {
    const api = await makeApi();
    expect((await api.call('PATCH', '/api/metadata/workflow')).json()).toEqual(
      conductorErrorOf(404, 'No endpoint PATCH /api/metadata/workflow'),
    );
  });

  it('answers POST /api/token with 404, which SDKs read as "no authentication"', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/token', { body: { keyId: 'k', keySecret: 's' } });
    expect(response.json()).toEqual(conductorErrorOf(404, /no authentication/));
  });

  it('matches a path with a trailing slash', async () => {
    const api = await makeApi();
    expect((await api.call('GET', '/api/metadata/taskdefs/')).json()).toEqual([]);
  });

  it('refuses a path segment that is not valid percent-encoding with 400', async () => {
    const api = await makeApi();
    const response = await api.call('GET', '/api/metadata/workflow/%E0%A4%A');
    expect(response.json()).toEqual(
      conductorErrorOf(400, 'the path segment "%E0%A4%A" is not valid percent-encoding'),
    );
  });

  it('refuses malformed JSON with 400 naming the parse problem', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/metadata/workflow', { rawBody: '{"name": "x",' });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual(conductorErrorOf(400, /^request body is not valid JSON: .+/));
  });

  it('refuses a missing body where one is required with 400', async () => {
    const api = await makeApi();
    expect((await api.call('POST', '/api/tasks')).json()).toEqual(
      conductorErrorOf(400, 'request body is required: a TaskResult'),
    );
  });

  it('refuses a body over the limit with 413 before parsing it, saying both sizes', async () => {
    const api = await makeApi();
    const rawBody = `"${'x'.repeat(MAX_REQUEST_BODY_BYTES)}"`;
    const response = await api.call('POST', '/api/metadata/workflow', { rawBody });
    expect(response.status).toBe(413);
    expect(response.json()).toEqual(
      conductorErrorOf(413, `request body is ${MAX_REQUEST_BODY_BYTES + 2} bytes; the limit is 1048576`),
    );
  });

  it('counts the limit in bytes, not characters', async () => {
    const api = await makeApi();
    const rawBody = '€'.repeat(Math.ceil(MAX_REQUEST_BODY_BYTES / 3) + 1);
    expect((await api.call('POST', '/api/tasks', { rawBody })).status).toBe(413);
  });

  it('measures a base64 body by its decoded size', async () => {
    const api = await makeApi();
    const rawBody = `"${'x'.repeat(MAX_REQUEST_BODY_BYTES - 2)}"`;
    const response = await api.call('POST', '/api/metadata/workflow', { rawBody, base64: true });
    expect(response.status).toBe(400);
  });

  it('decodes a base64-encoded body', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/metadata/workflow', {
      body: oneTaskDef('b64', 'work'),
      base64: true,
    });
    expect(response.status).toBe(200);
    expect(await api.metadata.getWorkflowDef('b64')).toBeDefined();
  });

  it('reads queryStringParameters when the event has no rawQueryString', async () => {
    const api = await makeApi();
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'old', 1));
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'new', 2));
    const { rawQueryString: _raw, ...event } = eventOf('GET', '/api/metadata/workflow/flow');
    const response = await api.handler({ ...event, queryStringParameters: { version: '1' } });
    expect(JSON.parse(response.body ?? '')).toMatchObject({ version: 1 });
  });

  it('answers 500 without the stack for an unexpected error, and logs it with the request id', async () => {
    const api = await makeApi();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    api.metadata.listTaskDefs = async () => {
      throw new Error('table is on fire');
    };
    const response = await api.call('GET', '/api/metadata/taskdefs');
    expect(response.status).toBe(500);
    expect(response.json()).toEqual({
      status: 500,
      message: 'internal error (request id req-1)',
      instance: 'baton',
      retryable: false,
      validationErrors: [],
    });
    expect(response.body).not.toContain('table is on fire');
    expect(logged).toHaveBeenCalledOnce();
    const entry = JSON.parse(logged.mock.calls[0]![0] as string);
    expect(entry).toMatchObject({ requestId: 'req-1', method: 'GET', path: '/api/metadata/taskdefs' });
    expect(entry.error).toContain('table is on fire');
  });
});
