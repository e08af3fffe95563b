import type { Task } from '../core/model';
import type { WorkflowWithoutTasks } from '../ports';

/**
 * Conductor's WorkflowSummary and TaskSummary: times as ISO-8601 UTC strings, input and output as
 * JSON text, failedReferenceTaskNames joined by commas. Fields Baton has no value for are left out.
 */

const isoTime = (ms: number): string | undefined => (ms > 0 ? new Date(ms).toISOString() : undefined);

export const workflowSummaryOf = (workflow: WorkflowWithoutTasks) => {
  const input = JSON.stringify(workflow.input ?? {});
  const output = JSON.stringify(workflow.output ?? {});
  return {
    workflowType: workflow.workflowName,
    version: workflow.workflowVersion,
    workflowId: workflow.workflowId,
    correlationId: workflow.correlationId,
    startTime: isoTime(workflow.createTime || workflow.startTime),
    updateTime: isoTime(workflow.updateTime),
    endTime: isoTime(workflow.endTime),
    status: workflow.status,
    input,
    output,
    reasonForIncompletion: workflow.reasonForIncompletion,
    executionTime: workflow.endTime > 0 ? workflow.endTime - workflow.startTime : 0,
    failedReferenceTaskNames: (workflow.failedReferenceTaskNames ?? []).join(','),
    priority: workflow.priority,
    inputSize: input.length,
    outputSize: output.length,
  };
};

export const taskSummaryOf = (task: Task) => ({
  taskId: task.taskId,
  taskType: task.taskType,
  taskDefName: task.taskDefName,
  workflowId: task.workflowInstanceId,
  workflowType: task.workflowType,
  correlationId: task.correlationId,
  scheduledTime: isoTime(task.scheduledTime),
  startTime: isoTime(task.startTime),
  updateTime: isoTime(task.updateTime),
  endTime: isoTime(task.endTime),
  status: task.status,
  reasonForIncompletion: task.reasonForIncompletion,
  executionTime: task.endTime > 0 ? task.endTime - task.startTime : 0,
  queueWaitTime: task.startTime > 0 ? task.startTime - task.scheduledTime : 0,
  input: JSON.stringify(task.inputData ?? {}),
  output: JSON.stringify(task.outputData ?? {}),
});
