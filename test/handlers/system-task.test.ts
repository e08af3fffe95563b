import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSystemTaskHandler } from '../../lambdas/handlers/system-task';
import type { HttpClient } from '../../lambdas/ports';
import type { RecordingSystemTaskQueue } from '../fakes/in-memory-ports';
import { startHttpServer } from '../support/http-server';
import { startSystemTask } from '../support/system-tasks';

let server: Awaited<ReturnType<typeof startHttpServer>>;

beforeAll(async () => {
  server = await startHttpServer({ '/ok': (_req, res) => res.writeHead(200).end('fine') });
});

afterAll(() => server.close());

beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

const startHttp = () =>
  startSystemTask({ type: 'HTTP', inputParameters: { http_request: { uri: server.url('/ok') } } });

const recordOf = (messageId: string, work: object) => ({ messageId, body: JSON.stringify(work) });

describe('the system-task handler', () => {
  it('runs a task once however many records of the batch carry it', async () => {
    const run = await startHttp();
    const before = server.hits('/ok');
    const handler = createSystemTaskHandler(run.deps);
    const event = { Records: [recordOf('m1', run.work), recordOf('m2', run.work)] };
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(server.hits('/ok') - before).toBe(1);
    expect((await run.task()).status).toBe('COMPLETED');
  });

  it('hands work claimed by another delivery back to the queue with the delay its claim has left', async () => {
    const run = await startHttp();
    const stuck: HttpClient = { send: () => new Promise(() => {}) };
    void createSystemTaskHandler({ ...run.deps, http: stuck })({ Records: [recordOf('m1', run.work)] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    run.clock.advance(6_000);
    expect(await createSystemTaskHandler(run.deps)({ Records: [recordOf('m2', run.work)] })).toEqual({
      batchItemFailures: [],
    });
    expect((run.deps.systemTasks as RecordingSystemTaskQueue).work).toEqual([
      { ...run.work, delaySeconds: 60 },
    ]);
  });

  it('reports a record only when its work could neither run nor be handed back', async () => {
    const run = await startSystemTask({
      type: 'HTTP',
      startDelay: 60,
      inputParameters: { uri: server.url('/ok') },
    });
    run.deps.systemTasks.enqueue = async () => {
      throw new Error('SQS is throttling');
    };
    const event = { Records: [recordOf('m1', run.work), { messageId: 'bad', body: '{"workflowId":"w"}' }] };
    expect(await createSystemTaskHandler(run.deps)(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'bad' }, { itemIdentifier: 'm1' }],
    });
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('lacks taskId, taskType'));
  });
});
