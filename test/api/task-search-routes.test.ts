import { describe, expect, it } from 'vitest';
import { type Api, makeApi, startOneTask } from './api-client';

const T0 = Date.UTC(2026, 10, 24, 9);

/** Three `pack` tasks (the first claimed by a worker) and one `refund` task, a second apart. */
const queued = async (): Promise<Api> => {
  const api = await makeApi();
  for (const [index, [name, taskType]] of [
    ['orders', 'pack'],
    ['orders', 'pack'],
    ['refunds', 'refund'],
    ['orders', 'pack'],
  ].entries()) {
    api.clock.current = T0 + index * 1_000;
    await startOneTask(api, name, taskType, { n: index + 1 });
  }
  const claimed = await api.call('GET', '/api/tasks/poll/pack?workerid=w-1');
  expect(claimed.json()).toMatchObject({ workflowInstanceId: 'wf-1', status: 'IN_PROGRESS' });
  return api;
};

const q = (query: string) => `query=${encodeURIComponent(query)}`;

describe('GET /api/tasks/search', () => {
  it('lists SCHEDULED tasks of the named types in queue order, as TaskSummary objects', async () => {
    const api = await queued();
    const response = await api.call(
      'GET',
      `/api/tasks/search?${q("taskType = 'pack' AND status = SCHEDULED")}`,
    );
    expect(response.status).toBe(200);
    const found = response.json();
    expect(found.totalHits).toBe(2);
    expect(found.results.map((task: { workflowId: string }) => task.workflowId)).toEqual(['wf-2', 'wf-4']);
    expect(found.results[0]).toEqual({
      taskId: expect.any(String),
      taskType: 'pack',
      taskDefName: 'pack',
      workflowId: 'wf-2',
      workflowType: 'orders',
      scheduledTime: '2026-11-24T09:00:01.000Z',
      updateTime: '2026-11-24T09:00:01.000Z',
      status: 'SCHEDULED',
      executionTime: 0,
      queueWaitTime: 0,
      input: '{}',
      output: '{}',
    });
    const both = await api.call(
      'GET',
      `/api/tasks/search?size=2&${q('taskType IN (pack, refund) AND status = SCHEDULED')}`,
    );
    expect(both.json().totalHits).toBe(3);
    expect(both.json().results.map((task: { taskType: string }) => task.taskType)).toEqual([
      'pack',
      'refund',
    ]);
  });

  it('refuses what the queues cannot answer, saying why', async () => {
    const api = await makeApi();
    const cases: [string, RegExp][] = [
      [
        q("taskType = 'pack' AND status = IN_PROGRESS"),
        /tasks cannot be searched by status IN_PROGRESS: only SCHEDULED worker tasks are indexed/,
      ],
      [q("taskType = 'pack'"), /add status = SCHEDULED/],
      ['', /name the task types/],
      [q("workflowType = 'orders' AND status = SCHEDULED"), /tasks cannot be searched by workflowType/],
      [
        `sort=scheduledTime:ASC&${q("taskType = 'pack' AND status = SCHEDULED")}`,
        /a task search answers in queue order/,
      ],
      [`size=500&${q("taskType = 'pack' AND status = SCHEDULED")}`, /size must be at most 100, got 500/],
      [
        q("taskType = 'INLINE' AND status = SCHEDULED"),
        /INLINE tasks are run by Baton, never queued for workers/,
      ],
    ];
    for (const [query, message] of cases) {
      const response = await api.call('GET', `/api/tasks/search?${query}`);
      expect(response.json(), query).toMatchObject({ status: 400, message: expect.stringMatching(message) });
    }
  });

  it('is not taken for a task id by GET /api/tasks/{taskId}', async () => {
    const api = await makeApi();
    const response = await api.call('GET', `/api/tasks/search?${q("taskType = 'x' AND status = SCHEDULED")}`);
    expect(response.json()).toEqual({ totalHits: 0, results: [] });
  });
});

describe('queue sizes', () => {
  it('counts the SCHEDULED tasks of each type asked for, repeated or comma-separated', async () => {
    const api = await queued();
    expect(
      (await api.call('GET', '/api/tasks/queue/sizes?taskType=pack&taskType=refund,none')).json(),
    ).toEqual({
      pack: 2,
      refund: 1,
      none: 0,
    });
    expect((await api.call('GET', '/api/tasks/queue/size?taskType=pack')).json()).toBe(2);
  });

  it('counts every queue of a registered task definition', async () => {
    const api = await queued();
    await api.metadata.putTaskDef({ name: 'pack' });
    await api.metadata.putTaskDef({ name: 'label' });
    expect((await api.call('GET', '/api/tasks/queue/all')).json()).toEqual({ pack: 2, label: 0 });
  });

  it('refuses a request naming no task type', async () => {
    const api = await makeApi();
    expect((await api.call('GET', '/api/tasks/queue/sizes')).json()).toMatchObject({
      status: 400,
      message: 'query parameter taskType is required: the task types to count',
    });
    expect((await api.call('GET', '/api/tasks/queue/size')).json()).toMatchObject({
      status: 400,
      message: 'query parameter taskType is required: the task type to count',
    });
  });
});
