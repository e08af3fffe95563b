import { childWorkflowIdFor, iterationRef, taskIdFor } from '../ids';
import { TaskStatus, TaskType } from '../model';
import type { TaskKind } from './task-kind';

/**
 * Starts a child workflow (an effect; the child's id is derived from this attempt, so a repeated
 * start is harmless) and waits, IN_PROGRESS, for the child to report its outcome.
 */
export const subWorkflowTask: TaskKind = {
  runner: 'child',
  retryable: true,
  schedule(scope, plan) {
    const { draft } = scope;
    const { step, iteration } = plan;
    const params = step.subWorkflowParam ?? {};
    const ref = iterationRef(step.taskReferenceName, iteration);
    const taskId = taskIdFor(draft.workflow.workflowId, ref, iteration, plan.retryCount);
    const workflowId = childWorkflowIdFor(taskId);
    draft.add(step, iteration, {
      taskType: TaskType.SUB_WORKFLOW,
      status: TaskStatus.IN_PROGRESS,
      inputData: plan.input,
      retryCount: plan.retryCount,
      retriedTaskId: plan.retriedTaskId,
      subWorkflowId: workflowId,
    });
    draft.emit({
      type: 'startChildWorkflow',
      taskId,
      workflowId,
      request: {
        name: params.name ?? params.workflowDefinition?.name ?? step.name,
        version: params.version,
        workflowDef: params.workflowDefinition,
        input: plan.input,
        correlationId: draft.workflow.correlationId,
        taskToDomain: params.taskToDomain ?? draft.workflow.taskToDomain,
        priority: draft.workflow.priority,
        parentWorkflowId: draft.workflow.workflowId,
        parentWorkflowTaskId: taskId,
      },
    });
  },
};
