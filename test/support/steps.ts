import type { WorkflowDef, WorkflowTask } from '../../lambdas/core/model';

/** A step of `type` whose name is its reference, unless `extra` says otherwise. */
export const step = (type: string, ref: string, extra: Partial<WorkflowTask> = {}): WorkflowTask => ({
  name: ref,
  taskReferenceName: ref,
  type,
  ...extra,
});

/** A SIMPLE step: workers poll for it by its name, which is its reference unless `extra` says otherwise. */
export const simple = (ref: string, extra: Partial<WorkflowTask> = {}): WorkflowTask =>
  step('SIMPLE', ref, extra);

/** A small definition holding `tasks`. */
export const workflowOf = (tasks: WorkflowTask[], extra: Partial<WorkflowDef> = {}): WorkflowDef => ({
  name: 'wf',
  version: 1,
  schemaVersion: 2,
  tasks,
  ...extra,
});
