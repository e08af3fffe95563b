import { Buffer } from 'node:buffer';
import { baseRefOf, workflowIdOfTask } from '../core/ids';
import { isTerminalTask, type Task, type TaskResult, type TaskUpdate } from '../core/index';
import { updateTask } from '../engine/update-task';
import type { TaskExecLog } from '../ports';
import { ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from '../shared/errors';
import { type FieldRule, isObject, optionalObjectBody, queryString } from './request';
import { empty, json, noContent, text } from './responses';
import type { ApiDeps, ApiRequest, Route } from './router';

/**
 * The task endpoints beside the worker protocol: task logs, updating a task by its reference, and
 * poll data. Logs and poll data live in stores of their own (ApiDeps): a failed write of either is
 * reported and swallowed where it rides on a worker's request, so it can never fail the poll or the
 * result it came with.
 */

/** The longest log line taken, in UTF-8 bytes. Each line is one item, billed per KiB written. */
export const MAX_LOG_LINE_BYTES = 32_768;
/** Log lines taken from one TaskResult; further ones are dropped, and a last line says how many. */
export const MAX_RESULT_LOG_LINES = 100;
/**
 * Bytes of JSON one GET of a task's log answers with at most; Lambda refuses answers past 6 MB.
 * The newest lines that fit are answered, after a first line saying that older ones were left out.
 */
export const MAX_LOG_RESPONSE_BYTES = 4 * 1_048_576;
/** TaskResult statuses a worker reports (Conductor's TaskResult.Status). */
const RESULT_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR'] as const;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** A line cut to the limit, saying so; a cut through a multi-byte character drops that character. */
const clipped = (line: string): string => {
  const bytes = utf8Bytes(line);
  if (bytes <= MAX_LOG_LINE_BYTES) return line;
  const note = ` [cut: the line was ${bytes} bytes, the limit is ${MAX_LOG_LINE_BYTES}]`;
  const kept = Buffer.from(line, 'utf8')
    .subarray(0, MAX_LOG_LINE_BYTES - utf8Bytes(note))
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  return `${kept}${note}`;
};

/** One entry of TaskResult.logs, as the SDKs send a TaskExecLog. */
interface ResultLog {
  log: string;
  createdTime?: number;
}

export type TaskResultWithLogs = TaskResult & { logs?: ResultLog[] };

const isResultLog = (value: unknown): value is ResultLog =>
  isObject(value) &&
  typeof value.log === 'string' &&
  (value.createdTime === undefined ||
    value.createdTime === null ||
    (typeof value.createdTime === 'number' && Number.isFinite(value.createdTime) && value.createdTime >= 0));

/** The rule for TaskResult's `logs` (task-routes.ts). */
export const RESULT_LOGS_RULE: FieldRule = {
  ok: (value) => Array.isArray(value) && value.every(isResultLog),
  wanted: 'a list of TaskExecLog objects, each with a string log and an optional createdTime in epoch ms',
};

/**
 * Keeps the logs of a result that changed its task (a duplicate of a result already taken is not
 * logged twice). Over-long lines are cut and lines past the per-result limit dropped, both with a
 * note, rather than refusing the result: the result matters more than its logs.
 */
export const saveResultLogs = async (
  deps: ApiDeps,
  result: TaskResultWithLogs,
  update: TaskUpdate,
): Promise<void> => {
  if (update.kind !== 'updated' || !result.logs?.length) return;
  const now = deps.clock.now();
  const lines: TaskExecLog[] = result.logs.slice(0, MAX_RESULT_LOG_LINES).map(({ log, createdTime }) => ({
    taskId: result.taskId,
    log: clipped(log),
    createdTime: createdTime ?? now,
  }));
  const dropped = result.logs.length - MAX_RESULT_LOG_LINES;
  if (dropped > 0) {
    const log = `[${dropped} more log lines dropped: a TaskResult keeps at most ${MAX_RESULT_LOG_LINES}]`;
    lines.push({ taskId: result.taskId, log, createdTime: now });
  }
  try {
    await deps.taskLogs.appendTaskLogs(result.workflowInstanceId, lines);
  } catch (error) {
    reportLost('task log lines not stored', { taskId: result.taskId, lines: lines.length }, error);
  }
};

/** Who polled: the task type and what the worker said about itself. */
interface Poller {
  taskType: string;
  workerId?: string;
  domain?: string;
}

export const pollerOf = (request: ApiRequest): Poller => ({
  taskType: request.params.taskType!,
  workerId: queryString(request, 'workerid'),
  domain: queryString(request, 'domain'),
});

/** Records a poll for GET /api/tasks/queue/polldata; never throws, a lost record only ages the data. */
export const recordPoll = async (deps: ApiDeps, { taskType, workerId, domain }: Poller): Promise<void> => {
  try {
    await deps.pollData.recordPoll({
      queueName: taskType,
      ...(workerId === undefined ? {} : { workerId }),
      ...(domain === undefined ? {} : { domain }),
      lastPollTime: deps.clock.now(),
    });
  } catch (error) {
    reportLost('poll data not recorded', { taskType, workerId }, error);
  }
};

const reportLost = (message: string, context: Record<string, unknown>, error: unknown): void => {
  const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(JSON.stringify({ message, ...context, reason }));
};

const existingTask = async (deps: ApiDeps, taskId: string): Promise<Task> => {
  const found = await deps.store.getTask(workflowIdOfTask(taskId), taskId);
  if (!found) throw new NotFoundError(`Task not found for taskId: ${taskId}`);
  return found.task;
};

/**
 * The log line of POST /tasks/{taskId}/log. Conductor takes the body as raw text; its SDKs send
 * the line as a JSON string, so a body that parses as one is unquoted, and any other body is the
 * line as sent.
 */
const logLineOf = (request: ApiRequest): string => {
  const body = request.body ?? '';
  if (body.trim() === '') throw new ValidationError('request body is required: the log line');
  let line = body;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'string') line = parsed;
  } catch {
    // Not JSON: the line as sent.
  }
  const bytes = utf8Bytes(line);
  if (bytes > MAX_LOG_LINE_BYTES) {
    throw new PayloadTooLargeError(`log line is ${bytes} bytes; the limit is ${MAX_LOG_LINE_BYTES}`);
  }
  return line;
};

/** The newest lines that fit in the answer, oldest first, and whether older ones were left out. */
const newestThatFit = async (deps: ApiDeps, task: Task) => {
  const newestFirst: TaskExecLog[] = [];
  let bytes = 2;
  for await (const entry of deps.taskLogs.newestTaskLogs(task.workflowInstanceId, task.taskId)) {
    bytes += utf8Bytes(JSON.stringify(entry)) + 1;
    if (bytes > MAX_LOG_RESPONSE_BYTES) return { logs: newestFirst.reverse(), truncated: true };
    newestFirst.push(entry);
  }
  return { logs: newestFirst.reverse(), truncated: false };
};

/**
 * Conductor's pending task for a reference: one not yet ended, matched on the reference as given,
 * else on its reference outside a loop iteration (`ref` finds `ref__2`); the latest attempt wins.
 */
const pendingTaskByRef = (tasks: readonly Task[], ref: string): Task | undefined => {
  const pending = tasks.filter((task) => !isTerminalTask(task.status)).sort((a, b) => b.seq - a.seq);
  return (
    pending.find((task) => task.referenceTaskName === ref) ??
    pending.find((task) => baseRefOf(task.referenceTaskName, task.iteration) === ref)
  );
};

const resultStatusOf = (status: string): string => {
  if ((RESULT_STATUSES as readonly string[]).includes(status)) return status;
  throw new ValidationError(
    `path segment status must be one of ${RESULT_STATUSES.join(', ')}, got ${JSON.stringify(status)}`,
  );
};

export const taskAdminRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/tasks/queue/polldata',
    handle: async (request, deps) => {
      const taskType = queryString(request, 'taskType');
      if (taskType === undefined) throw new ValidationError('query parameter taskType is required');
      const polls = await deps.pollData.listPollData(taskType);
      return json(polls.sort((a, b) => b.lastPollTime - a.lastPollTime));
    },
  },
  {
    method: 'POST',
    path: '/api/tasks/{taskId}/log',
    handle: async (request, deps) => {
      const line = logLineOf(request);
      const task = await existingTask(deps, request.params.taskId!);
      await deps.taskLogs.appendTaskLogs(task.workflowInstanceId, [
        { taskId: task.taskId, log: line, createdTime: deps.clock.now() },
      ]);
      return empty();
    },
  },
  {
    method: 'GET',
    path: '/api/tasks/{taskId}/log',
    handle: async (request, deps) => {
      const task = await existingTask(deps, request.params.taskId!);
      const { logs, truncated } = await newestThatFit(deps, task);
      // Conductor answers 204 rather than an empty list.
      if (logs.length === 0 && !truncated) return noContent();
      if (!truncated) return json(logs);
      const log = `[older log lines left out: one answer holds at most ${MAX_LOG_RESPONSE_BYTES} bytes]`;
      return json([{ taskId: task.taskId, log, createdTime: logs[0]?.createdTime ?? 0 }, ...logs]);
    },
  },
  {
    method: 'POST',
    path: '/api/tasks/{workflowId}/{taskRefName}/{status}',
    handle: async (request, deps) => {
      const { workflowId, taskRefName } = request.params as { workflowId: string; taskRefName: string };
      const status = resultStatusOf(request.params.status!);
      const outputData = optionalObjectBody(request, 'a JSON object: the task output');
      const stored = await deps.store.load(workflowId);
      if (!stored) throw new NotFoundError(`No such workflow found by id: ${workflowId}`);
      const task = pendingTaskByRef(stored.workflow.tasks, taskRefName);
      if (!task) {
        throw new NotFoundError(`Found no running task ${taskRefName} of workflow ${workflowId} to update`);
      }
      const result: TaskResult = {
        workflowInstanceId: workflowId,
        taskId: task.taskId,
        status,
        outputData,
        workerId: queryString(request, 'workerid'),
      };
      const update = await updateTask(deps, result, 'now');
      // It ended between the load and the update (a worker's result, a timeout, a terminate).
      if (update.kind === 'ignored') throw new ConflictError(update.reason);
      return text(task.taskId);
    },
  },
];
