import { describe, expect, it } from 'vitest';
import { MAX_DEFINITIONS_PER_REQUEST } from '../../lambdas/api/metadata-routes';
import type { WorkflowDef } from '../../lambdas/core/index';
import { type Api, conductorErrorOf, makeApi, oneTaskDef } from './api-client';

/** SIMPLE tasks of the given types, one after the other. */
const sequenceDef = (name: string, version: number, taskTypes: string[]): WorkflowDef => ({
  name,
  version,
  schemaVersion: 2,
  tasks: taskTypes.map((type) => ({ name: type, taskReferenceName: `${type}_ref`, type: 'SIMPLE' })),
});

const register = async (api: Api, ...defs: WorkflowDef[]) => {
  const response = await api.call('PUT', '/api/metadata/workflow', { body: defs });
  expect(response.status).toBe(200);
};

/** Polls one task of the type and completes it through the API, then runs the decides. */
const completeNext = async (api: Api, taskType: string) => {
  const polled = await api.call('GET', `/api/tasks/poll/${taskType}?workerid=w`);
  expect(polled.status).toBe(200);
  const task = polled.json();
  await api.call('POST', '/api/tasks', {
    body: { workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: 'COMPLETED' },
  });
  await api.drain();
  return task;
};

const workflowOf = async (api: Api, workflowId: string) =>
  (await api.call('GET', `/api/workflow/${workflowId}`)).json();

describe('workflow definition versions over the API', () => {
  it('lists the versions of one name, lowest first, without their bodies', async () => {
    const api = await makeApi();
    await register(
      api,
      oneTaskDef('flow', 'work', 10),
      oneTaskDef('flow', 'work', 2),
      oneTaskDef('other', 'w'),
    );
    await api.metadata.putWorkflowDef({ ...oneTaskDef('flow', 'work', 3), createTime: 1_700_000_000_000 });
    const response = await api.call('GET', '/api/metadata/workflow/flow/versions');
    expect(response).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(response.json()).toEqual([
      { name: 'flow', version: 2 },
      { name: 'flow', version: 3, createTime: 1_700_000_000_000 },
      { name: 'flow', version: 10 },
    ]);
  });

  it('answers an empty list of versions for an unknown name, as Conductor does', async () => {
    const api = await makeApi();
    expect((await api.call('GET', '/api/metadata/workflow/nope/versions')).json()).toEqual([]);
  });

  it('maps every name to its versions with names-and-versions', async () => {
    const api = await makeApi();
    await register(api, oneTaskDef('a', 'work', 2), oneTaskDef('a', 'work', 1), oneTaskDef('b', 'work', 5));
    const response = await api.call('GET', '/api/metadata/workflow/names-and-versions');
    expect(response.json()).toEqual({
      a: [
        { name: 'a', version: 1 },
        { name: 'a', version: 2 },
      ],
      b: [{ name: 'b', version: 5 }],
    });
  });

  it('lists only the highest version of each name with latest-versions', async () => {
    const api = await makeApi();
    await register(api, oneTaskDef('a', 'old', 1), oneTaskDef('a', 'new', 2), oneTaskDef('b', 'work', 1));
    const latest = (await api.call('GET', '/api/metadata/workflow/latest-versions')).json() as WorkflowDef[];
    expect(latest.map(({ name, version }) => `${name}.${version}`).sort()).toEqual(['a.2', 'b.1']);
    expect(latest.find((def) => def.name === 'a')?.tasks[0]?.name).toBe('new');
  });

  it('deletes one version; the latest is then the highest one left', async () => {
    const api = await makeApi();
    await register(api, oneTaskDef('flow', 'work', 1), oneTaskDef('flow', 'work', 2));
    const deleted = await api.call('DELETE', '/api/metadata/workflow/flow/2');
    expect(deleted).toMatchObject({ status: 200, body: '' });
    expect((await api.call('GET', '/api/metadata/workflow/flow')).json()).toMatchObject({ version: 1 });
    expect((await api.call('GET', '/api/metadata/workflow/flow?version=2')).status).toBe(404);
  });

  it('answers 404 in Conductor’s shape when deleting a version that does not exist', async () => {
    const api = await makeApi();
    await register(api, oneTaskDef('flow', 'work', 1));
    const missing = await api.call('DELETE', '/api/metadata/workflow/flow/3');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual(conductorErrorOf(404, 'No such workflow definition: flow version: 3'));
    expect((await api.call('DELETE', '/api/metadata/workflow/nope/1')).status).toBe(404);
  });

  it('refuses a version in the delete path that is not a positive integer with 400', async () => {
    const api = await makeApi();
    for (const version of ['latest', '0', '-1', '1.5']) {
      const response = await api.call('DELETE', `/api/metadata/workflow/flow/${version}`);
      expect(response.json()).toEqual(
        conductorErrorOf(
          400,
          `path segment version must be a positive integer, got ${JSON.stringify(version)}`,
        ),
      );
    }
  });
});

describe('creating and validating workflow definitions', () => {
  it('lets exactly one of two concurrent creates of a name and version win; the other gets 409', async () => {
    const api = await makeApi();
    const [first, second] = await Promise.all([
      api.call('POST', '/api/metadata/workflow', { body: oneTaskDef('flow', 'first') }),
      api.call('POST', '/api/metadata/workflow', { body: oneTaskDef('flow', 'second') }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const winner = first.status === 200 ? 'first' : 'second';
    expect((await api.metadata.getWorkflowDef('flow', 1))?.tasks[0]?.name).toBe(winner);
  });

  it('validates a definition without storing it, answering an empty 200', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/metadata/workflow/validate', {
      body: oneTaskDef('flow', 'work'),
    });
    expect(response).toMatchObject({ status: 200, body: '' });
    expect(await api.metadata.listWorkflowDefs()).toEqual([]);
  });

  it('answers an invalid definition on validate with 400 and every problem’s path', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/metadata/workflow/validate', {
      body: { name: 'broken', tasks: [{ name: 'a', taskReferenceName: 'a', type: 'NO_SUCH_TYPE' }] },
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^Validation failed: 1 problem in the workflow definition/),
      validationErrors: [{ path: '$.tasks[0].type', message: expect.stringContaining('NO_SUCH_TYPE') }],
    });
  });

  it('refuses a validate request with no body or a list for a body with 400', async () => {
    const api = await makeApi();
    expect((await api.call('POST', '/api/metadata/workflow/validate')).json()).toEqual(
      conductorErrorOf(400, 'request body is required: a WorkflowDef'),
    );
    const list = await api.call('POST', '/api/metadata/workflow/validate', { body: [] });
    expect(list.status).toBe(400);
    expect(list.json().validationErrors.length).toBeGreaterThan(0);
  });
});

describe('bulk requests for definitions', () => {
  it('refuses a PUT list that names one name and version twice, storing none of it', async () => {
    const api = await makeApi();
    const response = await api.call('PUT', '/api/metadata/workflow', {
      body: [oneTaskDef('a', 'work'), oneTaskDef('b', 'work'), oneTaskDef('a', 'other')],
    });
    expect(response.status).toBe(400);
    expect(response.json().validationErrors).toEqual([
      { path: '$[2]', message: 'a.1 is already given at $[0]' },
    ]);
    expect(await api.metadata.listWorkflowDefs()).toEqual([]);
  });

  it(`refuses more than ${MAX_DEFINITIONS_PER_REQUEST} definitions in one request, naming the limit`, async () => {
    const api = await makeApi();
    const tooMany = Array.from({ length: MAX_DEFINITIONS_PER_REQUEST + 1 }, (_, i) =>
      oneTaskDef(`w${i}`, 'work'),
    );
    const workflows = await api.call('PUT', '/api/metadata/workflow', { body: tooMany });
    expect(workflows.json()).toEqual(
      conductorErrorOf(
        400,
        `request body holds 101 definitions; the limit is ${MAX_DEFINITIONS_PER_REQUEST} a request`,
      ),
    );
    const taskDefs = Array.from({ length: MAX_DEFINITIONS_PER_REQUEST + 1 }, (_, i) => ({ name: `t${i}` }));
    expect((await api.call('POST', '/api/metadata/taskdefs', { body: taskDefs })).status).toBe(400);
    expect(await api.metadata.listWorkflowDefs()).toEqual([]);
    expect(await api.metadata.listTaskDefs()).toEqual([]);
  });

  it('refuses a task definition list that names one task twice', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/metadata/taskdefs', {
      body: [{ name: 'a' }, { name: 'a', retryCount: 1 }],
    });
    expect(response.json().validationErrors).toEqual([
      { path: '$[1]', message: 'a is already given at $[0]' },
    ]);
    expect(await api.metadata.listTaskDefs()).toEqual([]);
  });

  it('refuses a PUT of one task definition whose body is a list with 400', async () => {
    const api = await makeApi();
    const response = await api.call('PUT', '/api/metadata/taskdefs', { body: [{ name: 'a' }] });
    expect(response.status).toBe(400);
    expect(response.json().status).toBe(400);
  });
});

describe('running executions and new definition versions', () => {
  it('keeps a running execution on the version it started with when a new one is registered', async () => {
    const api = await makeApi();
    await register(api, sequenceDef('flow', 1, ['first', 'v1_second']));
    const workflowId = (await api.call('POST', '/api/workflow/flow', { body: {} })).body;
    await api.drain();
    await register(api, sequenceDef('flow', 2, ['first', 'v2_second', 'v2_third']));

    await completeNext(api, 'first');
    const second = await completeNext(api, 'v1_second');
    expect(second.workflowInstanceId).toBe(workflowId);

    const workflow = await workflowOf(api, workflowId);
    expect(workflow).toMatchObject({ status: 'COMPLETED', workflowVersion: 1 });
    expect(workflow.tasks.map((task: { taskType: string }) => task.taskType)).toEqual(['first', 'v1_second']);
    // A start after the registration takes the new version.
    const next = (await api.call('POST', '/api/workflow/flow', { body: {} })).body;
    await api.drain();
    expect(await workflowOf(api, next)).toMatchObject({ workflowVersion: 2 });
  });

  it('keeps a running execution on its copy when its very version is overwritten or deleted', async () => {
    const api = await makeApi();
    await register(api, sequenceDef('flow', 1, ['first', 'old_second']));
    const workflowId = (await api.call('POST', '/api/workflow/flow', { body: {} })).body;
    await api.drain();
    const overwritten = await api.call('POST', '/api/metadata/workflow?overwrite=true', {
      body: sequenceDef('flow', 1, ['first', 'new_second']),
    });
    expect(overwritten.status).toBe(200);

    await completeNext(api, 'first');
    expect((await api.call('DELETE', '/api/metadata/workflow/flow/1')).status).toBe(200);
    await completeNext(api, 'old_second');
    const workflow = await workflowOf(api, workflowId);
    expect(workflow.status).toBe('COMPLETED');
    expect(workflow.tasks.map((task: { taskType: string }) => task.taskType)).toEqual([
      'first',
      'old_second',
    ]);
  });
});
