import type { JsonMap, WorkflowDef, WorkflowStatus } from './model';

/** What a client asks for when it starts a workflow (Conductor's StartWorkflowRequest). */
export interface StartWorkflowRequest {
  name: string;
  version?: number;
  input?: JsonMap;
  correlationId?: string;
  workflowDef?: WorkflowDef;
  taskToDomain?: Record<string, string>;
  priority?: number;
  idempotencyKey?: string;
  idempotencyStrategy?: 'FAIL' | 'RETURN_EXISTING' | 'FAIL_ON_RUNNING';
  parentWorkflowId?: string;
  parentWorkflowTaskId?: string;
}

/**
 * Side effects as data. The decider only describes them; the runtime carries them out after the
 * decide has committed, and every one is idempotent, because a decide can be repeated.
 */
export type Effect =
  /** A worker task becomes pollable by `taskType` after `delaySeconds`. */
  | { type: 'scheduleWorkerTask'; taskId: string; taskType: string; delaySeconds: number }
  /** A system task (HTTP, EVENT, START_WORKFLOW) is handed to the system-task runner. */
  | { type: 'runSystemTask'; taskId: string; taskType: string; delaySeconds: number }
  /** A task that ended without its worker (canceled, timed out) is no longer pollable. */
  | { type: 'cancelTask'; taskId: string; taskType: string }
  /** Wake the decider at `at` (epoch ms): a timeout or a WAIT falls due then. */
  | { type: 'setTimer'; at: number }
  /** Start a child for a SUB_WORKFLOW task; `workflowId` is derived, so starting twice is harmless. */
  | { type: 'startChildWorkflow'; taskId: string; workflowId: string; request: StartWorkflowRequest }
  /**
   * Look at the child of a waiting SUB_WORKFLOW task: start it if it does not exist, report its
   * outcome if it has ended. Repeats the start and the parent notification, which are effects of
   * commits and would be lost with a crash right after one.
   */
  | { type: 'checkChildWorkflow'; taskId: string; workflowId: string; request: StartWorkflowRequest }
  /**
   * Retry the ended child of a SUB_WORKFLOW task that an operator's retry resumed
   * (resumeSubworkflowTasks), unless the child has been retried since `requestedAt`; a child that
   * cannot be retried, or has ended again since, is reported to the parent as checkChildWorkflow does.
   */
  | {
      type: 'retryChildWorkflow';
      taskId: string;
      workflowId: string;
      requestedAt: number;
      request: StartWorkflowRequest;
    }
  /** Terminate a child whose SUB_WORKFLOW task was canceled. */
  | { type: 'terminateWorkflow'; workflowId: string; reason: string }
  /** A child ended: its parent's SUB_WORKFLOW task takes the child's outcome. */
  | {
      type: 'notifyParent';
      parentWorkflowId: string;
      parentWorkflowTaskId: string;
      workflowId: string;
      status: WorkflowStatus;
      output: JsonMap;
      reasonForIncompletion?: string;
    }
  /** The definition's failureWorkflow, started once with the failed execution's details. */
  | { type: 'startFailureWorkflow'; workflowId: string; request: StartWorkflowRequest }
  /** This decide stopped at its step budget; decide again to carry on. */
  | { type: 'continueDecide' };
