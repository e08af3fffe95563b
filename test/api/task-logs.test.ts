import { Buffer } from 'node:buffer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_LOG_LINE_BYTES,
  MAX_LOG_RESPONSE_BYTES,
  MAX_RESULT_LOG_LINES,
} from '../../lambdas/api/task-admin-routes';
import { type Api, conductorErrorOf, makeApi, startOneTask } from './api-client';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Starts a one-task workflow and polls its task; returns the task as the worker got it. */
const runningTask = async (api: Api) => {
  await startOneTask(api);
  return (await api.call('GET', '/api/tasks/poll/work?workerid=worker-a')).json() as {
    taskId: string;
    workflowInstanceId: string;
  };
};

const logsOf = async (api: Api, taskId: string) => {
  const response = await api.call('GET', `/api/tasks/${encodeURIComponent(taskId)}/log`);
  return response.status === 204 ? [] : response.json();
};

describe('task logs over the API', () => {
  it('removes a workflow’s task logs with the workflow', async () => {
    const api = await makeApi();
    const { taskId, workflowInstanceId } = await runningTask(api);
    await api.call('POST', `/api/tasks/${taskId}/log`, { rawBody: 'about to be removed' });
    expect(await logsOf(api, taskId)).toHaveLength(1);
    expect((await api.call('DELETE', `/api/workflow/${workflowInstanceId}/remove`)).status).toBe(200);
    expect((await api.call('GET', `/api/tasks/${taskId}/log`)).status).toBe(404);
    const left = [];
    for await (const line of api.deps.taskLogs.newestTaskLogs(workflowInstanceId, taskId)) left.push(line);
    expect(left).toEqual([]);
  });

  it('takes a line as plain text and answers it as a TaskExecLog with the server’s time', async () => {
    const api = await makeApi();
    const { taskId } = await runningTask(api);
    const posted = await api.call('POST', `/api/tasks/${taskId}/log`, { rawBody: 'fetched 3 rows' });
    expect(posted).toMatchObject({ status: 200, body: '' });
    const response = await api.call('GET', `/api/tasks/${taskId}/log`);
    expect(response).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(response.json()).toEqual([{ log: 'fetched 3 rows', taskId, createdTime: api.clock.now() }]);
  });

  it('unquotes a line sent as a JSON string, as the SDKs send it, and keeps lines in order', async () => {
    const api = await makeApi();
    const { taskId } = await runningTask(api);
    await api.call('POST', `/api/tasks/${taskId}/log`, { body: 'first "line"' });
    api.clock.advance(5);
    await api.call('POST', `/api/tasks/${taskId}/log`, { body: 'second' });
    await api.call('POST', `/api/tasks/${taskId}/log`, { rawBody: '{"not":"a string"}' });
    expect((await logsOf(api, taskId)).map((entry: { log: string }) => entry.log)).toEqual([
      'first "line"',
      'second',
      '{"not":"a string"}',
    ]);
  });

  it('answers 204, as Conductor does, for a task with no logs', async () => {
    const api = await makeApi();
    const { taskId } = await runningTask(api);
    expect(await api.call('GET', `/api/tasks/${taskId}/log`)).toMatchObject({ status: 204, body: '' });
  });

  it('answers 404 in Conductor’s shape for the logs of an unknown task, read or written', async () => {
    const api = await makeApi();
    const read = await api.call('GET', '/api/tasks/wf-9:nope:0:0/log');
    expect(read.status).toBe(404);
    expect(read.json()).toEqual(conductorErrorOf(404, 'Task not found for taskId: wf-9:nope:0:0'));
    const written = await api.call('POST', '/api/tasks/wf-9:nope:0:0/log', { rawBody: 'x' });
    expect(written.json()).toEqual(conductorErrorOf(404, 'Task not found for taskId: wf-9:nope:0:0'));
  });

  it('refuses an empty line with 400', async () => {
    const api = await makeApi();
    const { taskId } = await runningTask(api);
    const response = await api.call('POST', `/api/tasks/${taskId}/log`, { rawBody: '  ' });
    expect(response.json()).toEqual(conductorErrorOf(400, 'request body is required: the log line'));
  });

  it(`refuses a line over ${MAX_LOG_LINE_BYTES} bytes with 413 naming the limit, storing nothing`, async () => {
    const api = await makeApi();
    const { taskId } = await runningTask(api);
    const line = 'é'.repeat(MAX_LOG_LINE_BYTES / 2 + 1);
    const response = await api.call('POST', `/api/tasks/${taskId}/log`, { rawBody: line });
    expect(response.status).toBe(413);
    expect(response.json()).toEqual(
      conductorErrorOf(
        413,
        `log line is ${MAX_LOG_LINE_BYTES + 2} bytes; the limit is ${MAX_LOG_LINE_BYTES}`,
      ),
    );
    expect(await logsOf(api, taskId)).toEqual([]);
  });

  it('answers the newest lines that fit in one answer, after a line saying older ones were left out', async () => {
    const api = await makeApi();
    const { taskId, workflowInstanceId } = await runningTask(api);
    const big = 'x'.repeat(MAX_LOG_LINE_BYTES - 10);
    const count = Math.ceil(MAX_LOG_RESPONSE_BYTES / MAX_LOG_LINE_BYTES) + 5;
    await api.deps.taskLogs.appendTaskLogs(
      workflowInstanceId,
      Array.from({ length: count }, (_, i) => ({ taskId, log: `${i} ${big}`, createdTime: 1_000 + i })),
    );
    const response = await api.call('GET', `/api/tasks/${taskId}/log`);
    expect(response.body.length).toBeLessThanOrEqual(MAX_LOG_RESPONSE_BYTES + 200);
    const [note, ...lines] = response.json() as { log: string; createdTime: number }[];
    expect(note?.log).toBe(
      `[older log lines left out: one answer holds at most ${MAX_LOG_RESPONSE_BYTES} bytes]`,
    );
    expect(lines.at(-1)?.createdTime).toBe(1_000 + count - 1);
    expect(lines.length).toBeLessThan(count);
    const times = lines.map((line) => line.createdTime);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('logs sent with a TaskResult', () => {
  const resultOf = (
    task: { taskId: string; workflowInstanceId: string },
    extra: Record<string, unknown>,
  ) => ({
    workflowInstanceId: task.workflowInstanceId,
    taskId: task.taskId,
    status: 'COMPLETED',
    ...extra,
  });

  it('keeps the logs of POST /api/tasks as TaskExecLogs, with the worker’s times', async () => {
    const api = await makeApi();
    const task = await runningTask(api);
    const response = await api.call('POST', '/api/tasks', {
      body: resultOf(task, { logs: [{ log: 'started', createdTime: 11 }, { log: 'done' }] }),
    });
    expect(response).toMatchObject({ status: 200, body: task.taskId });
    expect(await logsOf(api, task.taskId)).toEqual([
      { log: 'started', taskId: task.taskId, createdTime: 11 },
      { log: 'done', taskId: task.taskId, createdTime: api.clock.now() },
    ]);
  });

  it('keeps the logs of update-v2 too', async () => {
    const api = await makeApi();
    const task = await runningTask(api);
    const response = await api.call('POST', '/api/tasks/update-v2', {
      body: resultOf(task, { logs: [{ log: 'via v2', createdTime: 5 }] }),
    });
    expect(response.status).toBe(204);
    expect(await logsOf(api, task.taskId)).toEqual([{ log: 'via v2', taskId: task.taskId, createdTime: 5 }]);
  });

  it('refuses logs that are not TaskExecLogs with 400 naming the field, and leaves the task alone', async () => {
    const api = await makeApi();
    const task = await runningTask(api);
    for (const logs of ['a line', [{ createdTime: 1 }], [{ log: 'x', createdTime: 'now' }]]) {
      const response = await api.call('POST', '/api/tasks', { body: resultOf(task, { logs }) });
      expect(response.status).toBe(400);
      expect(response.json().validationErrors).toEqual([
        { path: '$.logs', message: expect.stringMatching(/^logs must be a list of TaskExecLog objects/) },
      ]);
    }
    expect((await api.call('GET', `/api/tasks/${task.taskId}`)).json().status).toBe('IN_PROGRESS');
  });

  it('cuts an over-long line and drops lines past the limit, saying so, rather than refuse the result', async () => {
    const api = await makeApi();
    const task = await runningTask(api);
    const logs = [
      { log: 'y'.repeat(MAX_LOG_LINE_BYTES + 100) },
      ...Array.from({ length: MAX_RESULT_LOG_LINES + 1 }, (_, i) => ({ log: `line ${i}` })),
    ];
    const response = await api.call('POST', '/api/tasks', { body: resultOf(task, { logs }) });
    expect(response.status).toBe(200);
    const stored = (await logsOf(api, task.taskId)) as { log: string }[];
    expect(stored).toHaveLength(MAX_RESULT_LOG_LINES + 1);
    expect(Buffer.byteLength(stored[0]!.log)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    expect(stored[0]!.log).toMatch(
      new RegExp(
        `\\[cut: the line was ${MAX_LOG_LINE_BYTES + 100} bytes, the limit is ${MAX_LOG_LINE_BYTES}\\]$`,
      ),
    );
    expect(stored.at(-1)?.log).toBe(
      `[2 more log lines dropped: a TaskResult keeps at most ${MAX_RESULT_LOG_LINES}]`,
    );
  });

  it('records the result even when the log store fails', async () => {
    const api = await makeApi();
    const task = await runningTask(api);
    api.deps.taskLogs.failing = true;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await api.call('POST', '/api/tasks', {
      body: resultOf(task, { logs: [{ log: 'lost' }] }),
    });
    expect(response).toMatchObject({ status: 200, body: task.taskId });
    await api.drain();
    expect((await api.call('GET', `/api/tasks/${task.taskId}`)).json().status).toBe('COMPLETED');
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('task log lines not stored'));
  });

  it('does not log a repeated result twice once the task has ended', async () => {
    const api = await makeApi();
    const task = await runningTask(api);
    const body = resultOf(task, { logs: [{ log: 'once', createdTime: 1 }] });
    await api.call('POST', '/api/tasks', { body });
    await api.call('POST', '/api/tasks', { body });
    expect(await logsOf(api, task.taskId)).toHaveLength(1);
  });
});
