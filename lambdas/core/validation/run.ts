/** One validation call's state: the problems found so far, and how much of the input went unchecked. */

import { MAX_NESTING_DEPTH, VISIT_BUDGET } from './limits';

export interface Problem {
  /** A JSON path into the checked value, such as `$.tasks[2].forkTasks[0][1].taskReferenceName`. */
  path: string;
  message: string;
}

/** State shared by one call, inline sub-workflow definitions included. */
export interface Run {
  problems: Problem[];
  visitsLeft: number;
  nestingReported: boolean;
  /** Set when part of the input went unchecked (nesting limit, visit budget). */
  incomplete: boolean;
}

export const newRun = (): Run => ({
  problems: [],
  visitsLeft: VISIT_BUDGET,
  nestingReported: false,
  incomplete: false,
});

export const report = (run: Run, path: string, message: string): void => {
  run.problems.push({ path, message });
};

/** Counts one list entry against the budget; false (reported once) when the budget is spent. */
export const spend = (run: Run): boolean => {
  run.visitsLeft -= 1;
  if (run.visitsLeft === -1) {
    run.incomplete = true;
    report(
      run,
      '$',
      `the definition has more than ${VISIT_BUDGET} tasks and list entries; checking stopped there`,
    );
  }
  return run.visitsLeft >= 0;
};

/** Deep nesting is refused once (not once per branch), and nothing below the limit is looked at. */
export const withinNestingLimit = (run: Run, depth: number, containerPath: string): boolean => {
  if (depth <= MAX_NESTING_DEPTH) return true;
  run.incomplete = true;
  if (!run.nestingReported) {
    run.nestingReported = true;
    report(
      run,
      containerPath,
      `tasks are nested more than ${MAX_NESTING_DEPTH} levels deep (each FORK_JOIN, SWITCH, DECISION, ` +
        'DO_WHILE and inline SUB_WORKFLOW adds a level); nothing below this task was checked',
    );
  }
  return false;
};

/** Both entry points end here: the walk is written not to throw, but a getter or Proxy in a
 * hand-built (non-JSON) value still could, and validation must answer rather than crash. */
export const guarded = (run: Run, check: () => void): Problem[] => {
  try {
    check();
  } catch {
    report(run, '$', 'the value could not be read as JSON data (reading it threw an exception)');
  }
  return run.problems;
};
