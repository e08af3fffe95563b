import {
  type Effect,
  isRetriableWorkflow,
  isTerminalWorkflow,
  TaskStatus,
  type Workflow,
  WorkflowStatus,
} from '../core/index';
import type { StoredExecution } from '../ports';
import { ConflictError, NotFoundError } from '../shared/errors';
import { terminateWorkflow } from './decide-workflow';
import type { EngineDeps } from './deps';
import { retryWorkflow } from './operate-workflow';
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
    case 'checkChildWorkflow':
      return lookAtChild(deps, workflow, effect, await deps.store.load(effect.workflowId));
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
    case 'retryChildWorkflow':
      return retryChild(deps, workflow, effect);
    case 'terminateWorkflow':
      // A child's terminate goes through its own decide path; the modules import each other on purpose.
      await terminateWorkflow(deps, effect.workflowId, effect.reason);
      return;
  }
};

/**
 * Retries the child of a SUB_WORKFLOW task an operator's retry resumed, through the child's own
 * retry (resuming its children in turn). Once the child has been retried since the request, or if
 * it cannot be (it completed, or has nothing to retry), this is the usual look at the child, which
 * reports it to the parent if it has ended. A child kept busy is left to the parent's next look at
 * it, which repeats the request.
 */
const retryChild = async (
  deps: EngineDeps,
  workflow: Workflow,
  effect: Extract<Effect, { type: 'retryChildWorkflow' }>,
): Promise<void> => {
  const child = await deps.store.load(effect.workflowId);
  const retriedSince = (child?.workflow.lastRetriedTime ?? 0) >= effect.requestedAt;
  if (child && !retriedSince && isRetriableWorkflow(child.workflow.status)) {
    try {
      const outcome = await retryWorkflow(deps, effect.workflowId, { resumeSubworkflowTasks: true });
      if (outcome.kind === 'retryLater') {
        console.warn(
          JSON.stringify({
            message: 'child workflow busy; its retry is repeated at the next look at it',
            workflowId: effect.workflowId,
            reason: outcome.reason,
          }),
        );
      }
      return;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  const { taskId, workflowId, request } = effect;
  await lookAtChild(deps, workflow, { type: 'checkChildWorkflow', taskId, workflowId, request }, child);
};

/**
 * The parent's look at its child, as loaded: starts it if it is missing (its start was lost), and
 * reports it to the parent if it has ended.
 */
const lookAtChild = async (
  deps: EngineDeps,
  workflow: Workflow,
  effect: Extract<Effect, { type: 'checkChildWorkflow' }>,
  child: StoredExecution | undefined,
): Promise<void> => {
  if (!child) {
    await carryOut(deps, workflow, { ...effect, type: 'startChildWorkflow' });
  } else if (isTerminalWorkflow(child.workflow.status)) {
    const ended = child.workflow;
    await carryOut(deps, workflow, {
      type: 'notifyParent',
      parentWorkflowId: workflow.workflowId,
      parentWorkflowTaskId: effect.taskId,
      workflowId: ended.workflowId,
      status: ended.status,
      output: ended.output,
      reasonForIncompletion: ended.reasonForIncompletion,
    });
  }
};
