import { afterEach, describe, expect, it, vi } from 'vitest';
import { conductorErrorOf, makeApi, startOneTask } from './api-client';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /api/tasks/queue/polldata', () => {
  it('answers the last poll of each worker as Conductor’s PollData, newest first', async () => {
    const api = await makeApi();
    // An empty poll waits (the clock moves); the poll counts from when it came in.
    const firstAt = api.clock.now();
    await api.call('GET', '/api/tasks/poll/work?workerid=worker-a&domain=eu');
    api.clock.advance(1_000);
    const secondAt = api.clock.now();
    await api.call('GET', '/api/tasks/poll/batch/work?workerid=worker-b&count=2&timeout=0');
    const response = await api.call('GET', '/api/tasks/queue/polldata?taskType=work');
    expect(response).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(response.json()).toEqual([
      { queueName: 'work', workerId: 'worker-b', lastPollTime: secondAt },
      { queueName: 'work', workerId: 'worker-a', domain: 'eu', lastPollTime: firstAt },
    ]);
  });

  it('keeps one entry per worker, moved forward by each poll', async () => {
    const api = await makeApi();
    await api.call('GET', '/api/tasks/poll/work?workerid=worker-a');
    api.clock.advance(30_000);
    const lastAt = api.clock.now();
    await api.call('GET', '/api/tasks/poll/work?workerid=worker-a');
    const polls = (await api.call('GET', '/api/tasks/queue/polldata?taskType=work')).json();
    expect(polls).toEqual([{ queueName: 'work', workerId: 'worker-a', lastPollTime: lastAt }]);
  });

  it('counts the next-task claim of update-v2 as a poll of that worker', async () => {
    const api = await makeApi();
    const workflowId = await startOneTask(api);
    const task = (await api.call('GET', '/api/tasks/poll/work?workerid=worker-a')).json();
    api.clock.advance(20_000);
    await api.call('POST', '/api/tasks/update-v2', {
      body: {
        workflowInstanceId: workflowId,
        taskId: task.taskId,
        status: 'COMPLETED',
        workerId: 'worker-a',
      },
    });
    const polls = (await api.call('GET', '/api/tasks/queue/polldata?taskType=work')).json();
    expect(polls).toEqual([{ queueName: 'work', workerId: 'worker-a', lastPollTime: api.clock.now() }]);
  });

  it('answers an empty list for a task type nobody has polled', async () => {
    const api = await makeApi();
    expect((await api.call('GET', '/api/tasks/queue/polldata?taskType=never')).json()).toEqual([]);
  });

  it('refuses a request without taskType with 400 naming it', async () => {
    const api = await makeApi();
    const response = await api.call('GET', '/api/tasks/queue/polldata');
    expect(response.json()).toEqual(conductorErrorOf(400, 'query parameter taskType is required'));
  });

  it('hands out the task even when poll data cannot be recorded', async () => {
    const api = await makeApi();
    await startOneTask(api);
    api.deps.pollData.failing = true;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await api.call('GET', '/api/tasks/poll/work?workerid=worker-a');
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ taskType: 'work', status: 'IN_PROGRESS' });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('poll data not recorded'));
  });
});
