/** What the walk knows about where it is, and the shape of a per-type task check. */

import type { Obj } from './rules';
import type { Run } from './run';

export interface RefEntry {
  /** Path of the first taskReferenceName with this value. */
  path: string;
  /** Path of the enclosing DO_WHILE, if any. */
  loop: string | undefined;
  uses: number;
}

/** One workflow definition's namespace: an inline sub-workflow definition gets its own. */
export interface Scope {
  run: Run;
  refs: Map<string, RefEntry>;
  /** Checks that need every reference of the definition, run once the walk is over. */
  deferred: Array<() => void>;
}

/** Where a task list sits. */
export interface Position {
  scope: Scope;
  /** Containers around this list (the top-level list is 0). */
  depth: number;
  /** Path of the enclosing DO_WHILE, if any. */
  loop: string | undefined;
}

/** What walking one task found out: its type and reference, and the references declared inside it. */
export interface Walked {
  type: string | undefined;
  ref: string | undefined;
  inner: string[];
}

/**
 * What a container's check asks of the walk: to go into the task lists it holds. The walk hands
 * itself to every check, so that the checks need not import the module that imports them.
 */
export interface Walker {
  /**
   * Walks the task lists inside a container one level deeper, refusing to go past the nesting
   * limit; `loop` is the enclosing DO_WHILE for them (the container's own one when left out).
   * Returns every reference declared in the lists.
   */
  nested(
    lists: ReadonlyArray<readonly [readonly unknown[], string]>,
    containerPath: string,
    position: Position,
    loop?: string,
  ): string[];
  /** Checks an inline workflow definition as a workflow of its own, `depth` containers down. */
  workflow(run: Run, def: unknown, path: string, depth: number): void;
}

/** The rules for one task type. Returns the references declared inside the task (containers only). */
export type TaskCheck = (task: Obj, path: string, position: Position, walker: Walker) => string[];
