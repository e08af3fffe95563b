import { describe, expect, it } from 'vitest';
import { conductorErrorOf, makeApi, oneTaskDef } from './api-client';

describe('workflow definitions over the API', () => {
  it('registers a workflow definition with POST, answering 200 with an empty body', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/metadata/workflow', { body: oneTaskDef('flow', 'work') });
    expect(response).toMatchObject({ status: 200, body: '', contentType: undefined });
    expect(await api.metadata.getWorkflowDef('flow', 1)).toMatchObject({ name: 'flow', version: 1 });
  });

  it('stores a definition without a version as version 1, as Conductor defaults it', async () => {
    const api = await makeApi();
    const { version: _version, ...unversioned } = oneTaskDef('flow', 'work');
    await api.call('POST', '/api/metadata/workflow', { body: unversioned });
    expect((await api.call('GET', '/api/metadata/workflow/flow')).json()).toMatchObject({ version: 1 });
  });

  it('refuses an invalid definition with 400, listing every problem with its path', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/metadata/workflow', {
      body: {
        name: 'broken',
        tasks: [
          { name: 'a', taskReferenceName: 'same' },
          { name: 'b', taskReferenceName: 'same', type: 'NO_SUCH_TYPE' },
        ],
      },
    });
    expect(response.status).toBe(400);
    const error = response.json();
    expect(error).toMatchObject({ status: 400, instance: 'baton', retryable: false });
    expect(error.message).toMatch(/^Validation failed: 2 problems in the workflow definition/);
    expect(error.validationErrors).toEqual([
      { path: '$.tasks[1].taskReferenceName', message: expect.stringContaining('"same" is used') },
      { path: '$.tasks[1].type', message: expect.stringContaining('NO_SUCH_TYPE') },
    ]);
    expect(await api.metadata.listWorkflowDefs()).toEqual([]);
  });

  it('answers 409 when that name and version already exist, and overwrites with ?overwrite=true', async () => {
    const api = await makeApi();
    await api.call('POST', '/api/metadata/workflow', { body: oneTaskDef('flow', 'work') });
    const again = await api.call('POST', '/api/metadata/workflow', { body: oneTaskDef('flow', 'other') });
    expect(again.status).toBe(409);
    expect(again.json()).toEqual(conductorErrorOf(409, 'Workflow with flow.1 already exists!'));
    const overwrite = await api.call('POST', '/api/metadata/workflow?overwrite=true', {
      body: oneTaskDef('flow', 'other'),
    });
    expect(overwrite.status).toBe(200);
    expect((await api.metadata.getWorkflowDef('flow', 1))?.tasks[0]?.name).toBe('other');
  });

  it('creates and updates a list of definitions with PUT, answering Conductor’s BulkResponse', async () => {
    const api = await makeApi();
    await api.call('POST', '/api/metadata/workflow', { body: oneTaskDef('a', 'work') });
    const response = await api.call('PUT', '/api/metadata/workflow', {
      body: [oneTaskDef('a', 'changed'), oneTaskDef('b', 'work', 2)],
    });
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('application/json');
    expect(response.json()).toEqual({ bulkErrorResults: {}, bulkSuccessfulResults: ['a', 'b'] });
    expect((await api.metadata.getWorkflowDef('a', 1))?.tasks[0]?.name).toBe('changed');
    expect(await api.metadata.getWorkflowDef('b', 2)).toBeDefined();
  });

  it('stores none of a PUT list when one entry is invalid, with paths into the list', async () => {
    const api = await makeApi();
    const response = await api.call('PUT', '/api/metadata/workflow', {
      body: [oneTaskDef('good', 'work'), { name: 'bad', tasks: 'not a list' }],
    });
    expect(response.status).toBe(400);
    expect(response.json().validationErrors).toEqual([{ path: '$[1].tasks', message: expect.any(String) }]);
    expect(await api.metadata.listWorkflowDefs()).toEqual([]);
  });

  it('refuses a PUT body that is not a list, or an empty list, with 400', async () => {
    const api = await makeApi();
    const single = await api.call('PUT', '/api/metadata/workflow', { body: oneTaskDef('a', 'work') });
    expect(single.json()).toEqual(
      conductorErrorOf(400, 'request body must be a list of WorkflowDefs, got an object'),
    );
    const none = await api.call('PUT', '/api/metadata/workflow', { body: [] });
    expect(none.json()).toEqual(
      conductorErrorOf(400, 'request body must be a list of WorkflowDefs, got an empty list'),
    );
  });

  it('gets the latest version by name, or the version asked for', async () => {
    const api = await makeApi();
    await api.call('PUT', '/api/metadata/workflow', {
      body: [oneTaskDef('flow', 'v1', 1), oneTaskDef('flow', 'v2', 2)],
    });
    const latest = await api.call('GET', '/api/metadata/workflow/flow');
    expect(latest.contentType).toBe('application/json');
    expect(latest.json()).toMatchObject({ name: 'flow', version: 2 });
    expect((await api.call('GET', '/api/metadata/workflow/flow?version=1')).json()).toMatchObject({
      version: 1,
    });
  });

  it('answers 404 in Conductor’s shape for an unknown name or version', async () => {
    const api = await makeApi();
    await api.call('POST', '/api/metadata/workflow', { body: oneTaskDef('flow', 'work') });
    const unknown = await api.call('GET', '/api/metadata/workflow/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toEqual(
      conductorErrorOf(404, 'No such workflow found by name: nope, version: latest'),
    );
    expect((await api.call('GET', '/api/metadata/workflow/flow?version=7')).json()).toEqual(
      conductorErrorOf(404, 'No such workflow found by name: flow, version: 7'),
    );
  });

  it('refuses a version that is not an integer with 400', async () => {
    const api = await makeApi();
    const response = await api.call('GET', '/api/metadata/workflow/flow?version=latest');
    expect(response.json()).toEqual(
      conductorErrorOf(400, 'query parameter version must be an integer, got "latest"'),
    );
  });

  it('decodes percent-encoded names in the path', async () => {
    const api = await makeApi();
    await api.call('POST', '/api/metadata/workflow', { body: oneTaskDef('my flow/v', 'work') });
    const response = await api.call('GET', '/api/metadata/workflow/my%20flow%2Fv');
    expect(response.json()).toMatchObject({ name: 'my flow/v' });
  });

  it('lists every version of every definition', async () => {
    const api = await makeApi();
    await api.call('PUT', '/api/metadata/workflow', {
      body: [oneTaskDef('a', 'work', 1), oneTaskDef('a', 'work', 2), oneTaskDef('b', 'work')],
    });
    const all = (await api.call('GET', '/api/metadata/workflow')).json() as {
      name: string;
      version: number;
    }[];
    expect(all.map(({ name, version }) => `${name}.${version}`).sort()).toEqual(['a.1', 'a.2', 'b.1']);
  });
});

describe('task definitions over the API', () => {
  const taskDef = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    retryCount: 2,
    responseTimeoutSeconds: 30,
    ...extra,
  });

  it('registers a list with POST and reads them back one by one and all together', async () => {
    const api = await makeApi();
    const created = await api.call('POST', '/api/metadata/taskdefs', { body: [taskDef('a'), taskDef('b')] });
    expect(created).toMatchObject({ status: 200, body: '' });
    expect((await api.call('GET', '/api/metadata/taskdefs/a')).json()).toEqual(taskDef('a'));
    const all = (await api.call('GET', '/api/metadata/taskdefs')).json() as { name: string }[];
    expect(all.map((def) => def.name).sort()).toEqual(['a', 'b']);
  });

  it('refuses the whole list when one definition is invalid, naming each problem’s entry', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/metadata/taskdefs', {
      body: [taskDef('a'), taskDef('b', { retryCount: -1, timeoutPolicy: 'SOMETIMES' })],
    });
    expect(response.status).toBe(400);
    expect(response.json().validationErrors).toEqual([
      { path: '$[1].retryCount', message: expect.any(String) },
      { path: '$[1].timeoutPolicy', message: expect.any(String) },
    ]);
    expect(await api.metadata.listTaskDefs()).toEqual([]);
  });

  it('updates one definition with PUT, and answers 404 for one that was never registered', async () => {
    const api = await makeApi();
    await api.call('POST', '/api/metadata/taskdefs', { body: [taskDef('a')] });
    const updated = await api.call('PUT', '/api/metadata/taskdefs', {
      body: taskDef('a', { retryCount: 5 }),
    });
    expect(updated.status).toBe(200);
    expect((await api.metadata.getTaskDef('a'))?.retryCount).toBe(5);
    const unknown = await api.call('PUT', '/api/metadata/taskdefs', { body: taskDef('nope') });
    expect(unknown.json()).toEqual(conductorErrorOf(404, 'No such task by name nope'));
  });

  it('refuses an invalid definition on PUT with 400 and its problems', async () => {
    const api = await makeApi();
    const response = await api.call('PUT', '/api/metadata/taskdefs', { body: { retryCount: 1 } });
    expect(response.status).toBe(400);
    expect(response.json().validationErrors).toEqual([{ path: '$.name', message: expect.any(String) }]);
  });

  it('answers 404 for an unknown task definition name', async () => {
    const api = await makeApi();
    expect((await api.call('GET', '/api/metadata/taskdefs/nope')).json()).toEqual(
      conductorErrorOf(404, 'No such taskType found by name: nope'),
    );
  });

  it('deletes a definition, and answers 404 when there is none to delete', async () => {
    const api = await makeApi();
    await api.call('POST', '/api/metadata/taskdefs', { body: [taskDef('a')] });
    expect((await api.call('DELETE', '/api/metadata/taskdefs/a')).status).toBe(200);
    expect(await api.metadata.getTaskDef('a')).toBeUndefined();
    expect((await api.call('DELETE', '/api/metadata/taskdefs/a')).json()).toEqual(
      conductorErrorOf(404, 'No such task definition: a'),
    );
  });
});
