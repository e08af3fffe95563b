/**
 * Checks workflow and task definitions before Baton stores or runs them, so that a mistake is
 * reported once, with a JSON path, at registration time instead of stalling an execution later.
 *
 * Pure and total: no I/O, no clock, no randomness, and it never throws, whatever it is handed.
 * Every problem is reported, not only the first, so a user can fix a definition in one round trip.
 *
 * The walk (walk.ts) is a small recursive descent over task lists; the per-type rules live in
 * TASK_CHECKS (task-checks.ts), one function per task type. Recursion only follows container tasks,
 * and stops at MAX_NESTING_DEPTH, so hostile input (100,000 levels deep, or objects shared many
 * times over) cannot exhaust the stack or the CPU.
 */

import { jsonByteLength } from './json-size';
import { MAX_DEFINITION_BYTES, SIZE_COUNT_CAP } from './limits';
import { guarded, newRun, type Problem, type Run, report } from './run';
import { checkTaskDef } from './task-def';
import { checkWorkflowDef } from './walk';

export { MAX_DEFINITION_BYTES, MAX_NESTING_DEPTH } from './limits';
export type { Problem } from './run';

const checkSize = (run: Run, input: unknown): void => {
  const size = jsonByteLength(input, SIZE_COUNT_CAP);
  if (size <= MAX_DEFINITION_BYTES) return;
  const limit = `the limit is ${MAX_DEFINITION_BYTES} bytes (${MAX_DEFINITION_BYTES / 1024} KiB)`;
  report(
    run,
    '$',
    size > SIZE_COUNT_CAP
      ? `the definition is more than ${SIZE_COUNT_CAP} bytes as JSON; ${limit}`
      : `the definition is ${size} bytes as JSON; ${limit}`,
  );
};

/** Every problem with a workflow definition; [] when it is valid. Never throws. */
export function validateWorkflowDef(input: unknown): Problem[] {
  const run = newRun();
  return guarded(run, () => {
    checkSize(run, input);
    checkWorkflowDef(run, input, '$', 0);
  });
}

/** Every problem with a task definition (TaskDef); [] when it is valid. Never throws. */
export function validateTaskDef(input: unknown): Problem[] {
  const run = newRun();
  return guarded(run, () => checkTaskDef(run, input, '$', true));
}
