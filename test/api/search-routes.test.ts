import { describe, expect, it } from 'vitest';
import { type Api, makeApi, oneTaskDef } from './api-client';

const T0 = Date.UTC(2026, 10, 24, 9);

/**
 * Five workflows a second apart: wf-1 orders v1 (c-1), wf-2 refunds (c-1), wf-3 orders v2 (c-2,
 * terminated), wf-4 orders v1 (completed), wf-5 refunds. wf-1, wf-2 and wf-5 are RUNNING.
 */
const fiveWorkflows = async (): Promise<Api> => {
  const api = await makeApi();
  await api.metadata.putWorkflowDef(oneTaskDef('orders', 'pack', 1));
  await api.metadata.putWorkflowDef(oneTaskDef('orders', 'pack', 2));
  await api.metadata.putWorkflowDef(oneTaskDef('refunds', 'refund', 1));
  const starts = [
    'orders?version=1&correlationId=c-1',
    'refunds?correlationId=c-1',
    'orders?version=2&correlationId=c-2',
    'orders?version=1',
    'refunds',
  ];
  for (const [index, start] of starts.entries()) {
    api.clock.current = T0 + index * 1_000;
    const response = await api.call('POST', `/api/workflow/${start}`, { body: { n: index + 1 } });
    expect(response.body).toBe(`wf-${index + 1}`);
    await api.drain();
  }
  api.clock.current = T0 + 10_000;
  expect((await api.call('DELETE', '/api/workflow/wf-3?reason=not%20needed')).status).toBe(200);
  const pack = (await api.store.load('wf-4'))!.workflow.tasks[0]!;
  await api.complete(pack.taskId, 'wf-4', { result: 'packed' });
  await api.drain();
  expect((await api.store.load('wf-4'))!.workflow.status).toBe('COMPLETED');
  return api;
};

const search = async (api: Api, query: string) => {
  const response = await api.call('GET', `/api/workflow/search?${query}`);
  expect(response.status).toBe(200);
  return response.json() as { totalHits: number; results: { workflowId: string }[] };
};

const ids = (found: { results: { workflowId: string }[] }) =>
  found.results.map(({ workflowId }) => workflowId);
const q = (query: string) => `query=${encodeURIComponent(query)}`;

describe('GET /api/workflow/search', () => {
  it('lists every workflow newest first by default, as Conductor WorkflowSummary objects', async () => {
    const api = await fiveWorkflows();
    const found = await search(api, '');
    expect(found.totalHits).toBe(5);
    expect(ids(found)).toEqual(['wf-5', 'wf-4', 'wf-3', 'wf-2', 'wf-1']);
    expect(found.results[1]).toEqual({
      workflowType: 'orders',
      version: 1,
      workflowId: 'wf-4',
      startTime: '2026-11-24T09:00:03.000Z',
      updateTime: expect.stringMatching(/^2026-11-24T09:00:\d\d\.000Z$/),
      endTime: '2026-11-24T09:00:10.000Z',
      status: 'COMPLETED',
      input: '{"n":4}',
      output: '{"result":"packed"}',
      executionTime: 7_000,
      failedReferenceTaskNames: '',
      priority: 0,
      inputSize: 7,
      outputSize: 19,
    });
    expect(found.results[2]).toMatchObject({
      workflowId: 'wf-3',
      status: 'TERMINATED',
      correlationId: 'c-2',
      reasonForIncompletion: 'not needed',
    });
  });

  it('filters by type and status, by correlation id and by a start-time range', async () => {
    const api = await fiveWorkflows();
    expect(ids(await search(api, q("workflowType = 'orders' AND status IN (RUNNING, TERMINATED)")))).toEqual([
      'wf-3',
      'wf-1',
    ]);
    expect(ids(await search(api, q('status = RUNNING')))).toEqual(['wf-5', 'wf-2', 'wf-1']);
    expect(ids(await search(api, q("correlationId = 'c-1'")))).toEqual(['wf-2', 'wf-1']);
    expect(ids(await search(api, q("correlationId = 'c-1' AND workflowType = refunds")))).toEqual(['wf-2']);
    expect(ids(await search(api, q(`startTime >= ${T0 + 1_000} AND startTime < ${T0 + 3_000}`)))).toEqual([
      'wf-3',
      'wf-2',
    ]);
    expect(await search(api, q('status = RUNNING AND status = FAILED'))).toEqual({
      totalHits: 0,
      results: [],
    });
  });

  it('pages with start and size, counting hits only as far as one past the page', async () => {
    const api = await fiveWorkflows();
    const first = await search(api, 'start=0&size=2&sort=startTime:ASC');
    expect(first).toMatchObject({ totalHits: 3 });
    expect(ids(first)).toEqual(['wf-1', 'wf-2']);
    const second = await search(api, 'start=2&size=2&sort=startTime:ASC');
    expect(second.totalHits).toBe(5);
    expect(ids(second)).toEqual(['wf-3', 'wf-4']);
    const last = await search(api, 'start=4&size=2&sort=startTime:ASC');
    expect(last.totalHits).toBe(5);
    expect(ids(last)).toEqual(['wf-5']);
    expect(await search(api, 'start=9&size=2')).toEqual({ totalHits: 5, results: [] });
  });

  it('sorts by startTime either way, ascending when no direction is given, as Conductor does', async () => {
    const api = await fiveWorkflows();
    expect(ids(await search(api, 'sort=startTime&size=2'))).toEqual(['wf-1', 'wf-2']);
    expect(ids(await search(api, 'sort=startTime:DESC&size=2'))).toEqual(['wf-5', 'wf-4']);
    expect(ids(await search(api, 'sort=startTime:asc&freeText=*&size=1'))).toEqual(['wf-1']);
  });

  it('refuses what no index can serve with a 400 naming it', async () => {
    const api = await makeApi();
    const cases: [string, string | RegExp][] = [
      [
        'sort=updateTime:DESC',
        'workflows cannot be sorted by updateTime: the search indexes keep them in startTime order only (sort=startTime:ASC or sort=startTime:DESC)',
      ],
      ['sort=startTime:UP', 'sort must be <field>, <field>:ASC or <field>:DESC, got "startTime:UP"'],
      ['sort=startTime:ASC|startTime:DESC', 'sort asks for startTime both ASC and DESC'],
      ['size=101', 'query parameter size must be at most 100, got 101'],
      ['size=0', 'query parameter size must be at least 1, got 0'],
      ['start=-1', 'query parameter start must be at least 0, got -1'],
      [
        'start=9950&size=100',
        'start + size may be at most 10000, got 10050: narrow the query instead of paging deeper',
      ],
      ['freeText=order', /^freeText "order" is not supported, only "\*"/],
      [q('status = RUNNING OR status = FAILED'), /^query is not valid at position 18: OR is not supported/],
      [q("input = 'x'"), /^query is not valid at position 1: workflows cannot be searched by input/],
    ];
    for (const [query, message] of cases) {
      const response = await api.call('GET', `/api/workflow/search?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.json(), query).toMatchObject({
        status: 400,
        message: typeof message === 'string' ? message : expect.stringMatching(message),
      });
    }
  });

  it('is not taken for a workflow id by GET /api/workflow/{workflowId}', async () => {
    const api = await makeApi();
    expect(await search(api, '')).toEqual({ totalHits: 0, results: [] });
  });
});

describe('GET /api/workflow/running/{name}', () => {
  it('lists the ids of running workflows of a type, oldest first, of every version unless one is named', async () => {
    const api = await fiveWorkflows();
    api.clock.current = T0 + 20_000;
    await api.call('POST', '/api/workflow/orders?version=2', { body: {} });
    await api.drain();
    expect((await api.call('GET', '/api/workflow/running/orders')).json()).toEqual(['wf-1', 'wf-6']);
    expect((await api.call('GET', '/api/workflow/running/orders?version=2')).json()).toEqual(['wf-6']);
    expect((await api.call('GET', '/api/workflow/running/refunds')).json()).toEqual(['wf-2', 'wf-5']);
    const window = `startTime=${T0 + 1_000}&endTime=${T0 + 4_000}`;
    expect((await api.call('GET', `/api/workflow/running/refunds?${window}`)).json()).toEqual([
      'wf-2',
      'wf-5',
    ]);
    expect((await api.call('GET', `/api/workflow/running/refunds?endTime=${T0 + 1_000}`)).json()).toEqual([
      'wf-2',
    ]);
    expect((await api.call('GET', '/api/workflow/running/nobody')).json()).toEqual([]);
  });

  it('is not taken for GET /api/workflow/{workflowId}/status by a workflow named status', async () => {
    const api = await makeApi();
    const response = await api.call('GET', '/api/workflow/running/status');
    expect(response).toMatchObject({ status: 200 });
    expect(response.json()).toEqual([]);
  });

  it('refuses a version below 1 and a start after the end', async () => {
    const api = await makeApi();
    expect((await api.call('GET', '/api/workflow/running/orders?version=0')).json()).toMatchObject({
      status: 400,
      message: 'query parameter version must be at least 1, got 0',
    });
    expect(
      (await api.call('GET', '/api/workflow/running/orders?startTime=5&endTime=4')).json(),
    ).toMatchObject({
      status: 400,
      message: 'startTime (5) is after endTime (4)',
    });
  });
});

describe('correlation id lookups', () => {
  it('lists the unfinished workflows of a type with a correlation id, closed ones too when asked', async () => {
    const api = await fiveWorkflows();
    const open = (await api.call('GET', '/api/workflow/orders/correlated/c-1')).json();
    expect(open).toEqual([expect.objectContaining({ workflowId: 'wf-1', status: 'RUNNING', tasks: [] })]);
    expect((await api.call('GET', '/api/workflow/orders/correlated/c-2')).json()).toEqual([]);
    const closed = (await api.call('GET', '/api/workflow/orders/correlated/c-2?includeClosed=true')).json();
    expect(closed).toEqual([expect.objectContaining({ workflowId: 'wf-3', status: 'TERMINATED' })]);
    expect((await api.call('GET', '/api/workflow/orders/correlated/nothing')).json()).toEqual([]);
  });

  it('includes the tasks when asked', async () => {
    const api = await fiveWorkflows();
    const [workflow] = (
      await api.call('GET', '/api/workflow/orders/correlated/c-1?includeTasks=true')
    ).json();
    expect(workflow.tasks).toEqual([expect.objectContaining({ taskType: 'pack', status: 'SCHEDULED' })]);
    expect(workflow.input).toEqual({ n: 1 });
  });

  it('answers a map from each posted correlation id to its workflows', async () => {
    const api = await fiveWorkflows();
    const response = await api.call('POST', '/api/workflow/orders/correlated?includeClosed=true', {
      body: ['c-1', 'c-2', 'c-9'],
    });
    const map = response.json();
    expect(Object.keys(map)).toEqual(['c-1', 'c-2', 'c-9']);
    expect(map['c-1'].map((w: { workflowId: string }) => w.workflowId)).toEqual(['wf-1']);
    expect(map['c-2'].map((w: { workflowId: string }) => w.workflowId)).toEqual(['wf-3']);
    expect(map['c-9']).toEqual([]);
    expect((await api.call('POST', '/api/workflow/orders/correlated', { body: [] })).json()).toEqual({});
  });

  it('refuses a body that is not a list of correlation ids', async () => {
    const api = await makeApi();
    for (const body of [{ ids: ['c-1'] }, ['c-1', 7], ['']]) {
      expect((await api.call('POST', '/api/workflow/orders/correlated', { body })).json()).toMatchObject({
        status: 400,
        message: 'request body must be a list of correlation ids (non-empty strings)',
      });
    }
    const tooMany = Array.from({ length: 101 }, (_, i) => `c-${i}`);
    expect(
      (await api.call('POST', '/api/workflow/orders/correlated', { body: tooMany })).json(),
    ).toMatchObject({
      status: 400,
      message: 'at most 100 correlation ids per request, got 101',
    });
  });
});
