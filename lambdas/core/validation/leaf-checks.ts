/**
 * Checks for the task types that hold no task lists: each checks its own fields and declares no
 * references. (FORK_JOIN_DYNAMIC forks at run time, so it has no lists to walk either.)
 */

import { SWITCH_EVALUATORS } from './container-checks';
import { field, inputField, stringList } from './fields';
import { isObject, NON_EMPTY_STRING, OBJECT_OR_EXPRESSION, type Obj, oneOf, type Rule } from './rules';
import { report } from './run';
import type { TaskCheck } from './scope';
import { member, quote } from './wording';

/** Conductor's INLINE runs through the same evaluators as SWITCH, and Baton's INLINE supports all three. */
const INLINE_EVALUATORS = SWITCH_EVALUATORS;
const TERMINATION_STATUSES = ['COMPLETED', 'FAILED'] as const;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;

export const noChecks: TaskCheck = () => [];

export const checkDynamicFork: TaskCheck = (task, path, position) => {
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

export const checkJoin: TaskCheck = (task, path, position) => {
  // Only the kind is checked here; which references are allowed depends on the fork before it.
  stringList(position.scope.run, task, path, 'joinOn');
  return [];
};

export const checkExclusiveJoin: TaskCheck = (task, path, position) => {
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

export const checkStartWorkflow: TaskCheck = (task, path, position) => {
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

export const checkDynamic: TaskCheck = (task, path, position) => {
  field(position.scope.run, task, path, 'dynamicTaskNameParam', NON_EMPTY_STRING, 'a DYNAMIC task');
  return [];
};

export const checkInline: TaskCheck = (task, path, position) => {
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

export const checkJsonJq: TaskCheck = (task, path, position) => {
  const requiredBy = templateHas(task, 'queryExpression') ? undefined : 'a JSON_JQ_TRANSFORM task';
  inputField(position.scope.run, task, path, 'queryExpression', NON_EMPTY_STRING, requiredBy);
  return [];
};

export const checkTerminate: TaskCheck = (task, path, position) => {
  const { run } = position.scope;
  // Conductor checks the literal value here, so an expression is refused, as it is there.
  inputField(run, task, path, 'terminationStatus', oneOf(TERMINATION_STATUSES), 'a TERMINATE task');
  if (task.optional === true) {
    report(run, member(path, 'optional'), 'a TERMINATE task cannot be optional');
  }
  return [];
};

export const checkWait: TaskCheck = (task, path, position) => {
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

export const checkHttp: TaskCheck = (task, path, position) => {
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

export const checkEvent: TaskCheck = (task, path, position) => {
  field(position.scope.run, task, path, 'sink', NON_EMPTY_STRING, 'an EVENT task');
  return [];
};
