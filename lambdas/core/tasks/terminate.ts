import { type JsonMap, TaskStatus, TaskType, WorkflowStatus } from '../model';
import type { TaskKind } from './task-kind';

const ENDINGS = new Set<string>([WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.TERMINATED]);

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
    const output = (typeof workflowOutput === 'object' && workflowOutput !== null ? workflowOutput : undefined) as
      | JsonMap
      | undefined;
    const task = scope.draft.add(plan.step, plan.iteration, {
      ...base,
      status: TaskStatus.COMPLETED,
      executed: true,
      outputData: { output: output ?? {} },
    });
    const reason = typeof terminationReason === 'string' ? terminationReason : undefined;
    scope.endWorkflow(terminationStatus as WorkflowStatus, reason, {
      output,
      failedTask: terminationStatus === WorkflowStatus.COMPLETED ? undefined : task,
    });
  },
};
