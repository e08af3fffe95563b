import { type JsonMap, TaskStatus, TaskType, WorkflowStatus } from '../model';
import type { TaskKind } from './task-kind';

const ENDINGS = new Set<string>([WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.TERMINATED]);

/** As Conductor: the task's output is `workflowOutput` itself when it is a map, else `{ output: value }`. */
const outputOf = (workflowOutput: unknown): JsonMap => {
  if (workflowOutput === undefined || workflowOutput === null) return {};
  if (typeof workflowOutput === 'object' && !Array.isArray(workflowOutput)) {
    return { ...(workflowOutput as JsonMap) };
  }
  return { output: workflowOutput };
};

/** Ends the workflow with `terminationStatus`, `terminationReason` and `workflowOutput`. */
export const terminateTask: TaskKind = {
  runner: 'decider',
  retryable: false,
  schedule(scope, plan) {
    const { terminationStatus, terminationReason, workflowOutput } = plan.input;
    const base = { taskType: TaskType.TERMINATE, inputData: plan.input };
    if (typeof terminationStatus !== 'string' || !ENDINGS.has(terminationStatus)) {
      scope.draft.add(plan.step, plan.iteration, {
        ...base,
        status: TaskStatus.FAILED,
        reasonForIncompletion: `terminationStatus must be COMPLETED, FAILED or TERMINATED, not ${JSON.stringify(terminationStatus)}`,
      });
      return;
    }
    const outputData = outputOf(workflowOutput);
    const task = scope.draft.add(plan.step, plan.iteration, {
      ...base,
      status: TaskStatus.COMPLETED,
      executed: true,
      outputData,
    });
    // Conductor's wording when the definition gives no reason.
    const reason =
      typeof terminationReason === 'string' && terminationReason.trim() !== ''
        ? terminationReason
        : `Workflow is ${terminationStatus} by TERMINATE task: ${task.taskId}`;
    // The workflow's output is the TERMINATE task's, even when empty: outputParameters do not apply.
    scope.endWorkflow(terminationStatus as WorkflowStatus, reason, {
      output: { ...outputData },
      failedTask: terminationStatus === WorkflowStatus.COMPLETED ? undefined : task,
    });
  },
};
