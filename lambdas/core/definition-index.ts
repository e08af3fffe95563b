import { TaskType, typeOf, type WorkflowDef, type WorkflowTask } from './model';

/** Where a step sits in the definition tree, so "what comes after it" is a lookup, not a search. */
export interface StepPlace {
  step: WorkflowTask;
  list: WorkflowTask[];
  index: number;
  /** The FORK_JOIN, SWITCH/DECISION or DO_WHILE whose list holds this step; undefined at the top level. */
  owner?: WorkflowTask;
}

export type NextStep =
  | { kind: 'step'; step: WorkflowTask }
  /** The end of a DO_WHILE body: the loop decides whether to run again. */
  | { kind: 'loopEnd'; loop: WorkflowTask }
  /** The end of a fork branch: the JOIN after the fork takes over. */
  | { kind: 'branchEnd' }
  | { kind: 'workflowEnd' };

export interface DefinitionIndex {
  place(ref: string): StepPlace | undefined;
  /** What follows the step `ref` once it has ended successfully. */
  nextAfter(ref: string): NextStep;
  /** The step that starts `list`, or what follows the list's owner when the list is empty. */
  firstOf(list: WorkflowTask[] | undefined, owner: WorkflowTask): NextStep;
  /** Every reference inside a container step (its branches, cases or loop body), nested ones included. */
  descendants(ref: string): string[];
}

const childLists = (step: WorkflowTask): WorkflowTask[][] => {
  switch (typeOf(step)) {
    case TaskType.FORK_JOIN:
      return step.forkTasks ?? [];
    case TaskType.SWITCH:
    case TaskType.DECISION:
      return [...Object.values(step.decisionCases ?? {}), step.defaultCase ?? []];
    case TaskType.DO_WHILE:
      return [step.loopOver ?? []];
    default:
      return [];
  }
};

const cache = new WeakMap<WorkflowDef, DefinitionIndex>();

/** Indexes a (validated) definition once; the index is cached per definition object. */
export const indexDefinition = (definition: WorkflowDef): DefinitionIndex => {
  const cached = cache.get(definition);
  if (cached) return cached;
  const places = new Map<string, StepPlace>();
  const descendantCache = new Map<string, string[]>();

  const visit = (list: WorkflowTask[], owner: WorkflowTask | undefined): void => {
    list.forEach((step, index) => {
      places.set(step.taskReferenceName, { step, list, index, owner });
      for (const child of childLists(step)) visit(child, step);
    });
  };
  visit(definition.tasks, undefined);

  const afterList = (owner: WorkflowTask | undefined): NextStep => {
    if (!owner) return { kind: 'workflowEnd' };
    const ownerType = typeOf(owner);
    if (ownerType === TaskType.DO_WHILE) return { kind: 'loopEnd', loop: owner };
    if (ownerType === TaskType.FORK_JOIN) return { kind: 'branchEnd' };
    // The end of a SWITCH case continues after the SWITCH itself.
    return nextAfter(owner.taskReferenceName);
  };

  const nextAfter = (ref: string): NextStep => {
    const place = places.get(ref);
    // Dynamically forked tasks are not in the definition; each is a branch of its own.
    if (!place) return { kind: 'branchEnd' };
    const following = place.list[place.index + 1];
    return following ? { kind: 'step', step: following } : afterList(place.owner);
  };

  const index: DefinitionIndex = {
    place: (ref) => places.get(ref),
    nextAfter,
    firstOf: (list, owner) => {
      const first = list?.[0];
      return first ? { kind: 'step', step: first } : nextAfter(owner.taskReferenceName);
    },
    descendants: (ref) => {
      const known = descendantCache.get(ref);
      if (known) return known;
      const refs: string[] = [];
      const collect = (step: WorkflowTask): void => {
        for (const list of childLists(step)) {
          for (const child of list) {
            refs.push(child.taskReferenceName);
            collect(child);
          }
        }
      };
      const place = places.get(ref);
      if (place) collect(place.step);
      descendantCache.set(ref, refs);
      return refs;
    },
  };
  cache.set(definition, index);
  return index;
};
