/**
 * The task endpoints beside the worker protocol, called by the official Conductor JavaScript SDK
 * against the local runtime on moto: task logs as the SDK sends them, updating a task by its
 * reference, and poll data; plus deleting a definition version. Fails, never skips, without moto.
 */
import {
  createConductorClient,
  MetadataClient,
  TaskClient,
  WorkflowExecutor,
} from '@io-orkes/conductor-javascript';
import { describe, expect, it } from 'vitest';
import type { WorkflowDef } from '../../lambdas/core/model';
import { sleep, useLocalRuntime } from '../support/local-runtime-api';

const local = useLocalRuntime({ prefix: `task-admin-${process.pid}` });

const oneTask = (name: string, taskType: string): WorkflowDef => ({
  name,
  version: 1,
  schemaVersion: 2,
  tasks: [{ name: taskType, taskReferenceName: `${taskType}_ref`, type: 'SIMPLE' }],
  outputParameters: { result: `\${${taskType}_ref.output.result}` },
});

const clients = async () => {
  const client = await createConductorClient({ serverUrl: `${local.runtime.url}/api` });
  return {
    tasks: new TaskClient(client),
    metadata: new MetadataClient(client),
    executor: new WorkflowExecutor(client),
  };
};

const untilEnded = async (workflowId: string) => {
  const giveUpAt = Date.now() + 20_000;
  let workflow = await local.api.getWorkflow(workflowId);
  while (workflow.status === 'RUNNING' && Date.now() < giveUpAt) {
    await sleep(100);
    workflow = await local.api.getWorkflow(workflowId);
  }
  return workflow;
};

describe('task endpoints through the Conductor JavaScript SDK', () => {
  it('stores a line the SDK logs and answers it back as a TaskExecLog', async () => {
    const { tasks } = await clients();
    await local.api.registerWorkflow(oneTask('sdk_logged', 'sdk_log_work'));
    await local.api.startWorkflow('sdk_logged');
    const [task] = await local.api.poll('sdk_log_work', 1, 'sdk-worker', 5_000);
    await tasks.addTaskLog(task!.taskId, 'fetched "3" rows');
    const logs = await tasks.getTaskLogs(task!.taskId);
    expect(logs).toEqual([
      { log: 'fetched "3" rows', taskId: task!.taskId, createdTime: expect.any(Number) },
    ]);
  }, 30_000);

  it('completes a task by its reference and the workflow finishes with that output', async () => {
    const { executor } = await clients();
    await local.api.registerWorkflow(oneTask('sdk_by_ref', 'sdk_ref_work'));
    const workflowId = await local.api.startWorkflow('sdk_by_ref');
    await local.api.poll('sdk_ref_work', 1, 'sdk-worker', 5_000);
    const taskId = await executor.updateTaskByRefName('sdk_ref_work_ref', workflowId, 'COMPLETED', {
      result: 42,
    });
    expect(taskId).toBe(`${workflowId}:sdk_ref_work_ref:0:0`);
    expect(await untilEnded(workflowId)).toMatchObject({ status: 'COMPLETED', output: { result: 42 } });
  }, 30_000);

  it('answers the poll data of a task type after a worker polled it', async () => {
    const { tasks } = await clients();
    const before = Date.now();
    await local.api.poll('sdk_polled_type', 1, 'sdk-poller');
    const polls = await tasks.getTaskPollData('sdk_polled_type');
    expect(polls).toEqual([
      { queueName: 'sdk_polled_type', workerId: 'sdk-poller', lastPollTime: expect.any(Number) },
    ]);
    expect(polls[0]!.lastPollTime).toBeGreaterThanOrEqual(before);
  }, 30_000);

  it('deletes one version of a workflow definition, and answers 404 for it afterwards', async () => {
    const { metadata } = await clients();
    await local.api.registerWorkflow({ ...oneTask('sdk_versions', 'work'), version: 1 });
    await local.api.registerWorkflow({ ...oneTask('sdk_versions', 'work'), version: 2 });
    await metadata.unregisterWorkflow('sdk_versions', 2);
    expect((await metadata.getWorkflowDef('sdk_versions')).version).toBe(1);
    await expect(metadata.getWorkflowDef('sdk_versions', 2)).rejects.toThrow();
    await expect(metadata.unregisterWorkflow('sdk_versions', 2)).rejects.toThrow();
  }, 30_000);
});
