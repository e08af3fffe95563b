import { type Effect, isTerminalWorkflow, TaskStatus, type Workflow, WorkflowStatus } from '../core/index';
import { NotFoundError } from '../shared/errors';
import { terminateWorkflow } from './decide-workflow';
import type { EngineDeps } from './deps';
import { isPermanentStartFailure, startWorkflow } from './start-workflow';
import { updateTask } from './update-task';

/**
 * Carries out a committed decide's effects. Each one is idempotent (derived ids, conditional
 * writes), because a decide that crashed after its commit is repeated and repeats them.
 * Worker tasks need nothing here: the committed task itself is what pollers find.
 */
export const carryOutEffects = async (
  deps: EngineDeps,
  workflow: Workflow,
  effects: Effect[],
): Promise<void> => {
  for (const effect of effects) await carryOut(deps, workflow, effect);
};

const carryOut = async (deps: EngineDeps, workflow: Workflow, effect: Effect): Promise<void> => {
  const { workflowId } = workflow;
  switch (effect.type) {
    case 'scheduleWorkerTask':
    case 'cancelTask':
      return;
    case 'runSystemTask':
      return deps.systemTasks.enqueue(
        { workflowId, taskId: effect.taskId, taskType: effect.taskType },
        effect.delaySeconds,
      );
    case 'setTimer':
      return deps.timers.wakeAt(workflowId, effect.at);
    case 'continueDecide':
      return deps.decideQueue.requestDecide(workflowId);
    case 'startChildWorkflow':
      try {
        await startWorkflow(deps, effect.request, { workflowId: effect.workflowId });
      } catch (error) {
        if (!isPermanentStartFailure(error)) throw error;
        // The child can never start: the SUB_WORKFLOW task fails with the reason, like a worker failure.
        await updateTask(deps, {
          workflowInstanceId: workflowId,
          taskId: effect.taskId,
          status: TaskStatus.FAILED,
          reasonForIncompletion: `sub workflow could not start: ${error.message}`,
        });
      }
      return;
    case 'startFailureWorkflow':
      // Created by the decide's own commit (decide-workflow.ts), so no crash can lose it.
      return;
    case 'checkChildWorkflow': {
      const child = await deps.store.load(effect.workflowId);
      if (!child) {
        await carryOut(deps, workflow, { ...effect, type: 'startChildWorkflow' });
      } else if (isTerminalWorkflow(child.workflow.status)) {
        const ended = child.workflow;
        await carryOut(deps, workflow, {
          type: 'notifyParent',
          parentWorkflowId: workflowId,
          parentWorkflowTaskId: effect.taskId,
          workflowId: ended.workflowId,
          status: ended.status,
          output: ended.output,
          reasonForIncompletion: ended.reasonForIncompletion,
        });
      }
      return;
    }
    case 'notifyParent':
      await updateTask(deps, {
        workflowInstanceId: effect.parentWorkflowId,
        taskId: effect.parentWorkflowTaskId,
        status: effect.status === WorkflowStatus.COMPLETED ? TaskStatus.COMPLETED : TaskStatus.FAILED,
        outputData: effect.output,
        reasonForIncompletion:
          effect.reasonForIncompletion ?? `sub workflow ${effect.workflowId} ended ${effect.status}`,
      }).catch((error: unknown) => {
        // A parent that is gone (removed) has nobody to tell.
        if (!(error instanceof NotFoundError)) throw error;
      });
      return;
    case 'terminateWorkflow':
      // A child's terminate goes through its own decide path; the modules import each other on purpose.
      await terminateWorkflow(deps, effect.workflowId, effect.reason);
      return;
  }
};
