/** Task definitions (TaskDef): registered on their own, or given inline as a task's taskDefinition. */

import { RetryLogic, TASK_DEF_DEFAULTS, TimeoutPolicy } from '../model';
import { field, stringList } from './fields';
import {
  isNonNegativeNumber,
  isObject,
  NON_EMPTY_STRING,
  NON_NEGATIVE_NUMBER,
  OBJECT,
  oneOf,
  STRING,
} from './rules';
import { type Run, report } from './run';
import { describe, member } from './wording';

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

export const checkTaskDef = (run: Run, def: unknown, path: string, nameRequired: boolean): void => {
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
