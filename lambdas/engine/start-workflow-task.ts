import {
  childWorkflowIdFor,
  type JsonMap,
  type StartWorkflowRequest,
  type Task,
  type TaskResult,
  TaskStatus,
} from '../core/index';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { EngineDeps } from './deps';
import { startWorkflow } from './start-workflow';

type Outcome = Pick<TaskResult, 'status' | 'outputData' | 'reasonForIncompletion'>;

/** Only the fields a client may set: a parentWorkflowId would make the child report back to this task. */
const START_FIELDS = [
  'name',
  'version',
  'input',
  'correlationId',
  'taskToDomain',
  'workflowDef',
  'priority',
  'idempotencyKey',
] as const;

const isObject = (value: unknown): value is JsonMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * START_WORKFLOW: starts the workflow `startWorkflow` names, fire and forget, under an id derived
 * from this task, so a repeated start finds it created. A store error propagates (the child may
 * exist by then): the runner's claim lapses and a later delivery starts it again under the same id,
 * which is a no-op.
 */
export const runStartWorkflowTask = async (
  deps: Pick<EngineDeps, 'metadata' | 'store' | 'decideQueue' | 'clock' | 'ids'>,
  task: Task,
): Promise<Outcome> => {
  const start = task.inputData.startWorkflow;
  if (!isObject(start) || typeof start.name !== 'string' || start.name === '') {
    return {
      status: TaskStatus.FAILED_WITH_TERMINAL_ERROR,
      reasonForIncompletion: 'a START_WORKFLOW task needs startWorkflow.name in its input',
    };
  }
  const request = Object.fromEntries(
    START_FIELDS.filter((field) => start[field] !== undefined).map((field) => [field, start[field]]),
  ) as unknown as StartWorkflowRequest;
  try {
    const workflowId = await startWorkflow(deps, request, { workflowId: childWorkflowIdFor(task.taskId) });
    return { status: TaskStatus.COMPLETED, outputData: { workflowId } };
  } catch (error) {
    if (!(error instanceof NotFoundError || error instanceof ValidationError)) throw error;
    // FAILED, not terminal: registering the definition makes a retry succeed.
    return { status: TaskStatus.FAILED, reasonForIncompletion: `could not start workflow: ${error.message}` };
  }
};
