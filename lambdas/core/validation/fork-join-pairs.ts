/**
 * Forks and joins: a fork's branches meet again only at the JOIN right after it, so the two must be
 * neighbours in the same list, and the JOIN may wait only for tasks of that fork.
 */

import { TaskType } from '../model';
import { VISIT_BUDGET } from './limits';
import type { Obj } from './rules';
import { report } from './run';
import type { Scope, Walked } from './scope';
import { at, member, quote } from './wording';

const isFork = (type: string | undefined): boolean =>
  type === TaskType.FORK_JOIN || type === TaskType.FORK_JOIN_DYNAMIC;

const describeStep = (step: Walked): string => {
  if (step.type === undefined) return 'an entry that is not a valid task';
  return step.ref === undefined ? `a task of type ${step.type}` : `${step.type} task ${quote(step.ref)}`;
};

/** Checks the forks and joins of one walked task list: each fork's JOIN, and what that JOIN waits for. */
export const checkForkJoinPairs = (
  list: readonly unknown[],
  path: string,
  walked: readonly Walked[],
  scope: Scope,
): void => {
  walked.forEach((step, i) => {
    const next = walked[i + 1];
    if (isFork(step.type) && next?.type !== TaskType.JOIN) {
      const actually =
        next === undefined ? 'it is the last task of its list' : `it is followed by ${describeStep(next)}`;
      report(
        scope.run,
        at(path, i),
        `${step.type} must be immediately followed by a JOIN in the same task list, but ${actually}`,
      );
    }
    if (step.type !== TaskType.JOIN) return;
    const previous = walked[i - 1];
    if (previous?.type === TaskType.FORK_JOIN) {
      checkJoinOnFork(list[i] as Obj, at(path, i), at(path, i - 1), previous.inner, scope);
    } else if (previous?.type !== TaskType.FORK_JOIN_DYNAMIC) {
      const actually =
        previous === undefined ? 'it is the first task of its list' : `it follows ${describeStep(previous)}`;
      report(
        scope.run,
        at(path, i),
        `a JOIN must come immediately after a FORK_JOIN or FORK_JOIN_DYNAMIC in the same task list, but ${actually}`,
      );
    }
    // After a FORK_JOIN_DYNAMIC the forked tasks are only known at run time, so joinOn is not checked.
  });
};

const checkJoinOnFork = (
  join: Obj,
  joinPath: string,
  forkPath: string,
  forkRefs: readonly string[],
  scope: Scope,
) => {
  const { run } = scope;
  const joinOnPath = member(joinPath, 'joinOn');
  if (join.joinOn === undefined) {
    report(
      run,
      joinOnPath,
      `a JOIN after a FORK_JOIN needs joinOn, the references of the fork's tasks it waits for`,
    );
    return;
  }
  if (!Array.isArray(join.joinOn)) return; // reported by checkJoin
  if (join.joinOn.length === 0) {
    report(
      run,
      joinOnPath,
      `joinOn is empty; a JOIN after a FORK_JOIN must wait for at least one task of the fork at ${forkPath}`,
    );
    return;
  }
  const inFork = new Set(forkRefs);
  const entries = join.joinOn as unknown[];
  // Whether a reference exists elsewhere is only known once the whole definition has been walked.
  scope.deferred.push(() => {
    for (let i = 0; i < entries.length && i < VISIT_BUDGET; i++) {
      const ref = entries[i];
      if (typeof ref !== 'string' || inFork.has(ref)) continue;
      const elsewhere = scope.refs.get(ref);
      report(
        run,
        at(joinOnPath, i),
        elsewhere
          ? `joinOn entry ${quote(ref)} names a task outside the fork this JOIN closes ` +
              `(the task is at ${elsewhere.path}; the fork is at ${forkPath})`
          : `joinOn entry ${quote(ref)} does not name any task in this workflow`,
      );
    }
  });
};
