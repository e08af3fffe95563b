import { describe, expect, it, vi } from 'vitest';
import type { WorkflowDef } from '../../lambdas/core/index';
import { loadFixture } from '../support/scenario';
import { type Api, conductorErrorOf, makeApi, startOneTask } from './api-client';

const workflowOf = async (api: Api, workflowId: string) =>
  (await api.call('GET', `/api/workflow/${workflowId}`)).json();

const start = async (api: Api, def: WorkflowDef) => {
  await api.metadata.putWorkflowDef(def);
  const workflowId = (await api.call('POST', `/api/workflow/${def.name}`, { body: {} })).body;
  await api.drain();
  return workflowId;
};

describe('POST /api/tasks/{workflowId}/{taskRefName}/{status}', () => {
  it('completes the pending task of that reference with the body as output, answering its id', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const response = await api.call('POST', `/api/tasks/${workflowId}/work_ref/COMPLETED?workerid=op-1`, {
      body: { result: 7 },
    });
    expect(response).toMatchObject({ status: 200, contentType: 'text/plain; charset=utf-8' });
    expect(response.body).toBe(`${workflowId}:work_ref:0:0`);
    await api.drain();
    const workflow = await workflowOf(api, workflowId);
    expect(workflow).toMatchObject({ status: 'COMPLETED', output: { result: 7 } });
    expect(workflow.tasks[0]).toMatchObject({ status: 'COMPLETED', workerId: 'op-1' });
  });

  it('takes no body as an empty output, and IN_PROGRESS as progress that leaves the task pending', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    await api.call('GET', '/api/tasks/poll/work?workerid=w');
    const response = await api.call('POST', `/api/tasks/${workflowId}/work_ref/IN_PROGRESS`);
    expect(response.status).toBe(200);
    await api.drain();
    expect((await workflowOf(api, workflowId)).tasks[0].status).toBe('IN_PROGRESS');
  });

  it('updates the latest attempt: after a failure it reaches the retry', async () => {
    const api = await makeApi();
    await api.metadata.putTaskDef({ name: 'work', retryCount: 1, retryDelaySeconds: 0 });
    const workflowId = await startOneTask(api);
    await api.call('POST', `/api/tasks/${workflowId}/work_ref/FAILED`, { body: {} });
    await api.drain();
    const retried = await api.call('POST', `/api/tasks/${workflowId}/work_ref/COMPLETED`, { body: {} });
    expect(retried.body).toBe(`${workflowId}:work_ref:0:1`);
    await api.drain();
    expect((await workflowOf(api, workflowId)).status).toBe('COMPLETED');
  });

  it('finds a task inside a DO_WHILE by the reference it has in the definition', async () => {
    const api = await makeApi();
    const workflowId = await start(api, loadFixture('do-while'));
    const response = await api.call('POST', `/api/tasks/${workflowId}/step/COMPLETED`, { body: {} });
    expect(response.status).toBe(200);
    expect(response.body).toMatch(/:step__1:1:0$/);
  });

  it('answers 404 in Conductor’s shape for an unknown workflow', async () => {
    const api = await makeApi();
    const response = await api.call('POST', '/api/tasks/nope/work_ref/COMPLETED', { body: {} });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual(conductorErrorOf(404, 'No such workflow found by id: nope'));
  });

  it('answers 404 when no task of that reference is pending, ended or never scheduled', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const unknown = await api.call('POST', `/api/tasks/${workflowId}/other_ref/COMPLETED`, { body: {} });
    expect(unknown.json()).toEqual(
      conductorErrorOf(404, `Found no running task other_ref of workflow ${workflowId} to update`),
    );
    await api.call('POST', `/api/tasks/${workflowId}/work_ref/COMPLETED`, { body: {} });
    await api.drain();
    const ended = await api.call('POST', `/api/tasks/${workflowId}/work_ref/COMPLETED`, { body: {} });
    expect(ended.status).toBe(404);
  });

  it('answers 409 when the task ends between finding it and updating it', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const beforeTheWorker = await api.store.load(workflowId);
    await api.call('POST', `/api/tasks/${workflowId}/work_ref/COMPLETED`, { body: { by: 'worker' } });
    vi.spyOn(api.store, 'load').mockResolvedValueOnce(beforeTheWorker);
    const late = await api.call('POST', `/api/tasks/${workflowId}/work_ref/FAILED`, { body: {} });
    expect(late.status).toBe(409);
    expect(late.json()).toEqual(
      conductorErrorOf(409, `task ${workflowId}:work_ref:0:0 is already COMPLETED`),
    );
    await api.drain();
    expect((await workflowOf(api, workflowId)).tasks[0]).toMatchObject({
      status: 'COMPLETED',
      outputData: { by: 'worker' },
    });
  });

  it('refuses a status a worker cannot report with 400 naming it', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    for (const status of ['DONE', 'completed', 'SCHEDULED', 'CANCELED']) {
      const response = await api.call('POST', `/api/tasks/${workflowId}/work_ref/${status}`, { body: {} });
      expect(response.json()).toEqual(
        conductorErrorOf(
          400,
          'path segment status must be one of IN_PROGRESS, COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR, ' +
            `got ${JSON.stringify(status)}`,
        ),
      );
    }
    expect((await workflowOf(api, workflowId)).tasks[0].status).toBe('SCHEDULED');
  });

  it('refuses an output that is not a JSON object with 400', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const response = await api.call('POST', `/api/tasks/${workflowId}/work_ref/COMPLETED`, { body: [1] });
    expect(response.json()).toEqual(
      conductorErrorOf(400, 'request body must be a JSON object: the task output, got a list'),
    );
  });
});
