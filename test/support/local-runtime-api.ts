/**
 * The local runtime (infra/local/start.ts) for a test file, and a thin client for its Conductor
 * HTTP API. Tests that use it go through the whole path: HTTP → API handler → store on moto →
 * decide queue → decide handler, exactly as `npm start` runs it.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type LocalRuntimeOptions, startLocalRuntime } from '../../infra/local/start';
import type { Task, TaskDef, Workflow, WorkflowDef } from '../../lambdas/core/model';
import type { TaskResult } from '../../lambdas/core/task-result';
import { RETRY_DELAY_SECONDS } from '../../lambdas/handlers/decide';
import { externalEndpoint } from './aws-endpoint';

export type LocalRuntime = Awaited<ReturnType<typeof startLocalRuntime>>;

/**
 * An hour between reconcile runs: switched off for any test's duration, so the normal path alone
 * must deliver. (Not larger: setInterval turns a delay above 2^31 - 1 ms into 1 ms.)
 */
export const RECONCILE_OFF_MS = 3_600_000;

export interface UseLocalRuntimeOptions extends LocalRuntimeOptions {
  prefix: string;
}

/**
 * Starts the local runtime (its own moto, or the emulator AWS_ENDPOINT_URL names; a free port; the
 * reconcile off) before the file's tests and stops it after them. If it cannot start (moto missing,
 * say), every test of the file FAILS with the reason: a failing `beforeAll` alone would only mark
 * the tests skipped.
 * Read the returned object's fields inside tests and hooks, not at import.
 */
export const useLocalRuntime = (
  options: UseLocalRuntimeOptions,
): { readonly runtime: LocalRuntime; readonly api: BatonApi } => {
  let runtime: LocalRuntime | undefined;
  let api: BatonApi | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      runtime = await startLocalRuntime({
        port: 0,
        endpoint: externalEndpoint(),
        reconcileEveryMs: RECONCILE_OFF_MS,
        log: () => {},
        ...options,
      });
      api = new BatonApi(runtime.url);
    } catch (error) {
      failure = error;
    }
  }, 60_000);
  beforeEach(() => {
    if (failure) throw failure;
  });
  afterAll(async () => {
    await runtime?.stop();
  }, 30_000);
  const running = () => {
    if (failure) throw failure;
    if (!runtime || !api) throw new Error('the local runtime is not running: use it inside tests');
    return { runtime, api };
  };
  return {
    get runtime() {
      return running().runtime;
    },
    get api() {
      return running().api;
    },
  };
};

/** The Conductor API of a running Baton, over HTTP; any non-2xx answer throws with its body. */
export class BatonApi {
  constructor(readonly baseUrl: string) {}

  registerTaskDefs(defs: Partial<TaskDef>[]): Promise<void> {
    return this.call('POST', '/api/metadata/taskdefs', defs).then(() => undefined);
  }

  registerWorkflow(def: WorkflowDef): Promise<void> {
    return this.call('POST', '/api/metadata/workflow?overwrite=true', def).then(() => undefined);
  }

  /** Starts a workflow by name; answers its id. */
  startWorkflow(name: string, input: Record<string, unknown> = {}): Promise<string> {
    return this.call('POST', `/api/workflow/${encodeURIComponent(name)}`, input);
  }

  async poll(taskType: string, count: number, workerId: string, timeoutMs = 0): Promise<Task[]> {
    const query = new URLSearchParams({
      count: String(count),
      timeout: String(timeoutMs),
      workerid: workerId,
    });
    const body = await this.call('GET', `/api/tasks/poll/batch/${encodeURIComponent(taskType)}?${query}`);
    return JSON.parse(body) as Task[];
  }

  /** POST /api/tasks; resolves once the API has acknowledged the result. */
  updateTask(result: TaskResult): Promise<string> {
    return this.call('POST', '/api/tasks', result);
  }

  complete(task: Task, workerId: string, outputData: Record<string, unknown> = {}): Promise<string> {
    return this.updateTask({
      workflowInstanceId: task.workflowInstanceId,
      taskId: task.taskId,
      status: 'COMPLETED',
      outputData,
      workerId,
    });
  }

  async getWorkflow(workflowId: string): Promise<Workflow> {
    const body = await this.call('GET', `/api/workflow/${encodeURIComponent(workflowId)}?includeTasks=true`);
    return JSON.parse(body) as Workflow;
  }

  private async call(method: string, path: string, body?: unknown): Promise<string> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text;
  }
}

/**
 * Counts the decide requests sent to the decide queue: immediate ones (a start, a worker's result,
 * a decide that continues), hand-backs (the decide handler found the lease busy and asked again in
 * RETRY_DELAY_SECONDS) and timers (delayed requests for a deadline). A timer due within
 * RETRY_DELAY_SECONDS.max would count as a hand-back; tests that count them keep deadlines far off.
 */
export const countDecideRequests = (runtime: LocalRuntime) => {
  const queue = runtime.deps.decideQueue;
  const original = queue.requestDecide;
  const counts = { immediate: 0, handBacks: 0, timers: 0 };
  queue.requestDecide = (workflowId: string, delaySeconds?: number) => {
    if (!delaySeconds) counts.immediate++;
    else if (delaySeconds <= RETRY_DELAY_SECONDS.max) counts.handBacks++;
    else counts.timers++;
    return original.call(queue, workflowId, delaySeconds);
  };
  const restore = () => {
    queue.requestDecide = original;
  };
  return { counts, restore };
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Counts what the decide queue delivers to the decide handler: messages, and decides run (the
 * handler decides each workflow of a batch once). Reads the SQS client the decide queue shares with
 * the local runtime's queue pollers.
 */
export const countDecideDeliveries = (runtime: LocalRuntime) => {
  const client = (runtime.deps.decideQueue as unknown as { client: SQSClient }).client;
  const counts = { messages: 0, decides: 0, batches: 0 };
  const name = `count-decide-deliveries-${Math.random().toString(36).slice(2)}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { QueueUrl?: string };
      if (
        context.commandName === 'ReceiveMessageCommand' &&
        input.QueueUrl === runtime.config.decideQueueUrl
      ) {
        const messages = (result.output as { Messages?: { Body?: string }[] }).Messages ?? [];
        if (messages.length > 0) {
          counts.batches++;
          counts.messages += messages.length;
          counts.decides += new Set(messages.map((message) => message.Body)).size;
        }
      }
      return result;
    },
    { step: 'initialize', name },
  );
  return { counts, restore: () => void client.middlewareStack.remove(name) };
};
