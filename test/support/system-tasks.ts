import { FetchHttpClient } from '../../lambdas/adapters/fetch-http-client';
import type { JsonMap, TaskDef, WorkflowTask } from '../../lambdas/core/index';
import type { SystemTaskWork } from '../../lambdas/engine/run-system-task';
import { startWorkflow } from '../../lambdas/engine/start-workflow';
import type { EventSink } from '../../lambdas/ports';
import type { RecordingSystemTaskQueue } from '../fakes/in-memory-ports';
import { makeEngine } from './engine';

/** An EventSink that keeps what it was given, or fails when told to. */
export class RecordingEventSink implements EventSink {
  readonly published: { sink: { type: 'sqs'; destination: string }; message: JsonMap }[] = [];
  failWith?: Error;
  async publish(sink: { type: 'sqs'; destination: string }, message: string) {
    if (this.failWith) throw this.failWith;
    this.published.push({ sink, message: JSON.parse(message) as JsonMap });
  }
}

/**
 * Starts a one-step workflow and runs its first decide, which hands the system task to the
 * (recording) system-task queue; returns the engine, that work item and deps for the runner.
 */
export const startSystemTask = async (
  step: Omit<WorkflowTask, 'name' | 'taskReferenceName'>,
  options: { taskDefs?: TaskDef[]; input?: JsonMap } = {},
) => {
  const engine = await makeEngine();
  await engine.metadata.putWorkflowDef({
    name: 'system_task_flow',
    version: 1,
    schemaVersion: 2,
    tasks: [{ name: 'call', taskReferenceName: 'call', ...step }],
  });
  for (const def of options.taskDefs ?? []) await engine.metadata.putTaskDef(def);
  const workflowId = await startWorkflow(engine.deps, {
    name: 'system_task_flow',
    input: options.input ?? {},
  });
  await engine.drain();
  const queued = (engine.deps.systemTasks as RecordingSystemTaskQueue).work;
  const [first] = queued.splice(0);
  if (!first) throw new Error('the first decide scheduled no system task');
  const work: SystemTaskWork = { workflowId, taskId: first.taskId, taskType: first.taskType };
  const events = new RecordingEventSink();
  const deps = { ...engine.deps, http: new FetchHttpClient(), events };
  const task = async () => (await engine.store.getTask(workflowId, work.taskId))!.task;
  const workflow = async () => (await engine.store.load(workflowId))!.workflow;
  return { ...engine, workflowId, work, deps, events, task, workflow };
};
