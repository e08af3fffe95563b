/** Checks one field of an object against a Rule, reporting what is missing or wrong. */

import { isObject, type Obj, type Rule, STRING_LIST } from './rules';
import { type Run, report, spend } from './run';
import { at, describe, member } from './wording';

/**
 * Checks `owner[name]` against `rule`. A missing field is fine unless `requiredBy` names who needs
 * it. `label` is the field's name in messages when that is not just `name`. Returns whether the
 * field is present and right.
 */
export const field = (
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

export interface Located {
  value: string;
  path: string;
}

/** Checks a list-of-strings field and returns its strings with their paths. */
export const stringList = (
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
export const inputField = (
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
