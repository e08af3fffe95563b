import {
  type ConductorWorker,
  createConductorClient,
  MetadataClient,
  TaskManager,
  WorkflowExecutor,
} from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime } from '../../infra/local/start';
import { externalEndpoint } from '../support/aws-endpoint';
import { loadFixture } from '../support/scenario';

type Runtime = Awaited<ReturnType<typeof startLocalRuntime>>;

/**
 * The official Conductor JavaScript SDK as the only client: it registers definitions, starts a
 * workflow and runs the workers with its TaskManager, against the local runtime on moto.
 */
describe('the Conductor JavaScript SDK against the local runtime', () => {
  let runtime: Runtime;
  let manager: TaskManager | undefined;

  beforeAll(async () => {
    // The reconcile is switched off (an hour apart): the normal path alone must finish the workflow.
    runtime = await startLocalRuntime({
      port: 0,
      endpoint: externalEndpoint(),
      prefix: `e2e-${process.pid}`,
      reconcileEveryMs: 3_600_000,
      log: () => {},
    });
  }, 60_000);

  afterAll(async () => {
    await manager?.stopPolling();
    await runtime?.stop();
  });

  it('runs a three-level nested fork/join with the SDK TaskManager to COMPLETED', async () => {
    const client = await createConductorClient({ serverUrl: `${runtime.url}/api` });
    const metadata = new MetadataClient(client);
    await metadata.registerTasks([
      { name: 'leaf_worker', retryCount: 0, timeoutSeconds: 60, responseTimeoutSeconds: 30 },
      { name: 'after_join', retryCount: 0, timeoutSeconds: 60, responseTimeoutSeconds: 30 },
    ] as never);
    const definition = loadFixture('nested-fork-join');
    await metadata.registerWorkflowDef(definition as never, true);

    const workers: ConductorWorker[] = [
      {
        taskDefName: 'leaf_worker',
        execute: async (task) => ({ status: 'COMPLETED', outputData: { leaf: task.inputData?.path } }),
        concurrency: 4,
        pollInterval: 50,
      },
      {
        taskDefName: 'after_join',
        execute: async (task) => ({
          status: 'COMPLETED',
          outputData: { done: Object.keys((task.inputData?.joined as object) ?? {}).length },
        }),
        pollInterval: 50,
      },
    ];
    manager = new TaskManager(client, workers, { options: { pollInterval: 50, concurrency: 2 } });
    manager.startPolling();

    const executor = new WorkflowExecutor(client);
    const workflowId = await executor.startWorkflow({ name: 'nested_fork_join', version: 1, input: {} });
    const giveUpAt = Date.now() + 60_000;
    let workflow = await executor.getWorkflow(workflowId, true);
    while (workflow.status === 'RUNNING' && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      workflow = await executor.getWorkflow(workflowId, true);
    }
    expect(workflow.status).toBe('COMPLETED');
    expect(workflow.output).toEqual({ done: 3 });
    expect(workflow.tasks?.filter((task) => task.taskType === 'leaf_worker')).toHaveLength(27);
  }, 90_000);
});
