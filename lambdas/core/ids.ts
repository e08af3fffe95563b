/**
 * Ids derived from state, never from a random source: a redelivered message recomputes the same
 * decisions, and a conditional put of the same id is dropped as a duplicate.
 */

/** The reference a task gets in iteration `iteration` of a DO_WHILE (0 outside loops). */
export const iterationRef = (baseRef: string, iteration: number): string =>
  iteration > 0 ? `${baseRef}__${iteration}` : baseRef;

/** Strips the `__N` suffix that iteration `iteration` appended. */
export const baseRefOf = (ref: string, iteration: number): string => {
  const suffix = `__${iteration}`;
  return iteration > 0 && ref.endsWith(suffix) ? ref.slice(0, -suffix.length) : ref;
};

/**
 * A task attempt's id. `generation` counts the restarts and reruns that started the workflow again
 * (Workflow.generation): the tasks made since carry it, so a task that a restart or rerun removed
 * never has its id given to a new one. Otherwise a worker's late result for the removed task would
 * land on the new task, and a re-created SUB_WORKFLOW task would find the old child under its id.
 */
export const taskIdFor = (
  workflowId: string,
  ref: string,
  iteration: number,
  retryCount: number,
  generation = 0,
): string => `${workflowId}:${ref}:${iteration}:${retryCount}${generation > 0 ? `:g${generation}` : ''}`;

/**
 * The workflow a task belongs to. Workflow ids never contain ':' (generated ones are UUIDs and the
 * derived ones below avoid it), so it is everything before the first one.
 */
export const workflowIdOfTask = (taskId: string): string => taskId.split(':', 1)[0]!;

/** The child a SUB_WORKFLOW or START_WORKFLOW task starts; one per task attempt. */
export const childWorkflowIdFor = (taskId: string): string => `${taskId.replaceAll(':', '.')}.child`;

/** The failure workflow a failed execution starts; at most one per execution. */
export const failureWorkflowIdFor = (workflowId: string): string => `${workflowId}.failure`;
