import type { CancellationReason, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Workflow, WorkflowDef } from '../../core/model';
import type { DecideCommit } from '../../ports';
import { expiryOf } from '../../shared/retention';
import type { Item } from './attribute-values';
import { type ItemShape, itemWriteUnits, shapeOf } from './capacity';
import {
  bodyItem,
  bodyOf,
  definitionItem,
  headItem,
  headReconcileAttributes,
  headStateAttributes,
  keyOf,
  N,
  S,
  taskItem,
  taskKeyOf,
  type WorkflowBody,
} from './execution-items';
import { BODY_SK, DEF_SK, EXPIRES_AT_ATTRIBUTE, HEAD_SK } from './execution-keys';

/** DynamoDB's cap on the actions of one TransactWriteItems. */
export const MAX_TRANSACTION_ACTIONS = 100;
/**
 * Task writes (created, changed and removed tasks) one commit may hold: the transaction less the
 * head and the body. The body is counted even when unchanged, so the bound does not depend on
 * what this store happens to remember; the engine can batch against a fixed number.
 */
export const MAX_TASK_WRITES_PER_COMMIT = MAX_TRANSACTION_ACTIONS - 2;

/** One action of a transaction, with what to say when it is the one that failed. */
export interface TransactionAction {
  action: TransactWriteItem;
  /** The item it writes, in words ("task wf-1:a:0:0"). */
  target: string;
  /** Why this action's failure is a conflict, given the item it found (if returned). */
  explain(found: Item | undefined): string;
  /** Write units this action is estimated to cost (see capacity.ts). */
  estimatedWriteUnits: number;
  /** The item's shape after the write (null: deleted), to remember once the transaction succeeded. */
  after?: { key: Item; shape: ItemShape | null };
  /** Set on the head put of an execution the commit starts: its failure means "already exists". */
  startsWorkflow?: string;
}

export interface CommitPlan {
  actions: TransactionAction[];
  /** The body written, when it changed. */
  body?: WorkflowBody;
}

const BODY_FIELDS = ['input', 'output', 'variables', 'taskToDomain'] as const;

/**
 * Whether a decide changed the body. The decide keeps the objects it did not touch, so identity
 * answers most fields; a JSON comparison answers the rest (a false "changed" only costs a write).
 */
export const bodyChanged = (loaded: WorkflowBody | undefined, next: WorkflowBody): boolean =>
  !loaded ||
  BODY_FIELDS.some(
    (field) => loaded[field] !== next[field] && JSON.stringify(loaded[field]) !== JSON.stringify(next[field]),
  );

export interface CommitContext {
  shards: number;
  /** Days an ended execution is kept (undefined: forever); the head carries the expiry for TTL. */
  retentionDays?: number;
  definition?: WorkflowDef;
  /** The body as loaded at `commit.expectedVersion`, when this store loaded it. */
  loadedBody?: WorkflowBody;
  /** Last known shapes, for the estimates (undefined: unknown). */
  shapeOf(key: Item): ItemShape | null | undefined;
}

const headUpdate = (commit: DecideCommit, context: CommitContext): TransactionAction => {
  const { workflow, lease, workflowId, expectedVersion } = commit;
  const state = headStateAttributes(workflow);
  const reconcile = headReconcileAttributes(workflow);
  const sets = ['version = version + :one', ...Object.keys(state).map((name) => `#${name} = :${name}`)];
  const removes: string[] = [];
  if (reconcile.rcShard) sets.push('rcShard = :rcShard', 'rcDue = :rcDue');
  else removes.push('rcShard', 'rcDue');
  // Set by the commit that ends the workflow, and taken away by one that reopens it (retry,
  // restart, rerun): only an ended execution may expire.
  const expiresAt = expiryOf(workflow, context.retentionDays);
  if (expiresAt !== undefined) sets.push(`${EXPIRES_AT_ATTRIBUTE} = :expiresAt`);
  else removes.push(EXPIRES_AT_ATTRIBUTE);
  // Only the holder's own commit releases the lease; a lease-less commit must not free someone else's.
  if (lease) removes.push('leaseOwner', 'leaseExpiresAt');
  const values: Item = { ':one': N(1), ':expected': N(expectedVersion) };
  for (const [name, value] of Object.entries({ ...state, ...reconcile })) values[`:${name}`] = value;
  if (expiresAt !== undefined) values[':expiresAt'] = N(expiresAt);
  let condition = 'version = :expected';
  if (lease) {
    // The fencing check: a holder that was frozen past its lease finds a newer epoch here and fails.
    condition += ' AND leaseOwner = :owner AND epoch = :epoch';
    values[':owner'] = S(lease.owner);
    values[':epoch'] = N(lease.epoch);
  }
  const key = keyOf(workflowId, HEAD_SK);
  const before = context.shapeOf(key);
  const expiry: Item = expiresAt === undefined ? {} : { [EXPIRES_AT_ATTRIBUTE]: N(expiresAt) };
  const after = shapeOf({
    ...key,
    ...state,
    ...reconcile,
    ...expiry,
    version: N(expectedVersion + 1),
    epoch: N(0),
  });
  return {
    target: `the head of ${workflowId}`,
    action: {
      Update: {
        TableName: '',
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: Object.fromEntries(Object.keys(state).map((name) => [`#${name}`, name])),
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    explain: (found) => {
      if (!found) return `workflow ${workflowId} not found`;
      const version = Number(found.version?.N ?? 0);
      if (version !== expectedVersion) return `version ${version}, expected ${expectedVersion}`;
      const epoch = Number(found.epoch?.N ?? 0);
      const owner = found.leaseOwner?.S ?? 'nobody';
      return `lease held by ${owner} at epoch ${epoch}, expected ${lease?.owner} at epoch ${lease?.epoch}`;
    },
    estimatedWriteUnits: itemWriteUnits(before, after, true),
    after: { key, shape: after },
  };
};

const taskPut = (
  workflowId: string,
  { task, expectedRevision }: DecideCommit['tasks'][number],
  context: CommitContext,
): TransactionAction => {
  const item = taskItem(workflowId, task, (expectedRevision ?? 0) + 1, context);
  const isNew = expectedRevision === undefined;
  const key = taskKeyOf(workflowId, task.taskId);
  const after = shapeOf(item);
  return {
    target: `task ${task.taskId}`,
    action: {
      Put: {
        TableName: '',
        Item: item,
        // A new task's id is derived from state: if it exists, another decide already created it.
        ConditionExpression: isNew ? 'attribute_not_exists(pk)' : 'rev = :expected',
        ExpressionAttributeValues: isNew ? undefined : { ':expected': N(expectedRevision) },
      },
    },
    explain: () =>
      isNew
        ? `task ${task.taskId} already exists`
        : `task ${task.taskId} changed since revision ${expectedRevision}`,
    estimatedWriteUnits: itemWriteUnits(isNew ? null : context.shapeOf(key), after, true),
    after: { key, shape: after },
  };
};

const taskDelete = (workflowId: string, taskId: string, context: CommitContext): TransactionAction => {
  const key = taskKeyOf(workflowId, taskId);
  return {
    target: `task ${taskId}`,
    action: { Delete: { TableName: '', Key: key } },
    explain: () => `task ${taskId} could not be removed`,
    estimatedWriteUnits: itemWriteUnits(context.shapeOf(key), null, true),
    after: { key, shape: null },
  };
};

/**
 * The actions of one decide commit: the head update (version and lease checked), a put per
 * created or changed task (revision checked), a delete per removed task, and the body only when it
 * changed. Their order is fixed so that a cancellation reason's position names its action.
 */
export const planCommit = (commit: DecideCommit, context: CommitContext): CommitPlan => {
  const body = bodyOf(commit.workflow);
  const writeBody = bodyChanged(context.loadedBody, body);
  const actions = [
    headUpdate(commit, context),
    ...commit.tasks.map((change) => taskPut(commit.workflowId, change, context)),
    ...commit.removedTaskIds.map((taskId) => taskDelete(commit.workflowId, taskId, context)),
  ];
  if (writeBody) {
    const item = bodyItem(commit.workflowId, body);
    const key = keyOf(commit.workflowId, BODY_SK);
    const after = shapeOf(item);
    actions.push({
      target: `the body of ${commit.workflowId}`,
      action: { Put: { TableName: '', Item: item } },
      explain: () => `the body of ${commit.workflowId} could not be written`,
      estimatedWriteUnits: itemWriteUnits(context.shapeOf(key), after, true),
      after: { key, shape: after },
    });
  }
  if (commit.definition) actions.push(definitionPut(commit, commit.definition, context));
  for (const started of commit.startedWorkflows ?? []) actions.push(...startActions(started, context));
  return { actions, body: writeBody ? body : undefined };
};

/**
 * Which definition a #DEF item holds: the version of the commit that wrote it, 0 for the one the
 * execution was created with. Stores remember definitions per execution; this tells them when the
 * one they remember was replaced (a restart with the latest definitions) by another process.
 */
export const definitionRevisionOf = (item: Item): number => Number(item.defRev?.N ?? 0);

const definitionPut = (
  commit: DecideCommit,
  definition: WorkflowDef,
  context: CommitContext,
): TransactionAction => {
  const { workflowId } = commit;
  const item = { ...definitionItem(workflowId, definition), defRev: N(commit.expectedVersion + 1) };
  const key = keyOf(workflowId, DEF_SK);
  const after = shapeOf(item);
  return {
    target: `the definition of ${workflowId}`,
    action: { Put: { TableName: '', Item: item } },
    explain: () => `the definition of ${workflowId} could not be written`,
    estimatedWriteUnits: itemWriteUnits(context.shapeOf(key), after, true),
    after: { key, shape: after },
  };
};

/** A new execution's head (only if absent), body and definition; it has no tasks before its first decide. */
const startActions = (
  { workflow, definition }: { workflow: Workflow; definition: WorkflowDef },
  context: CommitContext,
): TransactionAction[] => {
  const id = workflow.workflowId;
  return [headItem(workflow, 0, 0), bodyItem(id, bodyOf(workflow)), definitionItem(id, definition)].map(
    (item, index) => {
      const shape = shapeOf(item);
      return {
        target: `the new execution ${id}`,
        action: {
          Put: {
            TableName: '',
            Item: item,
            ConditionExpression: index === 0 ? 'attribute_not_exists(pk)' : undefined,
          },
        },
        explain: () => `execution ${id} already exists`,
        estimatedWriteUnits: itemWriteUnits(context.shapeOf(item), shape, true),
        after: { key: { pk: item.pk!, sk: item.sk! }, shape },
        startsWorkflow: index === 0 ? id : undefined,
      };
    },
  );
};

/**
 * The executions whose "start only if absent" condition alone canceled a transaction: they exist
 * already, so the same commit without them is the one to make. Undefined when anything else failed.
 */
export const alreadyStarted = (
  reasons: CancellationReason[] | undefined,
  actions: TransactionAction[],
): Set<string> | undefined => {
  const failed = (reasons ?? [])
    .map((reason, index) => ({ reason, action: actions[index] }))
    .filter(({ reason }) => reason.Code && reason.Code !== 'None');
  if (failed.length === 0) return undefined;
  const ids = new Set<string>();
  for (const { reason, action } of failed) {
    if (reason.Code !== 'ConditionalCheckFailed' || !action?.startsWorkflow) return undefined;
    ids.add(action.startsWorkflow);
  }
  return ids;
};

/** Fills in the table name (left out above to keep the plan independent of the store). */
export const withTable = (action: TransactWriteItem, tableName: string): TransactWriteItem => {
  const [[kind, body]] = Object.entries(action) as [[keyof TransactWriteItem, { TableName: string }]];
  return { [kind]: { ...body, TableName: tableName } } as TransactWriteItem;
};

export type CancellationVerdict = { kind: 'conflict'; reason: string } | { kind: 'error'; reason: string };

/**
 * Reads a cancellation: a failed condition or a concurrent transaction on one of the items is a
 * conflict (someone else moved first; the caller re-reads), anything else (validation, size,
 * throttling) is an error.
 */
export const judgeCancellation = (
  reasons: CancellationReason[] | undefined,
  actions: TransactionAction[],
): CancellationVerdict => {
  const failures = (reasons ?? [])
    .map((reason, index) => ({ reason, action: actions[index] }))
    .filter(({ reason }) => reason.Code && reason.Code !== 'None');
  const hard = failures.find(
    ({ reason }) => reason.Code !== 'ConditionalCheckFailed' && reason.Code !== 'TransactionConflict',
  );
  if (hard || failures.length === 0) {
    const { reason } = hard ?? { reason: undefined };
    return { kind: 'error', reason: `${reason?.Code ?? 'unknown'}: ${reason?.Message ?? 'no reason given'}` };
  }
  return {
    kind: 'conflict',
    reason: failures
      .map(({ reason, action }) =>
        reason.Code === 'TransactionConflict'
          ? `a concurrent transaction was writing ${action?.target ?? 'an item'}`
          : (action?.explain(reason.Item) ?? 'condition failed'),
      )
      .join('; '),
  };
};
