import { describe, expect, it } from 'vitest';
import { LEASE_MS } from '../../lambdas/engine/decide-workflow';
import { conductorErrorOf, makeApi, oneTaskDef, startOneTask } from './api-client';

describe('starting workflows over the API', () => {
  it('starts a workflow by name with the body as input, answering the id as text/plain', async () => {
    const api = await makeApi();
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'work'));
    const response = await api.call('POST', '/api/workflow/flow?correlationId=order-7&priority=5', {
      body: { orderId: 7 },
    });
    expect(response).toMatchObject({ status: 200, body: 'wf-1', contentType: 'text/plain; charset=utf-8' });
    const stored = await api.store.load('wf-1');
    expect(stored?.workflow).toMatchObject({ input: { orderId: 7 }, correlationId: 'order-7', priority: 5 });
    expect(api.decideQueue.requests).toEqual([{ workflowId: 'wf-1', delaySeconds: 0 }]);
  });

  it('starts the version asked for in the query', async () => {
    const api = await makeApi();
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'old', 1));
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'new', 2));
    const { body: workflowId } = await api.call('POST', '/api/workflow/flow?version=1', { body: {} });
    expect((await api.store.load(workflowId))?.workflow.workflowVersion).toBe(1);
  });

  it('reads a start without a body as a start without input', async () => {
    const api = await makeApi();
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'work'));
    const response = await api.call('POST', '/api/workflow/flow');
    expect(response.status).toBe(200);
    expect((await api.store.load(response.body))?.workflow.input).toEqual({});
  });

  it('answers 404 for a workflow name that is not registered', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/workflow/nope', { body: {} });
    expect(response.json()).toEqual(
      conductorErrorOf(404, 'No such workflow found by name: nope, version: latest'),
    );
  });

  it('refuses input that is not a JSON object, and a priority outside 0 to 99, with 400', async () => {
    const api = await makeApi();
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'work'));
    const list = await api.call('POST', '/api/workflow/flow', { body: [1, 2] });
    expect(list.json()).toEqual(
      conductorErrorOf(400, 'request body must be a JSON object: the workflow input, got a list'),
    );
    const priority = await api.call('POST', '/api/workflow/flow?priority=100', { body: {} });
    expect(priority.json()).toEqual(
      conductorErrorOf(400, 'query parameter priority must be at most 99, got 100'),
    );
  });

  it('starts from a StartWorkflowRequest, answering the id as text', async () => {
    const api = await makeApi();
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'work'));
    const response = await api.call('POST', '/api/workflow', {
      body: { name: 'flow', version: 1, correlationId: 'c-1', input: { a: 1 }, priority: 3 },
    });
    expect(response).toMatchObject({ status: 200, body: 'wf-1' });
    expect((await api.store.load('wf-1'))?.workflow).toMatchObject({
      workflowName: 'flow',
      input: { a: 1 },
      correlationId: 'c-1',
      priority: 3,
    });
  });

  it('starts an inline workflowDef without registering it', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/workflow', {
      body: { name: 'inline', workflowDef: oneTaskDef('inline', 'work') },
    });
    expect(response.status).toBe(200);
    expect(await api.metadata.getWorkflowDef('inline')).toBeUndefined();
  });

  it('refuses an invalid inline workflowDef with 400 and its problems', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/workflow', {
      body: { name: 'inline', workflowDef: { name: 'inline', tasks: [{ name: 'a' }] } },
    });
    expect(response.status).toBe(400);
    expect(response.json().validationErrors).toEqual([
      { path: '$.tasks[0].taskReferenceName', message: expect.any(String) },
    ]);
  });

  it('refuses a StartWorkflowRequest with wrong field types, listing each', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/workflow', {
      body: { version: 'one', input: 'x', priority: -1, idempotencyStrategy: 'SOMETIMES' },
    });
    expect(response.status).toBe(400);
    expect(response.json().validationErrors.map((error: { path: string }) => error.path)).toEqual([
      '$.name',
      '$.version',
      '$.input',
      '$.priority',
      '$.idempotencyStrategy',
    ]);
  });

  it('does not let a client claim a parent workflow', async () => {
    const api = await makeApi();
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'work'));
    const { body: workflowId } = await api.call('POST', '/api/workflow', {
      body: { name: 'flow', parentWorkflowId: 'victim', parentWorkflowTaskId: 'victim:t:0:0' },
    });
    const stored = await api.store.load(workflowId);
    expect(stored?.workflow.parentWorkflowId).toBeUndefined();
  });
});

describe('reading workflows over the API', () => {
  it('gets the workflow with its tasks by default', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api, 'flow', 'work', { x: 1 });
    const response = await api.call('GET', `/api/workflow/${workflowId}`);
    expect(response.contentType).toBe('application/json');
    const workflow = response.json();
    expect(workflow).toMatchObject({ workflowId, workflowName: 'flow', status: 'RUNNING', input: { x: 1 } });
    expect(workflow.tasks).toEqual([
      expect.objectContaining({ referenceTaskName: 'work_ref', status: 'SCHEDULED', taskType: 'work' }),
    ]);
  });

  it('leaves the task list empty with includeTasks=false', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const workflow = (await api.call('GET', `/api/workflow/${workflowId}?includeTasks=false`)).json();
    expect(workflow).toMatchObject({ workflowId, status: 'RUNNING', tasks: [] });
  });

  it('answers 404 in Conductor’s shape for an unknown workflow id', async () => {
    const api = await makeApi();
    for (const path of ['/api/workflow/nope', '/api/workflow/nope/status']) {
      const response = await api.call('GET', path);
      expect(response.status).toBe(404);
      expect(response.json()).toEqual(conductorErrorOf(404, 'No such workflow found by id: nope'));
    }
  });

  it('gives the status summary, with output and variables only when asked for', async () => {
    const api = await makeApi();
    await api.metadata.putWorkflowDef(oneTaskDef('flow', 'work'));
    const { body: workflowId } = await api.call('POST', '/api/workflow/flow?correlationId=c-9', { body: {} });
    expect((await api.call('GET', `/api/workflow/${workflowId}/status`)).json()).toEqual({
      workflowId,
      correlationId: 'c-9',
      status: 'RUNNING',
    });
    const full = await api.call(
      'GET',
      `/api/workflow/${workflowId}/status?includeOutput=true&includeVariables=true`,
    );
    expect(full.json()).toEqual({
      workflowId,
      correlationId: 'c-9',
      output: {},
      variables: {},
      status: 'RUNNING',
    });
  });

  it('refuses a boolean query parameter it cannot read with 400', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const response = await api.call('GET', `/api/workflow/${workflowId}?includeTasks=maybe`);
    expect(response.json()).toEqual(
      conductorErrorOf(400, 'query parameter includeTasks must be true or false, got "maybe"'),
    );
  });
});

describe('terminating workflows over the API', () => {
  it('terminates a running workflow with the reason given, canceling its tasks', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const response = await api.call('DELETE', `/api/workflow/${workflowId}?reason=no%20longer%20needed`);
    expect(response).toMatchObject({ status: 200, body: '' });
    const workflow = (await api.call('GET', `/api/workflow/${workflowId}`)).json();
    expect(workflow).toMatchObject({ status: 'TERMINATED', reasonForIncompletion: 'no longer needed' });
    expect(workflow.tasks[0].status).toBe('CANCELED');
  });

  it('answers 200 again for a workflow already TERMINATED, as Conductor does', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    await api.call('DELETE', `/api/workflow/${workflowId}`);
    expect((await api.call('DELETE', `/api/workflow/${workflowId}`)).status).toBe(200);
  });

  it('answers 409 for a workflow that already COMPLETED', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const [task] = await api.poll('work');
    await api.complete(task!.taskId, workflowId);
    await api.drain();
    const response = await api.call('DELETE', `/api/workflow/${workflowId}`);
    expect(response.json()).toEqual(conductorErrorOf(409, 'Cannot terminate a COMPLETED workflow.'));
  });

  it('answers 404 for an unknown workflow id', async () => {
    const api = await makeApi();
    expect((await api.call('DELETE', '/api/workflow/nope')).json()).toEqual(
      conductorErrorOf(404, 'No such workflow found by id: nope'),
    );
  });

  it('retries a terminate that another decide holds up, and succeeds once it lets go', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const commit = api.store.commit.bind(api.store);
    let conflicts = 2;
    api.store.commit = async (request) => {
      if (conflicts-- > 0) return { kind: 'conflict', reason: 'another decide committed' };
      return commit(request);
    };
    await api.store.acquireLease(workflowId, 'decider-2', api.clock.now(), 10);
    const response = await api.call('DELETE', `/api/workflow/${workflowId}`);
    expect(response.status).toBe(200);
    expect((await api.store.load(workflowId))?.workflow.status).toBe('TERMINATED');
  });

  it('answers 503, retryable, when the workflow stays busy through every retry', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    api.store.commit = async () => ({ kind: 'conflict', reason: 'another decide committed' });
    await api.store.acquireLease(workflowId, 'decider-2', api.clock.now(), LEASE_MS);
    const response = await api.call('DELETE', `/api/workflow/${workflowId}`);
    expect(response.status).toBe(503);
    expect(response.json()).toMatchObject({
      status: 503,
      retryable: true,
      message: expect.stringMatching(
        /was not terminated: it is busy \(another decide holds the lease\); try again/,
      ),
    });
    expect((await api.store.load(workflowId))?.workflow.status).toBe('RUNNING');
  });
});
