import type { StartWorkflowRequest } from './effects';
import { type Workflow, type WorkflowDef, WorkflowStatus } from './model';

export interface StartIdentity {
  workflowId: string;
  now: number;
}

/**
 * A new execution, before its first decide. The definition's inputTemplate supplies defaults
 * under the given input, as Conductor merges it.
 */
export const createWorkflow = (
  definition: WorkflowDef,
  request: StartWorkflowRequest,
  { workflowId, now }: StartIdentity,
): Workflow => ({
  workflowId,
  workflowName: definition.name,
  workflowVersion: definition.version ?? 1,
  status: WorkflowStatus.RUNNING,
  input: { ...(definition.inputTemplate ?? {}), ...(request.input ?? {}) },
  output: {},
  variables: { ...(definition.variables ?? {}) },
  tasks: [],
  correlationId: request.correlationId,
  failedReferenceTaskNames: [],
  startTime: now,
  endTime: 0,
  createTime: now,
  updateTime: now,
  parentWorkflowId: request.parentWorkflowId,
  parentWorkflowTaskId: request.parentWorkflowTaskId,
  priority: request.priority ?? 0,
  idempotencyKey: request.idempotencyKey,
  taskToDomain: request.taskToDomain,
  nextDeadline: 0,
});
