import type { RerunRequest, SkipTaskRequest } from '../core/index';
import {
  type OperationOutcome,
  pauseWorkflow,
  removeWorkflow,
  requestDecide,
  rerunWorkflow,
  restartWorkflow,
  resumeWorkflow,
  retryWorkflow,
  skipWorkflowTask,
} from '../engine/operate-workflow';
import { retryWhileBusy } from './busy-retry';
import {
  checkedFields,
  type FieldRule,
  isObject,
  objectBody,
  optionalObjectBody,
  queryBool,
} from './request';
import { empty, text } from './responses';
import type { ApiDeps, Route } from './router';

/**
 * Conductor's operations on a running or ended workflow, with its paths and answers: 200 with an
 * empty body, except retry and restart (204, as Conductor answers them) and rerun (the workflow id
 * as text). Each is applied through the engine's decide path (engine/operate-workflow.ts).
 */

/** An operation, attempted again while the workflow is busy (busy-retry.ts). */
const whileBusy = (
  deps: ApiDeps,
  workflowId: string,
  what: string,
  attempt: () => Promise<OperationOutcome>,
): Promise<void> =>
  retryWhileBusy(deps, workflowId, what, async () => {
    const outcome = await attempt();
    return outcome.kind === 'applied' ? undefined : outcome.reason;
  });

const anObject: FieldRule['ok'] = isObject;
const aString: FieldRule['ok'] = (value) => typeof value === 'string';

const SKIP_TASK_REQUEST: Record<string, FieldRule> = {
  taskInput: { ok: anObject, wanted: 'an object: input recorded on the skipped task' },
  taskOutput: { ok: anObject, wanted: 'an object: the skipped task’s output' },
};

/** RerunWorkflowRequest; its reRunFromWorkflowId is the path's, as in Conductor. */
const RERUN_REQUEST: Record<string, FieldRule> = {
  reRunFromWorkflowId: { ok: aString, wanted: 'a string (the path names the workflow)' },
  reRunFromTaskId: {
    ok: (value) => typeof value === 'string' && value !== '',
    wanted: 'a non-empty string: the id of the task to run again',
  },
  taskInput: { ok: anObject, wanted: 'an object, merged over the task’s input' },
  workflowInput: { ok: anObject, wanted: 'an object, the workflow’s new input' },
  correlationId: { ok: aString, wanted: 'a string' },
};

export const workflowOperationRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/api/workflow/decide/{workflowId}',
    handle: async (request, deps) => {
      await requestDecide(deps, request.params.workflowId!);
      return empty();
    },
  },
  {
    method: 'PUT',
    path: '/api/workflow/{workflowId}/pause',
    handle: async (request, deps) => {
      const { workflowId } = request.params as { workflowId: string };
      await whileBusy(deps, workflowId, 'paused', () => pauseWorkflow(deps, workflowId));
      return empty();
    },
  },
  {
    method: 'PUT',
    path: '/api/workflow/{workflowId}/resume',
    handle: async (request, deps) => {
      const { workflowId } = request.params as { workflowId: string };
      await whileBusy(deps, workflowId, 'resumed', () => resumeWorkflow(deps, workflowId));
      return empty();
    },
  },
  {
    method: 'PUT',
    path: '/api/workflow/{workflowId}/skiptask/{taskReferenceName}',
    handle: async (request, deps) => {
      const { workflowId, taskReferenceName } = request.params as {
        workflowId: string;
        taskReferenceName: string;
      };
      // Conductor binds SkipTaskRequest without requiring it; no body skips with an empty output.
      const body = optionalObjectBody(request, 'a SkipTaskRequest');
      const skip = checkedFields<SkipTaskRequest>(body, SKIP_TASK_REQUEST, 'SkipTaskRequest');
      await whileBusy(deps, workflowId, `changed (skipping ${taskReferenceName})`, () =>
        skipWorkflowTask(deps, workflowId, taskReferenceName, skip),
      );
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/api/workflow/{workflowId}/retry',
    handle: async (request, deps) => {
      const { workflowId } = request.params as { workflowId: string };
      const resumeSubworkflowTasks = queryBool(request, 'resumeSubworkflowTasks', false);
      await whileBusy(deps, workflowId, 'retried', () =>
        retryWorkflow(deps, workflowId, { resumeSubworkflowTasks }),
      );
      return empty(204);
    },
  },
  {
    method: 'POST',
    path: '/api/workflow/{workflowId}/restart',
    handle: async (request, deps) => {
      const { workflowId } = request.params as { workflowId: string };
      const useLatestDefinitions = queryBool(request, 'useLatestDefinitions', false);
      await whileBusy(deps, workflowId, 'restarted', () =>
        restartWorkflow(deps, workflowId, { useLatestDefinitions }),
      );
      return empty(204);
    },
  },
  {
    method: 'POST',
    path: '/api/workflow/{workflowId}/rerun',
    handle: async (request, deps) => {
      const { workflowId } = request.params as { workflowId: string };
      const body = objectBody(request, 'a RerunWorkflowRequest');
      const { reRunFromWorkflowId: _fromPath, ...rerun } = checkedFields<
        RerunRequest & { reRunFromWorkflowId?: string }
      >(body, RERUN_REQUEST, 'RerunWorkflowRequest');
      await whileBusy(deps, workflowId, 'rerun', () => rerunWorkflow(deps, workflowId, rerun));
      return text(workflowId);
    },
  },
  {
    method: 'DELETE',
    path: '/api/workflow/{workflowId}/remove',
    handle: async (request, deps) => {
      // archiveWorkflow is accepted and ignored: Baton keeps no archive, removing is deleting.
      queryBool(request, 'archiveWorkflow', true);
      const { workflowId } = request.params as { workflowId: string };
      try {
        await removeWorkflow(deps, workflowId);
      } finally {
        // Also when the execution is already gone: a removal that stopped half way left them.
        await deps.taskLogs.removeTaskLogs(workflowId);
      }
      return empty();
    },
  },
];
