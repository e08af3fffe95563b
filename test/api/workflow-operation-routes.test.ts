import { describe, expect, it } from 'vitest';
import { LEASE_MS } from '../../lambdas/engine/decide-workflow';
import { type Api, conductorErrorOf, makeApi, startOneTask } from './api-client';

const statusOf = async (api: Api, workflowId: string) =>
  (await api.call('GET', `/api/workflow/${workflowId}/status`)).json().status;

const tasksOf = async (api: Api, workflowId: string) =>
  (await api.call('GET', `/api/workflow/${workflowId}`)).json().tasks as {
    taskId: string;
    referenceTaskName: string;
    status: string;
    retryCount: number;
    inputData: Record<string, unknown>;
    outputData: Record<string, unknown>;
  }[];

/** A one-task workflow whose task completed; answers its id. */
const completedWorkflow = async (api: Api) => {
  const workflowId = await startOneTask(api);
  const [task] = await api.poll('work');
  await api.complete(task!.taskId, workflowId, { result: 1 });
  await api.drain();
  expect(await statusOf(api, workflowId)).toBe('COMPLETED');
  return workflowId;
};

/** A one-task workflow whose task failed for good; answers its id. */
const failedWorkflow = async (api: Api) => {
  await api.metadata.putTaskDef({ name: 'work', retryCount: 0 });
  const workflowId = await startOneTask(api);
  const [task] = await api.poll('work');
  await api.call('POST', '/api/tasks', {
    body: { workflowInstanceId: workflowId, taskId: task!.taskId, status: 'FAILED' },
  });
  await api.drain();
  expect(await statusOf(api, workflowId)).toBe('FAILED');
  return workflowId;
};

const notFound = conductorErrorOf(404, 'No such workflow found by id: nope');

describe('PUT /api/workflow/{id}/pause and /resume', () => {
  it('pauses a running workflow and resumes it, answering 200 with no body', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    expect(await api.call('PUT', `/api/workflow/${workflowId}/pause`)).toMatchObject({
      status: 200,
      body: '',
    });
    expect(await statusOf(api, workflowId)).toBe('PAUSED');
    // Pausing again changes nothing, as in Conductor.
    expect((await api.call('PUT', `/api/workflow/${workflowId}/pause`)).status).toBe(200);
    expect(await api.call('PUT', `/api/workflow/${workflowId}/resume`)).toMatchObject({
      status: 200,
      body: '',
    });
    expect(await statusOf(api, workflowId)).toBe('RUNNING');
  });

  it('answers 409 for pausing an ended workflow and for resuming one that is not paused', async () => {
    const api = await makeApi();
    const workflowId = await completedWorkflow(api);
    expect((await api.call('PUT', `/api/workflow/${workflowId}/pause`)).json()).toEqual(
      conductorErrorOf(
        409,
        `Workflow ${workflowId} has ended (COMPLETED); only a RUNNING workflow can be paused`,
      ),
    );
    expect((await api.call('PUT', `/api/workflow/${workflowId}/resume`)).json()).toEqual(
      conductorErrorOf(409, `Workflow ${workflowId} is COMPLETED, not PAUSED, so it cannot be resumed`),
    );
  });

  it('answers 404 for an unknown workflow', async () => {
    const api = await makeApi();
    for (const operation of ['pause', 'resume']) {
      expect((await api.call('PUT', `/api/workflow/nope/${operation}`)).json()).toEqual(notFound);
    }
  });

  it('answers 503, retryable, when the workflow stays busy through every attempt', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    api.store.commit = async () => ({ kind: 'conflict', reason: 'another decide committed' });
    await api.store.acquireLease(workflowId, 'decider-2', api.clock.now(), LEASE_MS);
    const response = await api.call('PUT', `/api/workflow/${workflowId}/pause`);
    expect(response.json()).toMatchObject({
      status: 503,
      retryable: true,
      message: `workflow ${workflowId} was not paused: it is busy (another decide holds the lease); try again in a few seconds`,
    });
  });
});

describe('PUT /api/workflow/decide/{id}', () => {
  it('decides the workflow, answering 200', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    expect(await api.call('PUT', `/api/workflow/decide/${workflowId}`)).toMatchObject({
      status: 200,
      body: '',
    });
  });

  it('answers 404 for an unknown workflow', async () => {
    const api = await makeApi();
    expect((await api.call('PUT', '/api/workflow/decide/nope')).json()).toEqual(notFound);
  });
});

describe('PUT /api/workflow/{id}/skiptask/{ref}', () => {
  it('skips the scheduled task with the given output, and the workflow carries on', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const response = await api.call('PUT', `/api/workflow/${workflowId}/skiptask/work_ref`, {
      body: { taskInput: { why: 'manual' }, taskOutput: { result: 42 } },
    });
    expect(response).toMatchObject({ status: 200, body: '' });
    const workflow = (await api.call('GET', `/api/workflow/${workflowId}`)).json();
    expect(workflow).toMatchObject({ status: 'COMPLETED', output: { result: 42 } });
    expect(workflow.tasks[0]).toMatchObject({ status: 'SKIPPED', inputData: { why: 'manual' } });
  });

  it('skips without a body', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    expect((await api.call('PUT', `/api/workflow/${workflowId}/skiptask/work_ref`)).status).toBe(200);
    expect((await tasksOf(api, workflowId))[0]?.status).toBe('SKIPPED');
  });

  it('answers 400 naming the field of a SkipTaskRequest that is wrong', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const response = await api.call('PUT', `/api/workflow/${workflowId}/skiptask/work_ref`, {
      body: { taskOutput: 'done' },
    });
    expect(response.status).toBe(400);
    expect(response.json().validationErrors).toEqual([
      { path: '$.taskOutput', message: 'taskOutput must be an object: the skipped task’s output' },
    ]);
    expect((await tasksOf(api, workflowId))[0]?.status).toBe('SCHEDULED');
  });

  it('answers 409 for a task that is not scheduled or in progress, and 404 for an unknown workflow', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    expect((await api.call('PUT', `/api/workflow/${workflowId}/skiptask/other_ref`)).json()).toEqual(
      conductorErrorOf(409, `Workflow ${workflowId} has no task other_ref scheduled or in progress`),
    );
    expect((await api.call('PUT', '/api/workflow/nope/skiptask/work_ref')).json()).toEqual(notFound);
  });
});

describe('POST /api/workflow/{id}/retry', () => {
  it('retries a failed workflow, answering 204, and schedules a new attempt of the failed task', async () => {
    const api = await makeApi();
    const workflowId = await failedWorkflow(api);
    expect(await api.call('POST', `/api/workflow/${workflowId}/retry`)).toMatchObject({
      status: 204,
      body: '',
    });
    expect(await statusOf(api, workflowId)).toBe('RUNNING');
    const tasks = await tasksOf(api, workflowId);
    expect(tasks.map((task) => [task.status, task.retryCount])).toEqual([
      ['FAILED', 0],
      ['SCHEDULED', 1],
    ]);
    const [again] = await api.poll('work');
    await api.complete(again!.taskId, workflowId, { result: 2 });
    await api.drain();
    expect(await statusOf(api, workflowId)).toBe('COMPLETED');
  });

  it('answers 409 for a running workflow, 400 for a flag it cannot read, 404 for an unknown one', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    expect((await api.call('POST', `/api/workflow/${workflowId}/retry`)).json()).toEqual(
      conductorErrorOf(
        409,
        `Workflow ${workflowId} is RUNNING; only a FAILED, TIMED_OUT or TERMINATED workflow can be retried`,
      ),
    );
    expect(
      (await api.call('POST', `/api/workflow/${workflowId}/retry?resumeSubworkflowTasks=perhaps`)).json(),
    ).toEqual(
      conductorErrorOf(400, 'query parameter resumeSubworkflowTasks must be true or false, got "perhaps"'),
    );
    expect((await api.call('POST', '/api/workflow/nope/retry')).json()).toEqual(notFound);
  });
});

describe('POST /api/workflow/{id}/restart', () => {
  it('restarts an ended workflow from its first task, answering 204', async () => {
    const api = await makeApi();
    const workflowId = await completedWorkflow(api);
    expect(await api.call('POST', `/api/workflow/${workflowId}/restart`)).toMatchObject({ status: 204 });
    await api.drain();
    expect(await statusOf(api, workflowId)).toBe('RUNNING');
    expect((await tasksOf(api, workflowId)).map((task) => task.status)).toEqual(['SCHEDULED']);
  });

  it('restarts on the latest definition with useLatestDefinitions=true', async () => {
    const api = await makeApi();
    const workflowId = await completedWorkflow(api);
    const v1 = await api.metadata.getWorkflowDef('one_task');
    await api.metadata.putWorkflowDef({
      ...v1!,
      version: 2,
      tasks: [{ name: 'other', taskReferenceName: 'other_ref' }],
    });
    await api.call('POST', `/api/workflow/${workflowId}/restart?useLatestDefinitions=true`);
    await api.drain();
    const workflow = (await api.call('GET', `/api/workflow/${workflowId}`)).json();
    expect(workflow).toMatchObject({ status: 'RUNNING', workflowVersion: 2 });
    expect(workflow.tasks.map((task: { referenceTaskName: string }) => task.referenceTaskName)).toEqual([
      'other_ref',
    ]);
  });

  it('answers 409 for a workflow still running, 404 for an unknown one', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    expect((await api.call('POST', `/api/workflow/${workflowId}/restart`)).json()).toEqual(
      conductorErrorOf(
        409,
        `Workflow ${workflowId} is RUNNING; only a COMPLETED, FAILED, TIMED_OUT or TERMINATED workflow can be restarted`,
      ),
    );
    expect((await api.call('POST', '/api/workflow/nope/restart')).json()).toEqual(notFound);
  });
});

describe('POST /api/workflow/{id}/rerun', () => {
  it('reruns from a task with new input, answering the workflow id as text', async () => {
    const api = await makeApi();
    const workflowId = await completedWorkflow(api);
    const [task] = await tasksOf(api, workflowId);
    const response = await api.call('POST', `/api/workflow/${workflowId}/rerun`, {
      body: { reRunFromWorkflowId: workflowId, reRunFromTaskId: task!.taskId, taskInput: { again: true } },
    });
    expect(response).toMatchObject({
      status: 200,
      body: workflowId,
      contentType: 'text/plain; charset=utf-8',
    });
    await api.drain();
    expect(await statusOf(api, workflowId)).toBe('RUNNING');
    const tasks = await tasksOf(api, workflowId);
    expect(tasks.at(-1)).toMatchObject({ status: 'SCHEDULED', retryCount: 1, inputData: { again: true } });
  });

  it('answers 400 for a missing body, a wrong field, or a task the workflow does not have', async () => {
    const api = await makeApi();
    const workflowId = await completedWorkflow(api);
    expect((await api.call('POST', `/api/workflow/${workflowId}/rerun`)).json()).toEqual(
      conductorErrorOf(400, 'request body is required: a RerunWorkflowRequest'),
    );
    const wrong = await api.call('POST', `/api/workflow/${workflowId}/rerun`, {
      body: { workflowInput: [1] },
    });
    expect(wrong.json().validationErrors).toEqual([
      { path: '$.workflowInput', message: 'workflowInput must be an object, the workflow’s new input' },
    ]);
    const unknownTask = await api.call('POST', `/api/workflow/${workflowId}/rerun`, {
      body: { reRunFromTaskId: 'no-such-task' },
    });
    expect(unknownTask.status).toBe(400);
    expect(unknownTask.json().validationErrors).toEqual([
      { path: '$.reRunFromTaskId', message: `Task no-such-task is not a task of workflow ${workflowId}` },
    ]);
  });

  it('answers 404 for an unknown workflow', async () => {
    const api = await makeApi();
    expect((await api.call('POST', '/api/workflow/nope/rerun', { body: {} })).json()).toEqual(notFound);
  });
});

describe('DELETE /api/workflow/{id}/remove', () => {
  it('removes a workflow with its tasks, answering 200; it is gone afterwards', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    expect(await api.call('DELETE', `/api/workflow/${workflowId}/remove`)).toMatchObject({
      status: 200,
      body: '',
    });
    expect((await api.call('GET', `/api/workflow/${workflowId}`)).status).toBe(404);
    expect(await api.poll('work')).toEqual([]);
  });

  it('answers 404 for an unknown workflow', async () => {
    const api = await makeApi();
    expect((await api.call('DELETE', '/api/workflow/nope/remove')).json()).toEqual(notFound);
  });
});
