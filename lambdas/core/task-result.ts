import type { Effect } from './effects';
import {
  isTerminalTask,
  isTerminalWorkflow,
  type JsonMap,
  type Task,
  TaskStatus,
  type Workflow,
} from './model';
import { oversizedPayload } from './payload-limits';
import { pollableAt } from './timeouts';

/** What a worker reports (Conductor's TaskResult). */
export interface TaskResult {
  workflowInstanceId: string;
  taskId: string;
  status: string;
  outputData?: JsonMap;
  reasonForIncompletion?: string;
  callbackAfterSeconds?: number;
  workerId?: string;
  extendLease?: boolean;
}

export type TaskUpdate =
  /** The task changed; `needsDecide` says whether the workflow may move because of it. */
  | { kind: 'updated'; task: Task; effects: Effect[]; needsDecide: boolean }
  /** A duplicate or late result for a task or workflow that has already ended: acknowledged, no change. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'notFound'; reason: string }
  | { kind: 'invalid'; reason: string };

const REPORTABLE = new Set<string>([
  TaskStatus.IN_PROGRESS,
  TaskStatus.COMPLETED,
  TaskStatus.FAILED,
  TaskStatus.FAILED_WITH_TERMINAL_ERROR,
]);

/**
 * Applies a worker's result to its task. A result for a task that already ended changes nothing,
 * so duplicates and results that arrive after a timeout retried the task are harmless.
 */
export const applyTaskResult = (
  workflow: Workflow,
  task: Task | undefined,
  result: TaskResult,
  now: number,
): TaskUpdate => {
  if (task && task.workflowInstanceId === workflow.workflowId && isTerminalWorkflow(workflow.status)) {
    return { kind: 'ignored', reason: `workflow ${workflow.workflowId} is already ${workflow.status}` };
  }
  return applyResultToTask(task, result, now);
};

/**
 * The same, from the task alone, as the runtime sees it: an ended workflow's tasks have all ended
 * too, so the task's own status is enough to ignore a late result.
 */
export const applyResultToTask = (task: Task | undefined, result: TaskResult, now: number): TaskUpdate => {
  if (!REPORTABLE.has(result.status)) {
    return {
      kind: 'invalid',
      reason: `status must be one of ${[...REPORTABLE].join(', ')}, not ${result.status}`,
    };
  }
  if (!task || task.workflowInstanceId !== result.workflowInstanceId) {
    return {
      kind: 'notFound',
      reason: `task ${result.taskId} not found in workflow ${result.workflowInstanceId}`,
    };
  }
  if (isTerminalTask(task.status)) {
    return { kind: 'ignored', reason: `task ${task.taskId} is already ${task.status}` };
  }
  const outputData = { ...task.outputData, ...(result.outputData ?? {}) };
  const workerId = result.workerId ?? task.workerId;
  const oversized = oversizedPayload('the task output', outputData);
  if (oversized) {
    // As Conductor does past its payload threshold: the task fails for good, its output dropped.
    const failed: Task = {
      ...task,
      status: TaskStatus.FAILED_WITH_TERMINAL_ERROR,
      outputData: {},
      workerId,
      reasonForIncompletion: oversized,
      endTime: now,
      updateTime: now,
    };
    return { kind: 'updated', task: failed, effects: [], needsDecide: true };
  }
  if (result.status !== TaskStatus.IN_PROGRESS) {
    const ended: Task = {
      ...task,
      status: result.status as Task['status'],
      outputData,
      workerId,
      reasonForIncompletion: result.reasonForIncompletion ?? task.reasonForIncompletion,
      endTime: now,
      updateTime: now,
    };
    return { kind: 'updated', task: ended, effects: [], needsDecide: true };
  }
  if (result.extendLease) {
    return { kind: 'updated', task: { ...task, updateTime: now }, effects: [], needsDecide: false };
  }
  const callback = Math.max(0, Math.floor(result.callbackAfterSeconds ?? 0));
  if (callback === 0) {
    return {
      kind: 'updated',
      task: { ...task, outputData, workerId, updateTime: now },
      effects: [],
      needsDecide: false,
    };
  }
  // Back to SCHEDULED: the same task is handed out again after the callback.
  const postponed: Task = {
    ...task,
    status: TaskStatus.SCHEDULED,
    outputData,
    workerId,
    callbackAfterSeconds: callback,
    callbackTime: now + callback * 1000,
    updateTime: now,
  };
  return {
    kind: 'updated',
    task: postponed,
    effects: [
      { type: 'scheduleWorkerTask', taskId: task.taskId, taskType: task.taskType, delaySeconds: callback },
    ],
    needsDecide: true,
  };
};

/** A worker picked the task up. Returns undefined when it is not pollable (ended, or not due yet). */
export const markPolled = (task: Task, workerId: string | undefined, now: number): Task | undefined => {
  if (task.status !== TaskStatus.SCHEDULED || pollableAt(task) > now) return undefined;
  return {
    ...task,
    status: TaskStatus.IN_PROGRESS,
    pollCount: task.pollCount + 1,
    startTime: task.startTime || now,
    workerId,
    updateTime: now,
  };
};
