import { type Task, TaskType, typeOf } from '../model';
import { doWhileTask } from './do-while';
import { dynamicTask } from './dynamic';
import { exclusiveJoinTask } from './exclusive-join';
import { forkTask } from './fork';
import { forkDynamicTask } from './fork-dynamic';
import { humanTask } from './human';
import { inlineTask } from './inline';
import { joinTask } from './join';
import { jsonJqTransformTask } from './json-jq-transform';
import { noopTask } from './noop';
import { setVariableTask } from './set-variable';
import { simpleTask } from './simple';
import { subWorkflowTask } from './sub-workflow';
import { switchTask } from './switch';
import { systemTask } from './system-task';
import type { TaskKind, TaskRunner } from './task-kind';
import { terminateTask } from './terminate';
import { waitTask } from './wait';

/** Every task type the decider knows, by the `type` a definition gives. */
export const taskKinds: Readonly<Record<TaskType, TaskKind>> = {
  [TaskType.SIMPLE]: simpleTask,
  [TaskType.FORK_JOIN]: forkTask,
  [TaskType.FORK_JOIN_DYNAMIC]: forkDynamicTask,
  [TaskType.JOIN]: joinTask,
  [TaskType.EXCLUSIVE_JOIN]: exclusiveJoinTask,
  [TaskType.SWITCH]: switchTask,
  [TaskType.DECISION]: switchTask,
  [TaskType.DO_WHILE]: doWhileTask,
  [TaskType.SET_VARIABLE]: setVariableTask,
  [TaskType.TERMINATE]: terminateTask,
  [TaskType.WAIT]: waitTask,
  [TaskType.HUMAN]: humanTask,
  [TaskType.SUB_WORKFLOW]: subWorkflowTask,
  [TaskType.START_WORKFLOW]: systemTask,
  [TaskType.DYNAMIC]: dynamicTask,
  [TaskType.INLINE]: inlineTask,
  [TaskType.JSON_JQ_TRANSFORM]: jsonJqTransformTask,
  [TaskType.NOOP]: noopTask,
  [TaskType.HTTP]: systemTask,
  [TaskType.EVENT]: systemTask,
};

export const kindOf = (type: string): TaskKind | undefined =>
  Object.hasOwn(taskKinds, type) ? taskKinds[type as TaskType] : undefined;

/** Who moves a task once scheduled (undefined for a type Baton does not know). */
export const runnerOf = (task: Task): TaskRunner | undefined => kindOf(typeOf(task.workflowTask))?.runner;

export type { DecideContext, DecideScope, TaskKind, TaskPlan } from './task-kind';
