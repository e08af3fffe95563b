import { describe, expect, it } from 'vitest';
import { type Api, conductorErrorOf, makeApi, startOneTask } from './api-client';

const resultFor = (
  task: { taskId: string; workflowInstanceId: string },
  extra: Record<string, unknown> = {},
) => ({
  workflowInstanceId: task.workflowInstanceId,
  taskId: task.taskId,
  status: 'COMPLETED',
  workerId: 'worker-a',
  outputData: { result: 42 },
  ...extra,
});

const pollOne = async (api: Api, taskType = 'work') => {
  const response = await api.call('GET', `/api/tasks/poll/${taskType}?workerid=worker-a`);
  expect(response.status).toBe(200);
  return response.json();
};

describe('polling over the API', () => {
  it('hands out one task as JSON, IN_PROGRESS and marked with the worker', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const response = await api.call('GET', '/api/tasks/poll/work?workerid=worker-a&domain=ignored');
    expect(response.contentType).toBe('application/json');
    expect(response.json()).toMatchObject({
      workflowInstanceId: workflowId,
      taskType: 'work',
      status: 'IN_PROGRESS',
      workerId: 'worker-a',
      pollCount: 1,
    });
  });

  it('answers 204 with no body when no task is due', async () => {
    const api = await makeApi();
    await startOneTask(api);
    await pollOne(api);
    expect(await api.call('GET', '/api/tasks/poll/work')).toMatchObject({ status: 204, body: '' });
  });

  it('hands out up to count tasks in a batch poll', async () => {
    const api = await makeApi();
    for (let i = 0; i < 3; i++) await startOneTask(api);
    const response = await api.call('GET', '/api/tasks/poll/batch/work?workerid=w&count=2&timeout=0');
    expect(response.status).toBe(200);
    expect(response.json()).toHaveLength(2);
  });

  it('answers an empty list, not 204, when a batch poll finds nothing', async () => {
    const api = await makeApi();
    const response = await api.call('GET', '/api/tasks/poll/batch/work?count=5&timeout=0');
    expect(response).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(response.json()).toEqual([]);
  });

  it('caps a long poll at 20 seconds, so API Gateway never cuts it off', async () => {
    const api = await makeApi();
    const started = api.clock.now();
    const response = await api.call('GET', '/api/tasks/poll/batch/work?count=1&timeout=60000');
    expect(response.json()).toEqual([]);
    expect(api.clock.now() - started).toBe(20_000);
  });

  it('caps the batch size at 100', async () => {
    const api = await makeApi();
    const claims: number[] = [];
    const claim = api.store.claimTasks.bind(api.store);
    api.store.claimTasks = async (taskType, count, workerId, now) => {
      claims.push(count);
      return claim(taskType, count, workerId, now);
    };
    await api.call('GET', '/api/tasks/poll/batch/work?count=5000&timeout=0');
    expect(claims).toEqual([100]);
  });

  it('refuses a count below 1 or a timeout that is not a number with 400', async () => {
    const api = await makeApi();
    expect((await api.call('GET', '/api/tasks/poll/batch/work?count=0')).json()).toEqual(
      conductorErrorOf(400, 'query parameter count must be at least 1, got 0'),
    );
    expect((await api.call('GET', '/api/tasks/poll/batch/work?timeout=soon')).json()).toEqual(
      conductorErrorOf(400, 'query parameter timeout must be an integer, got "soon"'),
    );
  });
});

describe('task results over the API', () => {
  it('records a result and answers the task id as text', async () => {
    const api = await makeApi();
    await startOneTask(api);
    const task = await pollOne(api);
    const response = await api.call('POST', '/api/tasks', { body: resultFor(task) });
    expect(response).toMatchObject({
      status: 200,
      body: task.taskId,
      contentType: 'text/plain; charset=utf-8',
    });
    const stored = await api.store.getTask(task.workflowInstanceId, task.taskId);
    expect(stored?.task).toMatchObject({ status: 'COMPLETED', outputData: { result: 42 } });
  });

  it('answers 404 for a task that does not exist', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const response = await api.call('POST', '/api/tasks', {
      body: resultFor({ workflowInstanceId: workflowId, taskId: `${workflowId}:nope:0:0` }),
    });
    expect(response.json()).toEqual(
      conductorErrorOf(404, `task ${workflowId}:nope:0:0 not found in workflow ${workflowId}`),
    );
  });

  it('refuses a result with a missing id or a status a worker cannot report with 400', async () => {
    const api = await makeApi();
    await startOneTask(api);
    const task = await pollOne(api);
    const missing = await api.call('POST', '/api/tasks', { body: { status: 'COMPLETED' } });
    expect(missing.status).toBe(400);
    expect(missing.json().validationErrors.map((error: { path: string }) => error.path)).toEqual([
      '$.workflowInstanceId',
      '$.taskId',
    ]);
    const status = await api.call('POST', '/api/tasks', { body: resultFor(task, { status: 'SKIPPED' }) });
    expect(status.json()).toMatchObject({ status: 400, message: expect.stringContaining('not SKIPPED') });
  });

  it('hands back the next task of the same type for the worker from update-v2', async () => {
    const api = await makeApi();
    const first = await startOneTask(api);
    const second = await startOneTask(api);
    const task = await pollOne(api);
    expect(task.workflowInstanceId).toBe(first);
    const response = await api.call('POST', '/api/tasks/update-v2', { body: resultFor(task) });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      workflowInstanceId: second,
      taskType: 'work',
      status: 'IN_PROGRESS',
      workerId: 'worker-a',
    });
    expect((await api.store.getTask(first, task.taskId))?.task.status).toBe('COMPLETED');
  });

  it('answers 204 from update-v2 when no other task is waiting', async () => {
    const api = await makeApi();
    await startOneTask(api);
    const task = await pollOne(api);
    const response = await api.call('POST', '/api/tasks/update-v2', { body: resultFor(task) });
    expect(response).toMatchObject({ status: 204, body: '' });
  });

  it('answers 204 from update-v2 for an IN_PROGRESS result, handing out nothing', async () => {
    const api = await makeApi();
    await startOneTask(api);
    await startOneTask(api);
    const task = await pollOne(api);
    const response = await api.call('POST', '/api/tasks/update-v2', {
      body: resultFor(task, { status: 'IN_PROGRESS', callbackAfterSeconds: 30 }),
    });
    expect(response.status).toBe(204);
    expect(await api.poll('work')).toHaveLength(1);
  });

  it('hands out the next task from update-v2 even when the reported task had already ended', async () => {
    const api = await makeApi();
    await startOneTask(api);
    const second = await startOneTask(api);
    const task = await pollOne(api);
    await api.call('POST', '/api/tasks', { body: resultFor(task) });
    const response = await api.call('POST', '/api/tasks/update-v2', { body: resultFor(task) });
    expect(response.json()).toMatchObject({ workflowInstanceId: second });
  });
});

describe('reading tasks over the API', () => {
  it('gets a task by id', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const task = await pollOne(api);
    const response = await api.call('GET', `/api/tasks/${encodeURIComponent(task.taskId)}`);
    expect(response.json()).toMatchObject({ taskId: task.taskId, workflowInstanceId: workflowId });
  });

  it('gets a task of a child workflow, whose id is derived from its parent task', async () => {
    const api = await makeApi();
    await api.metadata.putWorkflowDef({
      name: 'parent',
      version: 1,
      tasks: [
        {
          name: 'child',
          taskReferenceName: 'sub',
          type: 'SUB_WORKFLOW',
          subWorkflowParam: { name: 'one_task' },
        },
      ],
    });
    await startOneTask(api, 'one_task', 'work');
    await api.call('POST', '/api/workflow/parent', { body: {} });
    await api.drain();
    const polled = (await api.call('GET', '/api/tasks/poll/batch/work?count=5&timeout=0')).json() as {
      taskId: string;
      workflowInstanceId: string;
    }[];
    const childTask = polled.find((task) => task.workflowInstanceId.endsWith('.child'));
    expect(childTask).toBeDefined();
    const response = await api.call('GET', `/api/tasks/${encodeURIComponent(childTask!.taskId)}`);
    expect(response.json()).toMatchObject({ taskId: childTask!.taskId });
  });

  it('answers 404 for an unknown task id', async () => {
    const api = await makeApi();
    for (const taskId of ['nope', 'wf-9:ref:0:0']) {
      const response = await api.call('GET', `/api/tasks/${taskId}`);
      expect(response.json()).toEqual(conductorErrorOf(404, `Task not found for taskId: ${taskId}`));
    }
  });
});
