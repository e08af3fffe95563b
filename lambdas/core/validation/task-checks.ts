/** The per-type check table: one check per task type; a type missing here is unknown. */

import type { TaskType } from '../model';
import {
  checkDecision,
  checkDoWhile,
  checkForkJoin,
  checkSubWorkflow,
  checkSwitch,
} from './container-checks';
import {
  checkDynamic,
  checkDynamicFork,
  checkEvent,
  checkExclusiveJoin,
  checkHttp,
  checkInline,
  checkJoin,
  checkJsonJq,
  checkStartWorkflow,
  checkTerminate,
  checkWait,
  noChecks,
} from './leaf-checks';
import type { TaskCheck } from './scope';

export const TASK_CHECKS: Readonly<Record<TaskType, TaskCheck>> = {
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
