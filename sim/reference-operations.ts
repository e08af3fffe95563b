import type { OperationResult } from '../lambdas/core/decide';
import type { Execution, WorkflowDef } from '../lambdas/core/model';
import {
  pause,
  type RerunRequest,
  rerun,
  restart,
  resume,
  retry,
  type SkipTaskRequest,
  skipTask,
} from '../lambdas/core/operations';
import type { DecideContext } from '../lambdas/core/tasks/task-kind';
import type { OperatorRequest } from './operator-requests';

/**
 * An operator's operation as the reference replays it, with what the engine resolved for it:
 * a restart carries the definition the engine committed, not the flag that asked for the latest.
 */
export type ReplayedOperation =
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'retry'; resumeSubworkflowTasks: boolean }
  | { kind: 'restart'; latestDefinition?: WorkflowDef }
  | { kind: 'rerun'; request: RerunRequest }
  | { kind: 'skip'; ref: string; request: SkipTaskRequest };

/** The core's own operation, the one the engine applied inside its decide. */
export const applyOperation = (
  execution: Execution,
  operation: ReplayedOperation,
  ctx: DecideContext,
): OperationResult => {
  switch (operation.kind) {
    case 'pause':
      return pause(execution, ctx);
    case 'resume':
      return resume(execution, ctx);
    case 'retry':
      return retry(execution, { resumeSubworkflowTasks: operation.resumeSubworkflowTasks }, ctx);
    case 'restart':
      return restart(execution, { latestDefinition: operation.latestDefinition }, ctx);
    case 'rerun':
      return rerun(execution, operation.request, ctx);
    case 'skip':
      return skipTask(execution, operation.ref, operation.request, ctx);
  }
};

/**
 * What the reference replays for an operation's commit; undefined for those it replays as it
 * always did (a terminate is a Termination, an explicit decide a decide point). A restart carries
 * the definition its commit left stored: with useLatestDefinitions, the one the engine looked up.
 */
export const replayedOperation = (
  request: OperatorRequest,
  storedDefinition: WorkflowDef,
): ReplayedOperation | undefined => {
  switch (request.kind) {
    case 'pause':
    case 'resume':
    case 'retry':
    case 'rerun':
    case 'skip':
      return request;
    case 'restart':
      return {
        kind: 'restart',
        latestDefinition: request.useLatestDefinitions ? storedDefinition : undefined,
      };
    case 'terminate':
    case 'decide':
      return undefined;
  }
};
