/**
 * The walk: a small recursive descent over a workflow definition's task lists. It checks what every
 * task has in common, keeps each definition's references, and hands each task to the check for its
 * type (TASK_CHECKS). Recursion only follows container tasks, and stops at MAX_NESTING_DEPTH.
 */

import { TaskType, TimeoutPolicy } from '../model';
import { field, stringList } from './fields';
import { checkForkJoinPairs } from './fork-join-pairs';
import { jsonByteLength } from './json-size';
import { MAX_STEP_BYTES } from './limits';
import {
  BOOLEAN,
  isObject,
  NON_EMPTY_STRING,
  NON_EMPTY_TASK_LIST,
  NON_NEGATIVE_INTEGER,
  NON_NEGATIVE_NUMBER,
  OBJECT,
  type Obj,
  oneOf,
  POSITIVE_INTEGER,
  STRING,
} from './rules';
import { type Run, report, spend, withinNestingLimit } from './run';
import type { Position, Scope, Walked, Walker } from './scope';
import { TASK_CHECKS } from './task-checks';
import { checkTaskDef } from './task-def';
import { at, describe, member, quote } from './wording';

const TASK_TYPES: readonly string[] = Object.values(TaskType);
const WORKFLOW_TIMEOUT_POLICIES = [TimeoutPolicy.TIME_OUT_WF, TimeoutPolicy.ALERT_ONLY] as const;
/** Baton names iteration N of a loop task `x` `x__N` (see ids.ts), so such names are reserved in loops. */
const ITERATION_SUFFIX = /^(.*)__(\d+)$/;

const append = (target: string[], source: readonly string[]): void => {
  for (const item of source) target.push(item);
};

export const checkWorkflowDef = (run: Run, def: unknown, path: string, depth: number): void => {
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
  checkStepSize(run, task, path);
  return { type, ref, inner: TASK_CHECKS[type as TaskType](task, path, position, WALKER) };
};

/** A step's own size, the task lists it contains left out: those are measured step by step. */
const checkStepSize = (run: Run, task: Obj, path: string): void => {
  const { forkTasks, decisionCases, defaultCase, loopOver, ...own } = task;
  const size = jsonByteLength(own, MAX_STEP_BYTES);
  if (size <= MAX_STEP_BYTES) return;
  report(
    run,
    path,
    `this task is more than ${MAX_STEP_BYTES / 1024} KiB as JSON (not counting the tasks nested in it), ` +
      'the most one step may be: a running task is stored with its step in one DynamoDB item; ' +
      'move large constants into the workflow input, or register an inline sub-workflow by name',
  );
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

/** What the per-type checks may ask of the walk (see Walker). */
const WALKER: Walker = { nested: walkNested, workflow: checkWorkflowDef };
