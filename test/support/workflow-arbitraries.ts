// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
/**
 * fast-check generators for workflow definitions: valid ones built from a handful of task types,
 * and mutations that break a valid one in random ways. Generation draws a shape first and names the
 * tasks afterwards, so references are unique (`ref_1`, `ref_2`, ...) and shrinking keeps them so.
 */
import fc from 'fast-check';
import { TaskType, type WorkflowDef, type WorkflowTask } from '../../lambdas/core/model';

export interface WorkflowArbitraryOptions {
  /** Containers (FORK_JOIN, SWITCH, DO_WHILE) that may nest; default 3. */
  maxDepth?: number;
  /** Tasks per list and branches per fork; default 4. */
  maxWidth?: number;
}

export const TASK_NAME_POOL = ['task_a', 'task_b', 'task_c', 'task_d', 'task_e'] as const;

type LeafShape =
  | { kind: 'simple'; name: string; optional: boolean }
  | { kind: 'setVariable' }
  | { kind: 'noop' }
  | { kind: 'inline' };

type Shape =
  | LeafShape
  | { kind: 'fork'; branches: Shape[][] }
  | { kind: 'switch'; a: Shape[]; b: Shape[]; otherwise: Shape[] }
  | { kind: 'loop'; iterations: number; body: Array<Extract<LeafShape, { kind: 'simple' }>> };

const simpleShape = fc.record({
  kind: fc.constant('simple' as const),
  name: fc.constantFrom(...TASK_NAME_POOL),
  optional: fc.boolean(),
});

const leafShape: fc.Arbitrary<LeafShape> = fc.oneof(
  { arbitrary: simpleShape, weight: 4 },
  fc.constant({ kind: 'setVariable' as const }),
  fc.constant({ kind: 'noop' as const }),
  fc.constant({ kind: 'inline' as const }),
);

/** Non-empty task lists whose containers nest at most `depth` deep. */
const shapeLists = (maxDepth: number, maxWidth: number): fc.Arbitrary<Shape[]> => {
  const loop = fc.record({
    kind: fc.constant('loop' as const),
    iterations: fc.integer({ min: 1, max: 3 }),
    body: fc.array(simpleShape, { minLength: 1, maxLength: maxWidth }),
  });
  let list: fc.Arbitrary<Shape[]> = fc.array(leafShape, { minLength: 1, maxLength: maxWidth });
  for (let depth = 1; depth <= maxDepth; depth++) {
    const inner = list;
    const maybeEmpty = fc.oneof(fc.constant<Shape[]>([]), inner);
    const fork = fc.record({
      kind: fc.constant('fork' as const),
      branches: fc.array(inner, { minLength: 1, maxLength: maxWidth }),
    });
    const choice = fc.record({
      kind: fc.constant('switch' as const),
      a: maybeEmpty,
      b: maybeEmpty,
      otherwise: maybeEmpty,
    });
    const task: fc.Arbitrary<Shape> = fc.oneof(
      { arbitrary: leafShape, weight: 6 },
      { arbitrary: fork, weight: 1 },
      { arbitrary: choice, weight: 1 },
      { arbitrary: loop, weight: 1 },
    );
    list = fc.array(task, { minLength: 1, maxLength: maxWidth });
  }
  return list;
};

/** Turns shapes into tasks, numbering references in order of appearance. */
const materialize = (shapes: readonly Shape[], nextRef: () => string): WorkflowTask[] => {
  const tasks: WorkflowTask[] = [];
  for (const shape of shapes) {
    switch (shape.kind) {
      case 'simple':
        tasks.push(simpleTask(shape, nextRef()));
        break;
      case 'setVariable':
        tasks.push({
          name: 'set_variable',
          taskReferenceName: nextRef(),
          type: TaskType.SET_VARIABLE,
          inputParameters: { last: '${workflow.input.value}' },
        });
        break;
      case 'noop':
        tasks.push({ name: 'noop', taskReferenceName: nextRef(), type: TaskType.NOOP });
        break;
      case 'inline':
        tasks.push({
          name: 'inline',
          taskReferenceName: nextRef(),
          type: TaskType.INLINE,
          inputParameters: { evaluatorType: 'javascript', expression: '$.value * 2', value: 1 },
        });
        break;
      case 'fork': {
        const forkRef = nextRef();
        const forkTasks = shape.branches.map((branch) => materialize(branch, nextRef));
        // The JOIN waits for the last task of each branch, which is how Conductor examples join.
        const joinOn = forkTasks.map((branch) => branch[branch.length - 1]!.taskReferenceName);
        tasks.push({ name: 'fork', taskReferenceName: forkRef, type: TaskType.FORK_JOIN, forkTasks });
        tasks.push({ name: 'join', taskReferenceName: nextRef(), type: TaskType.JOIN, joinOn });
        break;
      }
      case 'switch': {
        const ref = nextRef();
        tasks.push({
          name: 'switch',
          taskReferenceName: ref,
          type: TaskType.SWITCH,
          evaluatorType: 'value-param',
          expression: 'switchCaseValue',
          inputParameters: { switchCaseValue: '${workflow.input.choice}' },
          decisionCases: { a: materialize(shape.a, nextRef), b: materialize(shape.b, nextRef) },
          defaultCase: materialize(shape.otherwise, nextRef),
        });
        break;
      }
      case 'loop': {
        const ref = nextRef();
        tasks.push({
          name: 'loop',
          taskReferenceName: ref,
          type: TaskType.DO_WHILE,
          loopCondition: `$.${ref}['iteration'] < ${shape.iterations}`,
          inputParameters: {},
          loopOver: shape.body.map((simple) => simpleTask(simple, nextRef())),
        });
        break;
      }
    }
  }
  return tasks;
};

const simpleTask = (shape: { name: string; optional: boolean }, ref: string): WorkflowTask => ({
  name: shape.name,
  taskReferenceName: ref,
  type: TaskType.SIMPLE,
  inputParameters: { value: '${workflow.input.value}' },
  ...(shape.optional ? { optional: true } : {}),
});

/** Valid workflow definitions (validateWorkflowDef gives []) with globally unique references. */
export const arbitraryWorkflowDef = (options: WorkflowArbitraryOptions = {}): fc.Arbitrary<WorkflowDef> => {
  const { maxDepth = 3, maxWidth = 4 } = options;
  return shapeLists(maxDepth, maxWidth).map((shapes) => {
    let counter = 0;
    const tasks = materialize(shapes, () => `ref_${++counter}`);
    return {
      name: 'generated_workflow',
      version: 1,
      schemaVersion: 2,
      tasks,
      inputParameters: ['choice', 'value'],
      outputParameters: { last: `\${${tasks[tasks.length - 1]!.taskReferenceName}.output}` },
      timeoutPolicy: 'ALERT_ONLY',
      timeoutSeconds: 0,
    };
  });
};

// ---------------------------------------------------------------------------------------------
// Mutations

/**
 * One way to break a definition. `target`, `key` and `source` are picked modulo what exists, so any
 * numbers fit any definition: `target` chooses among the objects and arrays inside it (the root
 * included), `key` among that container's keys.
 */
export type JsonMutation =
  | { op: 'delete'; target: number; key: number }
  | { op: 'replace'; target: number; key: number; value: unknown }
  | { op: 'wrapInArray'; target: number; key: number }
  | { op: 'empty'; target: number }
  | { op: 'duplicateRef'; target: number; source: number };

/** Values that are wrong in interesting ways: wrong kinds, empty, negative, other task types. */
const replacementValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    '',
    -1,
    1.5,
    0,
    true,
    [],
    {},
    [[]],
    'NOT_A_TYPE',
    'ref_1',
    'ref_1__1',
    '${workflow.input.x}',
    ...Object.values(TaskType),
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

export const arbitraryJsonMutation = (): fc.Arbitrary<JsonMutation> =>
  fc.oneof(
    fc.record({ op: fc.constant('delete' as const), target: fc.nat(), key: fc.nat() }),
    fc.record({
      op: fc.constant('replace' as const),
      target: fc.nat(),
      key: fc.nat(),
      value: replacementValue,
    }),
    fc.record({ op: fc.constant('wrapInArray' as const), target: fc.nat(), key: fc.nat() }),
    fc.record({ op: fc.constant('empty' as const), target: fc.nat() }),
    fc.record({ op: fc.constant('duplicateRef' as const), target: fc.nat(), source: fc.nat() }),
  );

type Container = Record<string, unknown> | unknown[];

/** Every object and array inside `root`, root first, found without recursion. */
const containersOf = (root: unknown): Container[] => {
  const found: Container[] = [];
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    const container = value as Container;
    found.push(container);
    for (const child of Object.values(container)) pending.push(child);
  }
  return found;
};

const pick = <T>(items: readonly T[], n: number): T | undefined =>
  items.length === 0 ? undefined : items[n % items.length];

/** Applies one mutation to a copy of `definition`; the input is left untouched. */
export const applyJsonMutation = (definition: unknown, mutation: JsonMutation): unknown => {
  const copy: unknown = structuredClone(definition);
  const containers = containersOf(copy);
  const target = pick(containers, mutation.target);
  if (target === undefined) return copy;
  const record = target as Record<string, unknown>;
  const key = 'key' in mutation ? pick(Object.keys(target), mutation.key) : undefined;
  switch (mutation.op) {
    case 'delete':
      if (key === undefined) break;
      if (Array.isArray(target)) target.splice(Number(key), 1);
      else delete record[key];
      break;
    case 'replace':
      if (key !== undefined) record[key] = structuredClone(mutation.value);
      break;
    case 'wrapInArray':
      if (key !== undefined) record[key] = [record[key]];
      break;
    case 'empty':
      if (Array.isArray(target)) target.length = 0;
      else for (const name of Object.keys(target)) delete record[name];
      break;
    case 'duplicateRef': {
      const tasks = containers.filter(
        (container): container is Record<string, unknown> =>
          !Array.isArray(container) && typeof container.taskReferenceName === 'string',
      );
      const into = pick(tasks, mutation.target);
      const from = pick(tasks, mutation.source);
      if (into && from) into.taskReferenceName = from.taskReferenceName;
      break;
    }
  }
  return copy;
};

/** Valid definitions broken by one to four mutations (some may happen to leave them valid). */
export const arbitraryMutatedWorkflowDef = (options: WorkflowArbitraryOptions = {}): fc.Arbitrary<unknown> =>
  fc
    .tuple(arbitraryWorkflowDef(options), fc.array(arbitraryJsonMutation(), { minLength: 1, maxLength: 4 }))
    .map(([definition, mutations]) => mutations.reduce<unknown>(applyJsonMutation, definition));
