import type { StartWorkflowRequest } from '../effects';
import { childWorkflowIdFor, iterationRef, taskIdFor } from '../ids';
import { type JsonMap, TaskStatus, TaskType, type Workflow, type WorkflowTask } from '../model';
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
    const ref = iterationRef(step.taskReferenceName, iteration);
    const { workflowId: parentId, generation } = draft.workflow;
    const taskId = taskIdFor(parentId, ref, iteration, plan.retryCount, generation);
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
      request: childStartRequest(draft.workflow, step, plan.input, taskId),
    });
  },
};

/** How a SUB_WORKFLOW task starts its child: the same request whenever it is made again. */
export const childStartRequest = (
  parent: Workflow,
  step: WorkflowTask,
  input: JsonMap,
  taskId: string,
): StartWorkflowRequest => {
  const params = step.subWorkflowParam ?? {};
  return {
    name: params.name ?? params.workflowDefinition?.name ?? step.name,
    version: params.version,
    workflowDef: params.workflowDefinition,
    input,
    correlationId: parent.correlationId,
    taskToDomain: params.taskToDomain ?? parent.taskToDomain,
    priority: parent.priority,
    parentWorkflowId: parent.workflowId,
    parentWorkflowTaskId: taskId,
  };
};
