import { type Task, type TaskResult, TaskStatus } from '../core/index';
import type { EventSink } from '../ports';

export const SUPPORTED_SINKS = ['sqs:<queue name or URL>'] as const;

type Outcome = Pick<TaskResult, 'status' | 'outputData' | 'reasonForIncompletion'>;

/** Publishes the task's input with the workflow's identity, as Conductor's EVENT task does. */
export const runEventTask = async (events: EventSink, task: Task): Promise<Outcome> => {
  const sink = task.workflowTask.sink ?? task.inputData.sink;
  const separator = typeof sink === 'string' ? sink.indexOf(':') : -1;
  if (typeof sink !== 'string' || sink.slice(0, separator) !== 'sqs' || separator === sink.length - 1) {
    return {
      status: TaskStatus.FAILED_WITH_TERMINAL_ERROR,
      reasonForIncompletion: `unsupported sink ${JSON.stringify(sink)}: supported sinks are ${SUPPORTED_SINKS.join(', ')}`,
    };
  }
  const payload = {
    ...task.inputData,
    workflowInstanceId: task.workflowInstanceId,
    workflowType: task.workflowType,
    correlationId: task.correlationId ?? null,
  };
  try {
    await events.publish({ type: 'sqs', destination: sink.slice(separator + 1) }, JSON.stringify(payload));
  } catch (error) {
    // Retryable through the task's retry policy, as in Conductor; a missing queue may be created later.
    return { status: TaskStatus.FAILED, reasonForIncompletion: `could not publish to ${sink}: ${error}` };
  }
  return { status: TaskStatus.COMPLETED, outputData: { ...payload, event_produced: sink } };
};
