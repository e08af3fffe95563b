import { failureWorkflowIdFor } from './ids';
import { type JsonMap, type Task, TaskStatus, type Workflow, WorkflowStatus } from './model';
import { resolveParameters } from './params';
import { oversizedPayload } from './payload-limits';
import { runnerOf } from './tasks/index';
import type { DecideScope, EndOptions } from './tasks/task-kind';

/**
 * Ends a workflow: every task still active is canceled (workers' queues and children are told),
 * the output is computed, and the parent and the failure workflow hear of it.
 */
export const finishWorkflow = (
  scope: DecideScope,
  status: WorkflowStatus,
  reason: string | undefined,
  { output, failedTask, byOperator }: EndOptions,
): void => {
  const { draft, definition } = scope;
  cancelActiveTasks(scope, reason);
  let finalOutput =
    output ?? (status === WorkflowStatus.COMPLETED ? completedOutput(scope) : draft.workflow.output);
  // An output too big to store fails the workflow, as Conductor does past its payload threshold.
  const oversized = oversizedPayload('the workflow output', finalOutput);
  if (oversized) {
    finalOutput = {};
    reason = oversized;
    if (status === WorkflowStatus.COMPLETED) status = WorkflowStatus.FAILED;
  }
  const failed = status !== WorkflowStatus.COMPLETED;
  draft.patchWorkflow({
    status,
    output: finalOutput,
    endTime: scope.ctx.now,
    nextDeadline: 0,
    reasonForIncompletion: reason ?? draft.workflow.reasonForIncompletion,
    ...(failedTask && failed
      ? {
          failedReferenceTaskNames: [
            ...draft.workflow.failedReferenceTaskNames,
            failedTask.referenceTaskName,
          ],
          failedTaskId: failedTask.taskId,
        }
      : {}),
  });
  const workflow = draft.workflow;
  if (workflow.parentWorkflowId && workflow.parentWorkflowTaskId) {
    draft.emit({
      type: 'notifyParent',
      parentWorkflowId: workflow.parentWorkflowId,
      parentWorkflowTaskId: workflow.parentWorkflowTaskId,
      workflowId: workflow.workflowId,
      status,
      output: finalOutput,
      reasonForIncompletion: workflow.reasonForIncompletion,
    });
  }
  // Any unsuccessful end starts the failure workflow, a TERMINATE task's TERMINATED included;
  // an operator's terminate through the API does not, as in Conductor.
  if (failed && !byOperator && definition.failureWorkflow) {
    draft.emit({
      type: 'startFailureWorkflow',
      workflowId: failureWorkflowIdFor(workflow.workflowId),
      request: {
        name: definition.failureWorkflow,
        correlationId: workflow.correlationId,
        input: failureInput(workflow, failedTask),
      },
    });
  }
};

/**
 * Cancels what is still active, as many as this decide's budget allows; an ended workflow with
 * tasks left over has them canceled by the decides that follow.
 */
export const cancelActiveTasks = (scope: DecideScope, reason: string | undefined): void => {
  for (const task of scope.draft.active().sort((a, b) => a.seq - b.seq)) {
    if (scope.budgetLeft() <= 0) {
      scope.continueLater();
      return;
    }
    cancelTask(scope, task, reason);
  }
};

const cancelTask = (scope: DecideScope, task: Task, reason: string | undefined): void => {
  scope.draft.update(task, {
    status: TaskStatus.CANCELED,
    executed: true,
    reasonForIncompletion: reason ? `workflow ended: ${reason}` : 'workflow ended',
  });
  stopWork(scope, task, `parent workflow ${task.workflowInstanceId} ended`);
};

/**
 * Whoever works on a task that has been ended or removed is told: its worker or system queue, or
 * its child workflow, which is terminated with `reason`.
 */
export const stopWork = (scope: DecideScope, task: Task, reason: string): void => {
  const runner = runnerOf(task);
  if (runner === 'worker' || runner === 'system') {
    scope.draft.emit({ type: 'cancelTask', taskId: task.taskId, taskType: task.taskType });
  }
  if (runner === 'child' && task.subWorkflowId) {
    scope.draft.emit({ type: 'terminateWorkflow', workflowId: task.subWorkflowId, reason });
  }
};

/** outputParameters when the definition has them; otherwise the last task's output, as Conductor does. */
const completedOutput = (scope: DecideScope): JsonMap => {
  const { draft, definition } = scope;
  if (definition.outputParameters && Object.keys(definition.outputParameters).length > 0) {
    return resolveParameters(definition.outputParameters, draft.roots(0));
  }
  const tasks = draft.all();
  return tasks.length > 0 ? tasks[tasks.length - 1]!.outputData : {};
};

/** As Conductor: the failed workflow's input, then the details of its failure. */
const failureInput = (workflow: Workflow, failedTask: Task | undefined): JsonMap => ({
  ...workflow.input,
  workflowId: workflow.workflowId,
  reason: workflow.reasonForIncompletion ?? null,
  failureStatus: workflow.status,
  failureTaskId: failedTask?.taskId ?? null,
  failedWorkflow: {
    workflowId: workflow.workflowId,
    workflowName: workflow.workflowName,
    workflowVersion: workflow.workflowVersion,
    correlationId: workflow.correlationId ?? null,
    status: workflow.status,
    input: workflow.input,
    output: workflow.output,
    reasonForIncompletion: workflow.reasonForIncompletion ?? null,
    failedReferenceTaskNames: workflow.failedReferenceTaskNames,
  },
});
