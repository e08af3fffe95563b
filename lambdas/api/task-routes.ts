import { workflowIdOfTask } from '../core/ids';
import { isTerminalTask, type Task, type TaskResult, type TaskUpdate } from '../core/index';
import { pollTasks } from '../engine/poll-tasks';
import { updateTask } from '../engine/update-task';
import { NotFoundError } from '../shared/errors';
import { checkedFields, type FieldRule, isObject, objectBody, queryInt, queryString } from './request';
import { json, noContent, text } from './responses';
import type { ApiDeps, ApiRequest, Route } from './router';
import {
  pollerOf,
  RESULT_LOGS_RULE,
  recordPoll,
  saveResultLogs,
  type TaskResultWithLogs,
} from './task-admin-routes';

/** Tasks per batch poll; more is capped, not refused, since a worker only asks for what it can take. */
export const MAX_BATCH_COUNT = 100;
/** API Gateway ends a request at 29 s; a long poll must answer well before that. */
export const MAX_POLL_TIMEOUT_MS = 20_000;
/** Conductor's defaults for `count` and `timeout`; its single poll waits as long as a batch one. */
const DEFAULT_POLL_TIMEOUT_MS = 100;

const aString: FieldRule['ok'] = (value) => typeof value === 'string';
const nonEmptyString: FieldRule['ok'] = (value) => typeof value === 'string' && value !== '';

/** The fields of Conductor's TaskResult the engine uses, and `logs`, kept by the task log store. */
const TASK_RESULT: Record<keyof TaskResultWithLogs, FieldRule> = {
  workflowInstanceId: { ok: nonEmptyString, wanted: 'the id of the task’s workflow', required: true },
  taskId: { ok: nonEmptyString, wanted: 'the id of the task', required: true },
  status: {
    ok: nonEmptyString,
    wanted: 'IN_PROGRESS, COMPLETED, FAILED or FAILED_WITH_TERMINAL_ERROR',
    required: true,
  },
  outputData: { ok: isObject, wanted: 'an object' },
  reasonForIncompletion: { ok: aString, wanted: 'a string' },
  callbackAfterSeconds: { ok: (value) => typeof value === 'number' && value >= 0, wanted: 'a number ≥ 0' },
  workerId: { ok: aString, wanted: 'a string' },
  extendLease: { ok: (value) => typeof value === 'boolean', wanted: 'true or false' },
  logs: RESULT_LOGS_RULE,
};

const taskResultOf = (request: ApiRequest): TaskResultWithLogs =>
  checkedFields(objectBody(request, 'a TaskResult'), TASK_RESULT, 'TaskResult');

/**
 * The type to hand the worker its next task of, as Conductor's update-v2 decides: only once the
 * reported task has ended. A result the engine ignored was for a task that had already ended.
 */
const endedTaskType = async (deps: ApiDeps, result: TaskResult, update: TaskUpdate) => {
  if (update.kind === 'updated') return isTerminalTask(update.task.status) ? update.task.taskType : undefined;
  if (update.kind !== 'ignored') return undefined;
  return (await deps.store.getTask(result.workflowInstanceId, result.taskId))?.task.taskType;
};

const findTask = async (deps: ApiDeps, taskId: string): Promise<Task | undefined> =>
  (await deps.store.getTask(workflowIdOfTask(taskId), taskId))?.task;

export const taskRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/tasks/poll/batch/{taskType}',
    handle: async (request, deps) => {
      // `domain` is accepted and ignored: Baton has no task domains, every worker polls one queue per type.
      const count = Math.min(queryInt(request, 'count', { min: 1 }) ?? 1, MAX_BATCH_COUNT);
      const timeout = queryInt(request, 'timeout', { min: 0 }) ?? DEFAULT_POLL_TIMEOUT_MS;
      const recorded = recordPoll(deps, pollerOf(request));
      const tasks = await pollTasks(deps, {
        taskType: request.params.taskType!,
        count,
        workerId: queryString(request, 'workerid'),
        timeoutMs: Math.min(timeout, MAX_POLL_TIMEOUT_MS),
      });
      await recorded;
      return json(tasks);
    },
  },
  {
    method: 'GET',
    path: '/api/tasks/poll/{taskType}',
    handle: async (request, deps) => {
      const recorded = recordPoll(deps, pollerOf(request));
      const [task] = await pollTasks(deps, {
        taskType: request.params.taskType!,
        count: 1,
        workerId: queryString(request, 'workerid'),
        timeoutMs: DEFAULT_POLL_TIMEOUT_MS,
      });
      await recorded;
      return task ? json(task) : noContent();
    },
  },
  {
    method: 'POST',
    path: '/api/tasks',
    handle: async (request, deps) => {
      const result = taskResultOf(request);
      await saveResultLogs(deps, result, await updateTask(deps, result, 'now'));
      return text(result.taskId);
    },
  },
  {
    method: 'POST',
    path: '/api/tasks/update-v2',
    handle: async (request, deps) => {
      const result = taskResultOf(request);
      const update = await updateTask(deps, result, 'now');
      await saveResultLogs(deps, result, update);
      const taskType = await endedTaskType(deps, result, update);
      if (taskType === undefined) return noContent();
      // One claim, no waiting: the worker's own poll loop does the waiting.
      const recorded = recordPoll(deps, { taskType, workerId: result.workerId });
      const [next] = await pollTasks(deps, { taskType, count: 1, workerId: result.workerId, timeoutMs: 0 });
      await recorded;
      return next ? json(next) : noContent();
    },
  },
  {
    method: 'GET',
    path: '/api/tasks/{taskId}',
    handle: async (request, deps) => {
      const { taskId } = request.params as { taskId: string };
      const task = await findTask(deps, taskId);
      if (!task) throw new NotFoundError(`Task not found for taskId: ${taskId}`);
      return json(task);
    },
  },
];
