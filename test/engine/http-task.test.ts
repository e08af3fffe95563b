import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSystemTask } from '../../lambdas/engine/run-system-task';
import { startHttpServer } from '../support/http-server';
import { startSystemTask } from '../support/system-tasks';

let server: Awaited<ReturnType<typeof startHttpServer>>;

beforeAll(async () => {
  server = await startHttpServer({
    '/json': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":7,"tags":["a"]}'),
    '/text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words'),
    '/mislabelled': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('{"ok":true}'),
    '/empty': (_req, res) => res.writeHead(204).end(),
    '/broken': (_req, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('try later'),
    '/slow': (_req, res) => {
      setTimeout(() => res.writeHead(200).end('late'), 2_000).unref();
    },
    '/echo': (req, res) =>
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ method: req.method, headers: req.headers, body: req.body })),
  });
});

afterAll(() => server.close());

const http = (request: Record<string, unknown>) => ({
  type: 'HTTP',
  inputParameters: { http_request: request },
});

describe('the HTTP system task', () => {
  it('completes with the parsed body of a JSON answer, and the workflow moves on', async () => {
    const run = await startSystemTask(http({ uri: server.url('/json') }));
    expect(await runSystemTask(run.deps, run.work)).toEqual({ kind: 'ran', status: 'COMPLETED' });
    const task = await run.task();
    expect(task.status).toBe('COMPLETED');
    expect(task.outputData.response).toMatchObject({
      statusCode: 200,
      reasonPhrase: 'OK',
      body: { id: 7, tags: ['a'] },
      headers: { 'content-type': ['application/json'] },
    });
    await run.drain();
    expect((await run.workflow()).status).toBe('COMPLETED');
  });

  it('keeps a text body as text', async () => {
    const run = await startSystemTask(http({ uri: server.url('/text') }));
    await runSystemTask(run.deps, run.work);
    expect((await run.task()).outputData.response).toMatchObject({ statusCode: 200, body: 'plain words' });
  });

  it('parses a JSON object even when the server labels it text/plain, as Conductor does', async () => {
    const run = await startSystemTask(http({ uri: server.url('/mislabelled') }));
    await runSystemTask(run.deps, run.work);
    expect((await run.task()).outputData.response).toMatchObject({ body: { ok: true } });
  });

  it('gives a null body for an answer without one', async () => {
    const run = await startSystemTask(http({ uri: server.url('/empty') }));
    await runSystemTask(run.deps, run.work);
    expect(await run.task()).toMatchObject({
      status: 'COMPLETED',
      outputData: { response: { statusCode: 204, body: null } },
    });
  });

  it('fails the task naming the status when the endpoint answers with an error', async () => {
    const run = await startSystemTask(http({ uri: server.url('/broken'), method: 'POST', body: { a: 1 } }));
    expect(await runSystemTask(run.deps, run.work)).toEqual({ kind: 'ran', status: 'FAILED' });
    const task = await run.task();
    expect(task.reasonForIncompletion).toBe(
      `POST ${server.url('/broken')} answered 503 Service Unavailable: try later`,
    );
    expect(task.outputData.response).toMatchObject({ statusCode: 503, body: 'try later' });
  });

  it('fails the task when the answer takes longer than connectionTimeOut + readTimeOut', async () => {
    const run = await startSystemTask(
      http({ uri: server.url('/slow'), connectionTimeOut: 100, readTimeOut: 200 }),
    );
    const started = Date.now();
    await runSystemTask(run.deps, run.work);
    expect(Date.now() - started).toBeLessThan(1_500);
    const task = await run.task();
    expect(task.status).toBe('FAILED');
    expect(task.reasonForIncompletion).toBe(
      `GET ${server.url('/slow')} failed: no complete response within 300 ms`,
    );
  });

  it('fails the task with the network error when nothing listens on the port', async () => {
    const closed = await startHttpServer({});
    const uri = closed.url('/gone');
    await closed.close();
    const run = await startSystemTask(http({ uri }));
    await runSystemTask(run.deps, run.work);
    const task = await run.task();
    expect(task.status).toBe('FAILED');
    expect(task.reasonForIncompletion).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/gone failed: fetch failed: .*ECONNREFUSED/,
    );
  });

  it('sends the method, headers and JSON body given directly in inputParameters (newer Conductor)', async () => {
    const run = await startSystemTask(
      {
        type: 'HTTP',
        inputParameters: {
          uri: server.url('/echo'),
          method: 'put',
          headers: { 'X-Trace': '${workflow.input.trace}', Accept: 'application/json' },
          body: { order: '${workflow.input.order}' },
        },
      },
      { input: { trace: 't-1', order: 42 } },
    );
    expect(await runSystemTask(run.deps, run.work)).toEqual({ kind: 'ran', status: 'COMPLETED' });
    const { body } = (await run.task()).outputData.response as {
      body: { method: string; headers: Record<string, string>; body: string };
    };
    expect(body.method).toBe('PUT');
    expect(body.headers).toMatchObject({
      'x-trace': 't-1',
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(JSON.parse(body.body)).toEqual({ order: 42 });
  });

  it('fails with a terminal error when the input has no uri', async () => {
    const run = await startSystemTask(http({ method: 'GET' }));
    await runSystemTask(run.deps, run.work);
    expect(await run.task()).toMatchObject({
      status: 'FAILED_WITH_TERMINAL_ERROR',
      reasonForIncompletion: 'an HTTP task needs http_request.uri (or uri in its input)',
    });
  });
});
