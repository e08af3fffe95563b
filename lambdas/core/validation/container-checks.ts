/**
 * Checks for the container task types, the ones that hold task lists of their own: FORK_JOIN,
 * SWITCH, DECISION, DO_WHILE and SUB_WORKFLOW (with an inline definition). Each checks its own
 * fields, then asks the walker to go into its lists and returns the references declared there.
 */

import { TaskType } from '../model';
import { field } from './fields';
import {
  isObject,
  isWholeExpression,
  NON_EMPTY_STRING,
  NON_EMPTY_TASK_LIST,
  OBJECT,
  type Obj,
  oneOf,
  POSITIVE_INTEGER,
  POSITIVE_INTEGER_OR_EXPRESSION,
  STRING,
  TASK_LIST,
} from './rules';
import { report, spend, withinNestingLimit } from './run';
import type { Position, TaskCheck, Walker } from './scope';
import { at, describe, member, quote } from './wording';

export const SWITCH_EVALUATORS = ['value-param', 'javascript', 'graaljs'] as const;

export const checkForkJoin: TaskCheck = (task, path, position, walker) => {
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
  return walker.nested(branches, path, position);
};

export const checkSwitch: TaskCheck = (task, path, position, walker) => {
  const { run } = position.scope;
  field(run, task, path, 'evaluatorType', oneOf(SWITCH_EVALUATORS), 'a SWITCH task');
  field(run, task, path, 'expression', NON_EMPTY_STRING, 'a SWITCH task');
  return checkCases(task, path, position, walker, TaskType.SWITCH);
};

export const checkDecision: TaskCheck = (task, path, position, walker) => {
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
  return checkCases(task, path, position, walker, TaskType.DECISION);
};

/** decisionCases and defaultCase, shared by SWITCH and DECISION. */
const checkCases = (task: Obj, path: string, position: Position, walker: Walker, type: string): string[] => {
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
  return walker.nested(lists, path, position);
};

export const checkDoWhile: TaskCheck = (task, path, position, walker) => {
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
  return walker.nested(
    [[task.loopOver as unknown[], member(path, 'loopOver')]],
    path,
    position,
    position.loop ?? path,
  );
};

export const checkSubWorkflow: TaskCheck = (task, path, position, walker) => {
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
    walker.workflow(run, inline, inlinePath, position.depth + 1);
  }
  return [];
};
