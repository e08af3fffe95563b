/**
 * Checks workflow and task definitions before Baton stores or runs them, so that a mistake is
 * reported once, with a JSON path, at registration time instead of stalling an execution later.
 *
 * Pure and total: no I/O, no clock, no randomness, and it never throws, whatever it is handed.
 * Every problem is reported, not only the first, so a user can fix a definition in one round trip.
 *
 * The walk is a small recursive descent over task lists; the per-type rules live in TASK_CHECKS,
 * one function per task type. Recursion only follows container tasks, and stops at
 * MAX_NESTING_DEPTH, so hostile input (100,000 levels deep, or objects shared many times over)
 * cannot exhaust the stack or the CPU.
 */

import { RetryLogic, TASK_DEF_DEFAULTS, TaskType, TimeoutPolicy } from './model';

export interface Problem {
  /** A JSON path into the checked value, such as `$.tasks[2].forkTasks[0][1].taskReferenceName`. */
  path: string;
  message: string;
}

/** How many container tasks (FORK_JOIN, SWITCH, DECISION, DO_WHILE, inline SUB_WORKFLOW) may nest. */
export const MAX_NESTING_DEPTH = 32;
/** The largest definition accepted, measured as UTF-8 bytes of its JSON encoding. */
export const MAX_DEFINITION_BYTES = 256 * 1024;

/** Past this the size count stops: the exact figure no longer matters, and a cyclic object never ends. */
const SIZE_COUNT_CAP = 16 * MAX_DEFINITION_BYTES;
/**
 * List entries looked at before checking gives up. A JSON tree is walked once per node, but an
 * object graph that shares sub-objects (not JSON, but callers may pass one) would be walked once per
 * path to them, which grows exponentially with depth.
 */
const VISIT_BUDGET = 200_000;

const TASK_TYPES: readonly string[] = Object.values(TaskType);
const SWITCH_EVALUATORS = ['value-param', 'javascript', 'graaljs'] as const;
/** Conductor's INLINE runs through the same evaluators as SWITCH, and Baton's INLINE supports all three. */
const INLINE_EVALUATORS = SWITCH_EVALUATORS;
const WORKFLOW_TIMEOUT_POLICIES = [TimeoutPolicy.TIME_OUT_WF, TimeoutPolicy.ALERT_ONLY] as const;
const TERMINATION_STATUSES = ['COMPLETED', 'FAILED'] as const;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;
/** Baton names iteration N of a loop task `x` `x__N` (see ids.ts), so such names are reserved in loops. */
const ITERATION_SUFFIX = /^(.*)__(\d+)$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

type Obj = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Value predicates and wording

const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isNonNegativeNumber = (value: unknown): value is number => isFiniteNumber(value) && value >= 0;
const isNonNegativeInteger = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0;
const isPositiveInteger = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) > 0;
/**
 * A string that is one `${...}` expression and nothing else keeps the type of what it resolves to,
 * so where an input must be an object such a string may stand for one.
 */
const isWholeExpression = (value: unknown): boolean =>
  typeof value === 'string' && /^\$\{[^}]*\}$/.test(value);

const quote = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/** What a value is, for "got ..." in messages; never prints more than a short string. */
const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  switch (typeof value) {
    case 'string':
      return value.length === 0 ? 'an empty string' : `the string ${quote(value)}`;
    case 'number':
      return `the number ${String(value)}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof value}`;
  }
};

const member = (path: string, key: string): string =>
  IDENTIFIER.test(key) ? `${path}.${key}` : `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
const at = (path: string, index: number): string => `${path}[${index}]`;

// ---------------------------------------------------------------------------------------------
// Reporting state

/** State shared by one call, inline sub-workflow definitions included. */
interface Run {
  problems: Problem[];
  visitsLeft: number;
  nestingReported: boolean;
  /** Set when part of the input went unchecked (nesting limit, visit budget). */
  incomplete: boolean;
}

const newRun = (): Run => ({
  problems: [],
  visitsLeft: VISIT_BUDGET,
  nestingReported: false,
  incomplete: false,
});

const report = (run: Run, path: string, message: string): void => {
  run.problems.push({ path, message });
};

/** Counts one list entry against the budget; false (reported once) when the budget is spent. */
const spend = (run: Run): boolean => {
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

/** A rule for one field: a predicate and the words that complete "must be ...". */
interface Rule {
  ok: (value: unknown) => boolean;
  wanted: string;
}

const NON_EMPTY_STRING: Rule = { ok: isNonEmptyString, wanted: 'a non-empty string' };
const STRING: Rule = { ok: (value) => typeof value === 'string', wanted: 'a string' };
const BOOLEAN: Rule = { ok: (value) => typeof value === 'boolean', wanted: 'true or false' };
const OBJECT: Rule = { ok: isObject, wanted: 'an object' };
const NON_NEGATIVE_NUMBER: Rule = { ok: isNonNegativeNumber, wanted: 'a non-negative number' };
const NON_NEGATIVE_INTEGER: Rule = { ok: isNonNegativeInteger, wanted: 'a non-negative integer' };
const POSITIVE_INTEGER: Rule = { ok: isPositiveInteger, wanted: 'a positive integer' };
const STRING_LIST: Rule = { ok: Array.isArray, wanted: 'a list of strings' };
const TASK_LIST: Rule = { ok: Array.isArray, wanted: 'a list of tasks' };
const NON_EMPTY_TASK_LIST: Rule = {
  ok: (value) => Array.isArray(value) && value.length > 0,
  wanted: 'a non-empty list of tasks',
};
const OBJECT_OR_EXPRESSION: Rule = {
  ok: (value) => isObject(value) || isWholeExpression(value),
  wanted: 'an object (or a ${...} expression that yields one)',
};
const POSITIVE_INTEGER_OR_EXPRESSION: Rule = {
  ok: (value) => isPositiveInteger(value) || isWholeExpression(value),
  wanted: 'a positive integer (or a ${...} expression that yields one)',
};
const oneOf = (values: readonly string[]): Rule => ({
  ok: (value) => typeof value === 'string' && values.includes(value),
  wanted: `one of ${values.join(' | ')}`,
});

/**
 * Checks `owner[name]` against `rule`. A missing field is fine unless `requiredBy` names who needs
 * it. `label` is the field's name in messages when that is not just `name`. Returns whether the
 * field is present and right.
 */
const field = (
  run: Run,
  owner: Obj,
  ownerPath: string,
  name: string,
  rule: Rule,
  requiredBy?: string,
  label = name,
): boolean => {
  const value = owner[name];
  if (value === undefined) {
    if (requiredBy !== undefined)
      report(run, member(ownerPath, name), `${requiredBy} needs ${label} (${rule.wanted})`);
    return false;
  }
  if (rule.ok(value)) return true;
  report(run, member(ownerPath, name), `${label} must be ${rule.wanted}, got ${describe(value)}`);
  return false;
};

interface Located {
  value: string;
  path: string;
}

/** Checks a list-of-strings field and returns its strings with their paths. */
const stringList = (
  run: Run,
  owner: Obj,
  ownerPath: string,
  name: string,
  requiredBy?: string,
): Located[] => {
  if (!field(run, owner, ownerPath, name, STRING_LIST, requiredBy)) return [];
  const list = owner[name] as unknown[];
  const listPath = member(ownerPath, name);
  const found: Located[] = [];
  for (let i = 0; i < list.length && spend(run); i++) {
    const item = list[i];
    if (typeof item === 'string') found.push({ value: item, path: at(listPath, i) });
    else report(run, at(listPath, i), `${name}[${i}] must be a string, got ${describe(item)}`);
  }
  return found;
};

/** Checks `inputParameters[name]`; a missing or non-object inputParameters counts as empty. */
const inputField = (
  run: Run,
  task: Obj,
  path: string,
  name: string,
  rule: Rule,
  requiredBy?: string,
): boolean => {
  const input = task.inputParameters;
  // A present but non-object inputParameters has been reported already; do not pile on.
  if (input !== undefined && !isObject(input)) return false;
  const owner = input ?? {};
  return field(
    run,
    owner,
    member(path, 'inputParameters'),
    name,
    rule,
    requiredBy,
    `inputParameters.${name}`,
  );
};

// ---------------------------------------------------------------------------------------------
// Size

/**
 * The UTF-8 byte length of `JSON.stringify(value)`, counted without building the string and without
 * recursion (JSON.stringify itself overflows the stack on very deep input). Counting stops once the
 * total passes `cap`. `toJSON` methods are not called: definitions are parsed JSON, which has none.
 */
const jsonByteLength = (value: unknown, cap: number): number => {
  const omitted = (item: unknown): boolean =>
    item === undefined || typeof item === 'function' || typeof item === 'symbol';
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && total <= cap) {
    const item = pending.pop();
    if (typeof item === 'string') total += stringBytes(item, cap - total);
    else if (typeof item === 'number') total += Number.isFinite(item) ? String(item).length : 4;
    else if (typeof item === 'boolean') total += item ? 4 : 5;
    else if (typeof item === 'bigint') total += String(item).length;
    else if (item === null) total += 4;
    else if (Array.isArray(item)) {
      total += 2 + Math.max(item.length - 1, 0);
      for (let i = 0; i < item.length && total <= cap; i++) {
        const element: unknown = item[i];
        if (omitted(element)) total += 4;
        else pending.push(element);
      }
    } else if (typeof item === 'object') {
      total += 2;
      let entries = 0;
      for (const key of Object.keys(item)) {
        if (total > cap) break;
        const entry = (item as Obj)[key];
        if (omitted(entry)) continue;
        total += (entries > 0 ? 1 : 0) + stringBytes(key, cap) + 1;
        entries += 1;
        pending.push(entry);
      }
    }
    // undefined, functions and symbols at the top level: JSON.stringify writes nothing.
  }
  return total;
};

/** Bytes of a JSON string literal: quotes, escapes, UTF-8; lone surrogates are written as \uXXXX. */
const stringBytes = (text: string, limit: number): number => {
  // Most strings are plain printable ASCII: one byte a character, nothing escaped.
  if (PLAIN_ASCII.test(text)) return text.length + 2;
  let bytes = 2;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c) bytes += 2;
    else if (code < 0x20)
      bytes += code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? 2 : 6;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 6;
    } else if (code >= 0xdc00 && code <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
};

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

// ---------------------------------------------------------------------------------------------
// The walk

interface RefEntry {
  /** Path of the first taskReferenceName with this value. */
  path: string;
  /** Path of the enclosing DO_WHILE, if any. */
  loop: string | undefined;
  uses: number;
}

/** One workflow definition's namespace: an inline sub-workflow definition gets its own. */
interface Scope {
  run: Run;
  refs: Map<string, RefEntry>;
  /** Checks that need every reference of the definition, run once the walk is over. */
  deferred: Array<() => void>;
}

/** Where a task list sits. */
interface Position {
  scope: Scope;
  /** Containers around this list (the top-level list is 0). */
  depth: number;
  /** Path of the enclosing DO_WHILE, if any. */
  loop: string | undefined;
}

/** What walking one task found out: its type and reference, and the references declared inside it. */
interface Walked {
  type: string | undefined;
  ref: string | undefined;
  inner: string[];
}

const append = (target: string[], source: readonly string[]): void => {
  for (const item of source) target.push(item);
};

const checkWorkflowDef = (run: Run, def: unknown, path: string, depth: number): void => {
  if (!isObject(def)) {
    report(run, path, `a workflow definition must be a JSON object, got ${describe(def)}`);
    return;
  }
  const scope: Scope = { run, refs: new Map(), deferred: [] };
  field(run, def, path, 'name', NON_EMPTY_STRING, 'a workflow definition');
  field(run, def, path, 'version', POSITIVE_INTEGER);
  field(run, def, path, 'timeoutPolicy', oneOf(WORKFLOW_TIMEOUT_POLICIES));
  field(run, def, path, 'timeoutSeconds', NON_NEGATIVE_NUMBER);
  stringList(run, def, path, 'inputParameters');
  for (const name of ['outputParameters', 'variables', 'inputTemplate']) field(run, def, path, name, OBJECT);
  for (const name of ['restartable', 'workflowStatusListenerEnabled']) field(run, def, path, name, BOOLEAN);
  for (const name of ['description', 'failureWorkflow', 'ownerEmail']) field(run, def, path, name, STRING);
  if (field(run, def, path, 'tasks', NON_EMPTY_TASK_LIST, 'a workflow definition')) {
    walkList(def.tasks as unknown[], member(path, 'tasks'), { scope, depth, loop: undefined });
  }
  // These checks look a reference up among all of them; with part of the tree unchecked they would
  // call existing references unknown, so they are skipped (the definition is refused anyway).
  if (!run.incomplete) for (const check of scope.deferred) check();
  checkIterationCollisions(scope);
};

/** Walks one task list and returns every reference declared in it, nested ones included. */
const walkList = (list: readonly unknown[], path: string, position: Position): string[] => {
  const run = position.scope.run;
  const declared: string[] = [];
  const walked: Walked[] = [];
  for (let i = 0; i < list.length; i++) {
    if (!spend(run)) return declared;
    const step = walkTask(list[i], at(path, i), position);
    walked.push(step);
    if (step.ref !== undefined) declared.push(step.ref);
    append(declared, step.inner);
  }
  checkForkJoinPairs(list, path, walked, position.scope);
  return declared;
};

const walkTask = (task: unknown, path: string, position: Position): Walked => {
  const run = position.scope.run;
  if (!isObject(task)) {
    report(run, path, `a task must be a JSON object, got ${describe(task)}`);
    return { type: undefined, ref: undefined, inner: [] };
  }
  field(run, task, path, 'name', NON_EMPTY_STRING, 'every task');
  const ref = declareRef(task, path, position);
  field(run, task, path, 'inputParameters', OBJECT);
  field(run, task, path, 'retryCount', NON_NEGATIVE_INTEGER);
  field(run, task, path, 'startDelay', NON_NEGATIVE_INTEGER);
  field(run, task, path, 'optional', BOOLEAN);
  field(run, task, path, 'asyncComplete', BOOLEAN);
  // An inline taskDefinition follows the TaskDef rules; its name may be left out (it is the task's).
  if (field(run, task, path, 'taskDefinition', OBJECT)) {
    checkTaskDef(run, task.taskDefinition, member(path, 'taskDefinition'), false);
  }

  // Conductor treats a missing type as SIMPLE (but not an explicit null).
  const type = task.type === undefined ? TaskType.SIMPLE : task.type;
  if (typeof type !== 'string') {
    report(run, member(path, 'type'), `type must be a string naming a task type, got ${describe(type)}`);
    return { type: undefined, ref, inner: [] };
  }
  if (!Object.hasOwn(TASK_CHECKS, type)) {
    report(
      run,
      member(path, 'type'),
      `unknown task type ${quote(type)}; the allowed types are ${TASK_TYPES.join(', ')}`,
    );
    return { type, ref, inner: [] };
  }
  return { type, ref, inner: TASK_CHECKS[type as TaskType](task, path, position) };
};

/** Checks taskReferenceName and records it: references must be unique across the whole definition. */
const declareRef = (task: Obj, path: string, position: Position): string | undefined => {
  const { run, refs } = position.scope;
  if (!field(run, task, path, 'taskReferenceName', NON_EMPTY_STRING, 'every task')) return undefined;
  const ref = task.taskReferenceName as string;
  const refPath = member(path, 'taskReferenceName');
  const first = refs.get(ref);
  if (first) {
    first.uses += 1;
    const times = first.uses === 2 ? 'twice' : `${first.uses} times`;
    report(run, refPath, `taskReferenceName ${quote(ref)} is used ${times} (first at ${first.path})`);
  } else {
    refs.set(ref, { path: refPath, loop: position.loop, uses: 1 });
  }
  if (position.loop !== undefined && ITERATION_SUFFIX.test(ref)) {
    report(
      run,
      refPath,
      `taskReferenceName ${quote(ref)} ends in __ and digits, which Baton reserves inside DO_WHILE ` +
        `(iteration N of a task "x" is named "x__N"); rename it (the loop is at ${position.loop})`,
    );
  }
  return ref;
};

/**
 * Outside a loop, a reference such as "a__2" would collide with iteration 2 of a task "a" inside a
 * loop, since both get the same name at run time.
 */
const checkIterationCollisions = (scope: Scope): void => {
  for (const [ref, entry] of scope.refs) {
    if (entry.loop !== undefined) continue;
    const match = ITERATION_SUFFIX.exec(ref);
    const looped = match ? scope.refs.get(match[1]!) : undefined;
    if (match && looped?.loop !== undefined) {
      report(
        scope.run,
        entry.path,
        `taskReferenceName ${quote(ref)} is the name Baton gives iteration ${match[2]} of ${quote(match[1]!)} ` +
          `in the DO_WHILE at ${looped.loop}; rename one of them`,
      );
    }
  }
};

/** Walks the task lists inside a container one level deeper, refusing to go past the nesting limit. */
const walkNested = (
  lists: ReadonlyArray<readonly [readonly unknown[], string]>,
  containerPath: string,
  position: Position,
  loop = position.loop,
): string[] => {
  const nonEmpty = lists.filter(([list]) => list.length > 0);
  if (nonEmpty.length === 0) return [];
  const depth = position.depth + 1;
  if (!withinNestingLimit(position.scope.run, depth, containerPath)) return [];
  const inner: Position = { scope: position.scope, depth, loop };
  const declared: string[] = [];
  for (const [list, path] of nonEmpty) append(declared, walkList(list, path, inner));
  return declared;
};

/** Deep nesting is refused once (not once per branch), and nothing below the limit is looked at. */
const withinNestingLimit = (run: Run, depth: number, containerPath: string): boolean => {
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

// ---------------------------------------------------------------------------------------------
// Forks and joins

const isFork = (type: string | undefined): boolean =>
  type === TaskType.FORK_JOIN || type === TaskType.FORK_JOIN_DYNAMIC;

const describeStep = (step: Walked): string => {
  if (step.type === undefined) return 'an entry that is not a valid task';
  return step.ref === undefined ? `a task of type ${step.type}` : `${step.type} task ${quote(step.ref)}`;
};

/**
 * A fork's branches meet again only at the JOIN right after it, so the two must be neighbours in
 * the same list, and the JOIN may wait only for tasks of that fork.
 */
const checkForkJoinPairs = (
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

// ---------------------------------------------------------------------------------------------
// Per-type checks. Each returns the references declared inside the task (containers only).

type TaskCheck = (task: Obj, path: string, position: Position) => string[];

const noChecks: TaskCheck = () => [];

const checkForkJoin: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  const forkTasks = task.forkTasks;
  const forkPath = member(path, 'forkTasks');
  const wanted = 'a list of branches, each a non-empty list of tasks';
  if (forkTasks === undefined) {
    report(run, forkPath, `a FORK_JOIN task needs forkTasks (${wanted})`);
    return [];
  }
  if (!Array.isArray(forkTasks)) {
    report(run, forkPath, `forkTasks must be ${wanted}, got ${describe(forkTasks)}`);
    return [];
  }
  if (forkTasks.length === 0) {
    report(run, forkPath, 'forkTasks is empty; a FORK_JOIN needs at least one branch');
    return [];
  }
  const branches: Array<readonly [unknown[], string]> = [];
  for (let i = 0; i < forkTasks.length && spend(run); i++) {
    const branch: unknown = forkTasks[i];
    const branchPath = at(forkPath, i);
    if (!Array.isArray(branch))
      report(run, branchPath, `branch ${i} of forkTasks must be a list of tasks, got ${describe(branch)}`);
    else if (branch.length === 0)
      report(run, branchPath, `branch ${i} of forkTasks is empty; every branch needs at least one task`);
    else branches.push([branch, branchPath]);
  }
  return walkNested(branches, path, position);
};

const checkDynamicFork: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  const modern =
    task.dynamicForkTasksParam !== undefined || task.dynamicForkTasksInputParamName !== undefined;
  if (task.dynamicForkJoinTasksParam !== undefined) {
    // Conductor refuses a mix of the legacy parameter and the current pair.
    if (modern) {
      report(
        run,
        member(path, 'dynamicForkJoinTasksParam'),
        'use either dynamicForkJoinTasksParam (legacy) or dynamicForkTasksParam with dynamicForkTasksInputParamName, not both',
      );
    }
    field(run, task, path, 'dynamicForkJoinTasksParam', NON_EMPTY_STRING);
    return [];
  }
  field(run, task, path, 'dynamicForkTasksParam', NON_EMPTY_STRING, 'a FORK_JOIN_DYNAMIC task');
  field(run, task, path, 'dynamicForkTasksInputParamName', NON_EMPTY_STRING, 'a FORK_JOIN_DYNAMIC task');
  return [];
};

const checkJoin: TaskCheck = (task, path, position) => {
  // Only the kind is checked here; which references are allowed depends on the fork before it.
  stringList(position.scope.run, task, path, 'joinOn');
  return [];
};

const checkExclusiveJoin: TaskCheck = (task, path, position) => {
  const { scope } = position;
  const knownRefs = (name: string, requiredBy?: string): void => {
    const refs = stringList(scope.run, task, path, name, requiredBy);
    scope.deferred.push(() => {
      for (const ref of refs) {
        if (!scope.refs.has(ref.value)) {
          report(
            scope.run,
            ref.path,
            `${name} entry ${quote(ref.value)} does not name any task in this workflow`,
          );
        }
      }
    });
  };
  knownRefs('joinOn', 'an EXCLUSIVE_JOIN task');
  knownRefs('defaultExclusiveJoinTask');
  return [];
};

const checkSwitch: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  field(run, task, path, 'evaluatorType', oneOf(SWITCH_EVALUATORS), 'a SWITCH task');
  field(run, task, path, 'expression', NON_EMPTY_STRING, 'a SWITCH task');
  return checkCases(task, path, position, TaskType.SWITCH);
};

const checkDecision: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  if (task.caseValueParam === undefined && task.caseExpression === undefined) {
    report(
      run,
      member(path, 'caseValueParam'),
      'a DECISION task needs caseValueParam or caseExpression (a non-empty string)',
    );
  }
  field(run, task, path, 'caseValueParam', NON_EMPTY_STRING);
  field(run, task, path, 'caseExpression', NON_EMPTY_STRING);
  return checkCases(task, path, position, TaskType.DECISION);
};

/** decisionCases and defaultCase, shared by SWITCH and DECISION. */
const checkCases = (task: Obj, path: string, position: Position, type: string): string[] => {
  const { run } = position.scope;
  const lists: Array<readonly [unknown[], string]> = [];
  const casesPath = member(path, 'decisionCases');
  // Conductor requires at least one case; a case's own list may be empty (it then does nothing).
  if (field(run, task, path, 'decisionCases', OBJECT, `a ${type} task`)) {
    const cases = task.decisionCases as Obj;
    const keys = Object.keys(cases);
    if (keys.length === 0)
      report(run, casesPath, `decisionCases is empty; a ${type} task needs at least one case`);
    for (const key of keys) {
      if (!spend(run)) break;
      const list = cases[key];
      const casePath = member(casesPath, key);
      if (Array.isArray(list)) lists.push([list, casePath]);
      else report(run, casePath, `case ${quote(key)} must be a list of tasks, got ${describe(list)}`);
    }
  }
  if (field(run, task, path, 'defaultCase', TASK_LIST))
    lists.push([task.defaultCase as unknown[], member(path, 'defaultCase')]);
  return walkNested(lists, path, position);
};

const checkDoWhile: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  if (position.loop !== undefined) {
    report(
      run,
      path,
      `a DO_WHILE cannot be nested inside another DO_WHILE (the outer loop is at ${position.loop}); ` +
        'Baton does not support nested loops',
    );
  }
  field(run, task, path, 'loopCondition', NON_EMPTY_STRING, 'a DO_WHILE task');
  field(run, task, path, 'keepLastN', POSITIVE_INTEGER);
  // Conductor reads keepLastN from inputParameters, where it may also be an expression.
  if (isObject(task.inputParameters)) {
    field(
      run,
      task.inputParameters,
      member(path, 'inputParameters'),
      'keepLastN',
      POSITIVE_INTEGER_OR_EXPRESSION,
    );
  }
  if (!field(run, task, path, 'loopOver', NON_EMPTY_TASK_LIST, 'a DO_WHILE task')) return [];
  // A nested loop keeps the outermost loop as context, so its tasks are judged against that one.
  return walkNested(
    [[task.loopOver as unknown[], member(path, 'loopOver')]],
    path,
    position,
    position.loop ?? path,
  );
};

const checkSubWorkflow: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  const paramPath = member(path, 'subWorkflowParam');
  const wanted = 'an object with the name of the workflow to start, or an inline workflowDefinition';
  if (!field(run, task, path, 'subWorkflowParam', { ok: isObject, wanted }, 'a SUB_WORKFLOW task')) return [];
  const param = task.subWorkflowParam as Obj;
  field(run, param, paramPath, 'version', POSITIVE_INTEGER);
  field(run, param, paramPath, 'idempotencyKey', STRING);
  field(run, param, paramPath, 'taskToDomain', OBJECT);
  const inline = param.workflowDefinition;
  if (inline === undefined) {
    field(
      run,
      param,
      paramPath,
      'name',
      NON_EMPTY_STRING,
      'subWorkflowParam without an inline workflowDefinition',
    );
    return [];
  }
  field(run, param, paramPath, 'name', NON_EMPTY_STRING);
  // Conductor also accepts an expression that yields the definition at run time.
  if (isWholeExpression(inline)) return [];
  const inlinePath = member(paramPath, 'workflowDefinition');
  if (!isObject(inline)) {
    report(
      run,
      inlinePath,
      `workflowDefinition must be a workflow definition object, got ${describe(inline)}`,
    );
  } else if (withinNestingLimit(run, position.depth + 1, path)) {
    // The child is its own workflow: its references and loops do not mix with the parent's.
    checkWorkflowDef(run, inline, inlinePath, position.depth + 1);
  }
  return [];
};

const checkStartWorkflow: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  const wanted: Rule = {
    ...OBJECT_OR_EXPRESSION,
    wanted: 'an object with the name of the workflow to start',
  };
  if (!inputField(run, task, path, 'startWorkflow', wanted, 'a START_WORKFLOW task')) return [];
  const start = (task.inputParameters as Obj).startWorkflow;
  if (isObject(start)) {
    const startPath = member(member(path, 'inputParameters'), 'startWorkflow');
    field(
      run,
      start,
      startPath,
      'name',
      NON_EMPTY_STRING,
      'inputParameters.startWorkflow',
      'startWorkflow.name',
    );
  }
  return [];
};

const checkDynamic: TaskCheck = (task, path, position) => {
  field(position.scope.run, task, path, 'dynamicTaskNameParam', NON_EMPTY_STRING, 'a DYNAMIC task');
  return [];
};

const checkInline: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  // Conductor reads evaluatorType from inputParameters; the task-level field is accepted too.
  if (task.evaluatorType !== undefined) field(run, task, path, 'evaluatorType', oneOf(INLINE_EVALUATORS));
  else inputField(run, task, path, 'evaluatorType', oneOf(INLINE_EVALUATORS), 'an INLINE task');
  inputField(run, task, path, 'expression', NON_EMPTY_STRING, 'an INLINE task');
  return [];
};

/** True when an inline taskDefinition's inputTemplate supplies `name`, as Conductor allows. */
const templateHas = (task: Obj, name: string): boolean => {
  const definition = task.taskDefinition;
  return (
    isObject(definition) && isObject(definition.inputTemplate) && definition.inputTemplate[name] !== undefined
  );
};

const checkJsonJq: TaskCheck = (task, path, position) => {
  const requiredBy = templateHas(task, 'queryExpression') ? undefined : 'a JSON_JQ_TRANSFORM task';
  inputField(position.scope.run, task, path, 'queryExpression', NON_EMPTY_STRING, requiredBy);
  return [];
};

const checkTerminate: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  // Conductor checks the literal value here, so an expression is refused, as it is there.
  inputField(run, task, path, 'terminationStatus', oneOf(TERMINATION_STATUSES), 'a TERMINATE task');
  if (task.optional === true) {
    report(run, member(path, 'optional'), 'a TERMINATE task cannot be optional');
  }
  return [];
};

const checkWait: TaskCheck = (task, path, position) => {
  const input = task.inputParameters;
  const given = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;
  if (isObject(input) && given(input.duration) && given(input.until)) {
    report(
      position.scope.run,
      member(path, 'inputParameters'),
      'a WAIT task takes inputParameters.duration or inputParameters.until, not both',
    );
  }
  return [];
};

const checkHttp: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  // A present but non-object inputParameters has been reported already.
  if (task.inputParameters !== undefined && !isObject(task.inputParameters)) return [];
  const input = task.inputParameters ?? {};
  const inputPath = member(path, 'inputParameters');
  const method: Rule = {
    ok: (value) =>
      typeof value === 'string' &&
      (value.includes('${') || (HTTP_METHODS as readonly string[]).includes(value.toUpperCase())),
    wanted: `one of ${HTTP_METHODS.join(' | ')} (GET when left out)`,
  };
  const request = input.http_request;
  if (request === undefined) {
    // Newer Conductor accepts uri and method directly in inputParameters.
    if (input.uri !== undefined) {
      field(run, input, inputPath, 'uri', NON_EMPTY_STRING, undefined, 'inputParameters.uri');
      field(run, input, inputPath, 'method', method, undefined, 'inputParameters.method');
    } else if (!templateHas(task, 'http_request')) {
      report(
        run,
        member(inputPath, 'http_request'),
        'an HTTP task needs inputParameters.http_request (an object with a uri) or inputParameters.uri',
      );
    }
    return [];
  }
  if (
    !field(
      run,
      input,
      inputPath,
      'http_request',
      OBJECT_OR_EXPRESSION,
      undefined,
      'inputParameters.http_request',
    )
  )
    return [];
  if (!isObject(request)) return [];
  const requestPath = member(inputPath, 'http_request');
  field(
    run,
    request,
    requestPath,
    'uri',
    NON_EMPTY_STRING,
    'inputParameters.http_request',
    'http_request.uri',
  );
  field(run, request, requestPath, 'method', method, undefined, 'http_request.method');
  return [];
};

const checkEvent: TaskCheck = (task, path, position) => {
  field(position.scope.run, task, path, 'sink', NON_EMPTY_STRING, 'an EVENT task');
  return [];
};

/** One check per task type; a type missing here is unknown. */
const TASK_CHECKS: Readonly<Record<TaskType, TaskCheck>> = {
  SIMPLE: noChecks,
  FORK_JOIN: checkForkJoin,
  FORK_JOIN_DYNAMIC: checkDynamicFork,
  JOIN: checkJoin,
  EXCLUSIVE_JOIN: checkExclusiveJoin,
  SWITCH: checkSwitch,
  DECISION: checkDecision,
  DO_WHILE: checkDoWhile,
  SET_VARIABLE: noChecks,
  TERMINATE: checkTerminate,
  WAIT: checkWait,
  HUMAN: noChecks,
  SUB_WORKFLOW: checkSubWorkflow,
  START_WORKFLOW: checkStartWorkflow,
  DYNAMIC: checkDynamic,
  INLINE: checkInline,
  JSON_JQ_TRANSFORM: checkJsonJq,
  NOOP: noChecks,
  HTTP: checkHttp,
  EVENT: checkEvent,
};

// ---------------------------------------------------------------------------------------------
// Task definitions

const TASK_DEF_NUMBERS = [
  'retryCount',
  'retryDelaySeconds',
  'timeoutSeconds',
  'responseTimeoutSeconds',
  'pollTimeoutSeconds',
  'totalTimeoutSeconds',
  'backoffScaleFactor',
  'maxRetryDelaySeconds',
  'concurrentExecLimit',
  'rateLimitPerFrequency',
  'rateLimitFrequencyInSeconds',
] as const;

const checkTaskDef = (run: Run, def: unknown, path: string, nameRequired: boolean): void => {
  if (!isObject(def)) {
    report(run, path, `a task definition must be a JSON object, got ${describe(def)}`);
    return;
  }
  field(run, def, path, 'name', NON_EMPTY_STRING, nameRequired ? 'a task definition' : undefined);
  for (const name of TASK_DEF_NUMBERS) field(run, def, path, name, NON_NEGATIVE_NUMBER);
  field(run, def, path, 'retryLogic', oneOf(Object.values(RetryLogic)));
  field(run, def, path, 'timeoutPolicy', oneOf(Object.values(TimeoutPolicy)));
  field(run, def, path, 'inputTemplate', OBJECT);
  stringList(run, def, path, 'inputKeys');
  stringList(run, def, path, 'outputKeys');
  for (const name of ['description', 'ownerEmail']) field(run, def, path, name, STRING);

  // Conductor's TaskTimeoutConstraint: a worker may not be given longer to answer than the whole
  // task has. The default responseTimeoutSeconds (3600) counts, as it does in Conductor.
  const timeout = def.timeoutSeconds;
  const response = def.responseTimeoutSeconds ?? TASK_DEF_DEFAULTS.responseTimeoutSeconds;
  if (isNonNegativeNumber(timeout) && timeout > 0 && isNonNegativeNumber(response) && response > timeout) {
    const which = def.responseTimeoutSeconds === undefined ? ' (the default)' : '';
    report(
      run,
      member(path, 'responseTimeoutSeconds'),
      `responseTimeoutSeconds ${response}${which} must not exceed timeoutSeconds ${timeout}`,
    );
  }
};

// ---------------------------------------------------------------------------------------------
// Entry points

/** Both entry points end here: the walk is written not to throw, but a getter or Proxy in a
 * hand-built (non-JSON) value still could, and validation must answer rather than crash. */
const guarded = (run: Run, check: () => void): Problem[] => {
  try {
    check();
  } catch {
    report(run, '$', 'the value could not be read as JSON data (reading it threw an exception)');
  }
  return run.problems;
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
