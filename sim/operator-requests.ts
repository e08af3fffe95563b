import type { RerunRequest, SkipTaskRequest } from '../lambdas/core/operations';

/** The operations an operator issues through the Conductor REST API, as the simulator drives them. */
export const OPERATION_KINDS = [
  'pause',
  'resume',
  'retry',
  'restart',
  'rerun',
  'skip',
  'terminate',
  'decide',
] as const;

export type OperationKind = (typeof OPERATION_KINDS)[number];

export type OperatorRequest =
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'retry'; resumeSubworkflowTasks: boolean }
  | { kind: 'restart'; useLatestDefinitions: boolean }
  | { kind: 'rerun'; request: RerunRequest }
  | { kind: 'skip'; ref: string; request: SkipTaskRequest }
  | { kind: 'terminate'; reason: string }
  | { kind: 'decide' };

export interface HttpCall {
  method: string;
  path: string;
  query?: string;
  body?: unknown;
}

/** The request as Conductor's REST API takes it. */
export const httpCallOf = (workflowId: string, request: OperatorRequest): HttpCall => {
  const at = `/api/workflow/${workflowId}`;
  switch (request.kind) {
    case 'pause':
      return { method: 'PUT', path: `${at}/pause` };
    case 'resume':
      return { method: 'PUT', path: `${at}/resume` };
    case 'retry':
      return {
        method: 'POST',
        path: `${at}/retry`,
        query: `resumeSubworkflowTasks=${request.resumeSubworkflowTasks}`,
      };
    case 'restart':
      return {
        method: 'POST',
        path: `${at}/restart`,
        query: `useLatestDefinitions=${request.useLatestDefinitions}`,
      };
    case 'rerun':
      return { method: 'POST', path: `${at}/rerun`, body: request.request };
    case 'skip':
      return {
        method: 'PUT',
        path: `${at}/skiptask/${encodeURIComponent(request.ref)}`,
        body: request.request,
      };
    case 'terminate':
      return { method: 'DELETE', path: at, query: `reason=${encodeURIComponent(request.reason)}` };
    case 'decide':
      return { method: 'PUT', path: `/api/workflow/decide/${workflowId}` };
  }
};
