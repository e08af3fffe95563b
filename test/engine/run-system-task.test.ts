import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childWorkflowIdFor } from '../../lambdas/core/ids';
import { terminateWorkflow } from '../../lambdas/engine/decide-workflow';
import { runSystemTask, SYSTEM_TASK_RUNNER } from '../../lambdas/engine/run-system-task';
import { startWorkflow } from '../../lambdas/engine/start-workflow';
import type { HttpClient } from '../../lambdas/ports';
import { startHttpServer } from '../support/http-server';
import { startSystemTask } from '../support/system-tasks';

let server: Awaited<ReturnType<typeof startHttpServer>>;

beforeAll(async () => {
  server = await startHttpServer({
    '/once': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"done":true}'),
    '/slow-once': (_req, res) => {
      setTimeout(() => res.writeHead(200).end('ok'), 100).unref();
    },
  });
});

afterAll(() => server.close());

const httpTo = (path: string) => ({
  type: 'HTTP',
  inputParameters: { http_request: { uri: server.url(path) } },
});

describe('the system-task runner under duplicate delivery', () => {
  it('calls the endpoint once when the same work is delivered twice', async () => {
    const run = await startSystemTask(httpTo('/once'));
    const before = server.hits('/once');
    expect(await runSystemTask(run.deps, run.work)).toEqual({ kind: 'ran', status: 'COMPLETED' });
    expect(await runSystemTask(run.deps, run.work)).toEqual({
      kind: 'skipped',
      reason: `task ${run.work.taskId} is COMPLETED`,
    });
    expect(server.hits('/once') - before).toBe(1);
  });

  it('calls the endpoint once when two deliveries arrive at the same time, handing the second back', async () => {
    const run = await startSystemTask(httpTo('/slow-once'));
    const before = server.hits('/slow-once');
    const [first, second] = await Promise.all([
      runSystemTask(run.deps, run.work),
      runSystemTask(run.deps, run.work),
    ]);
    expect([first, second]).toContainEqual({ kind: 'ran', status: 'COMPLETED' });
    expect([first, second]).toContainEqual(expect.objectContaining({ kind: 'later' }));
    expect(server.hits('/slow-once') - before).toBe(1);
  });

  it('takes over a task whose runner stopped after claiming it, once the claim has lapsed', async () => {
    const run = await startSystemTask(httpTo('/once'));
    const stopped: HttpClient = { send: () => new Promise(() => {}) };
    void runSystemTask({ ...run.deps, http: stopped }, run.work);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await run.task()).toMatchObject({ status: 'IN_PROGRESS', workerId: SYSTEM_TASK_RUNNER });
    // The claim covers the call's timeouts (3 s + 3 s by default) plus a minute.
    expect(await runSystemTask(run.deps, run.work)).toEqual({
      kind: 'later',
      delaySeconds: 66,
      reason: 'another delivery is carrying it out',
    });
    run.clock.advance(66_000);
    expect(await runSystemTask(run.deps, run.work)).toEqual({ kind: 'ran', status: 'COMPLETED' });
  });

  it('does nothing for a task canceled before its work arrived', async () => {
    const run = await startSystemTask(httpTo('/once'));
    await terminateWorkflow(run.deps, run.workflowId, 'operator');
    const before = server.hits('/once');
    expect(await runSystemTask(run.deps, run.work)).toEqual({
      kind: 'skipped',
      reason: `task ${run.work.taskId} is CANCELED`,
    });
    expect(server.hits('/once')).toBe(before);
  });

  it('hands back work delivered before the task is due, with the delay still to wait', async () => {
    const run = await startSystemTask({ ...httpTo('/once'), startDelay: 1_800 });
    expect(await runSystemTask(run.deps, run.work)).toEqual({
      kind: 'later',
      delaySeconds: 1_800,
      reason: 'not due yet',
    });
    expect((await run.task()).status).toBe('SCHEDULED');
  });
});

describe('the EVENT system task', () => {
  it('publishes the input with the workflow identity to an sqs sink and completes', async () => {
    const run = await startSystemTask(
      { type: 'EVENT', sink: 'sqs:orders', inputParameters: { order: '${workflow.input.order}' } },
      { input: { order: 42 } },
    );
    expect(await runSystemTask(run.deps, run.work)).toEqual({ kind: 'ran', status: 'COMPLETED' });
    const message = {
      order: 42,
      workflowInstanceId: run.workflowId,
      workflowType: 'system_task_flow',
      correlationId: null,
    };
    expect(run.events.published).toEqual([{ sink: { type: 'sqs', destination: 'orders' }, message }]);
    expect((await run.task()).outputData).toEqual({ ...message, event_produced: 'sqs:orders' });
  });

  it('fails with a terminal error naming the supported sinks when the prefix is unknown', async () => {
    const run = await startSystemTask({ type: 'EVENT', sink: 'kafka:orders', inputParameters: {} });
    await runSystemTask(run.deps, run.work);
    expect(await run.task()).toMatchObject({
      status: 'FAILED_WITH_TERMINAL_ERROR',
      reasonForIncompletion: 'unsupported sink "kafka:orders": supported sinks are sqs:<queue name or URL>',
    });
    expect(run.events.published).toEqual([]);
  });

  it('fails the task, retryably, when publishing fails', async () => {
    const run = await startSystemTask({ type: 'EVENT', sink: 'sqs:missing', inputParameters: {} });
    run.events.failWith = new Error('QueueDoesNotExist');
    await runSystemTask(run.deps, run.work);
    expect(await run.task()).toMatchObject({
      status: 'FAILED',
      reasonForIncompletion: 'could not publish to sqs:missing: Error: QueueDoesNotExist',
    });
  });
});

describe('the START_WORKFLOW system task', () => {
  const child = {
    name: 'child_flow',
    version: 1,
    schemaVersion: 2,
    tasks: [{ name: 'w', taskReferenceName: 'w' }],
  };
  const startStep = {
    type: 'START_WORKFLOW',
    inputParameters: { startWorkflow: { name: 'child_flow', input: { n: '${workflow.input.n}' } } },
  };

  it('starts the workflow once under an id derived from the task, even when delivered twice', async () => {
    const run = await startSystemTask(startStep, { input: { n: 3 } });
    await run.metadata.putWorkflowDef(child);
    const childId = childWorkflowIdFor(run.work.taskId);
    expect(await runSystemTask(run.deps, run.work)).toEqual({ kind: 'ran', status: 'COMPLETED' });
    expect(await runSystemTask(run.deps, run.work)).toMatchObject({ kind: 'skipped' });
    expect((await run.task()).outputData).toEqual({ workflowId: childId });
    const started = await run.store.load(childId);
    expect(started?.workflow).toMatchObject({ workflowName: 'child_flow', input: { n: 3 } });
    expect(started?.workflow.parentWorkflowId).toBeUndefined();
    expect(run.decideQueue.requests.filter((r) => r.workflowId === childId)).toHaveLength(1);
  });

  it('does not start a second child when redelivered after a crash between starting it and recording it', async () => {
    const run = await startSystemTask(startStep, { input: { n: 3 } });
    await run.metadata.putWorkflowDef(child);
    const childId = childWorkflowIdFor(run.work.taskId);
    // The earlier delivery got as far as starting the child; the task is still SCHEDULED.
    await startWorkflow(run.deps, { name: 'child_flow', input: { n: 3 } }, { workflowId: childId });
    expect(await runSystemTask(run.deps, run.work)).toEqual({ kind: 'ran', status: 'COMPLETED' });
    expect((await run.task()).outputData).toEqual({ workflowId: childId });
    expect(run.decideQueue.requests.filter((r) => r.workflowId === childId)).toHaveLength(1);
  });

  it('fails the task with the reason when the workflow to start is not defined', async () => {
    const run = await startSystemTask(startStep);
    await runSystemTask(run.deps, run.work);
    expect(await run.task()).toMatchObject({
      status: 'FAILED',
      reasonForIncompletion:
        'could not start workflow: No such workflow found by name: child_flow, version: latest',
    });
  });
});
