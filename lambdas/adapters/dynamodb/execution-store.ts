import {
  type CancellationReason,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Task, Workflow, WorkflowDef } from '../../core/model';
import type {
  CommitOutcome,
  CreateOutcome,
  DecideCommit,
  ExecutionStore,
  IdempotentStart,
  LeaseOutcome,
  StoredExecution,
} from '../../ports';
import type { Item } from './attribute-values';
import { CapacityMeter, type ItemShape, itemWriteUnits, readUnitsFor, shapeOf } from './capacity';
import { claimTasks } from './claim-tasks';
import {
  alreadyStarted,
  definitionRevisionOf,
  judgeCancellation,
  MAX_TASK_WRITES_PER_COMMIT,
  MAX_TRANSACTION_ACTIONS,
  planCommit,
  type TransactionAction,
  withTable,
} from './commit-transaction';
import {
  bodyItem,
  bodyOf,
  bodyOfItem,
  definitionItem,
  definitionOf,
  epochOf,
  headItem,
  keyOf,
  leaseOf,
  N,
  needsDefinition,
  revisionOf,
  S,
  taskItem,
  taskKeyOf,
  taskOf,
  versionOf,
  type WorkflowBody,
  workflowOf,
} from './execution-items';
import {
  BODY_SK,
  DEF_SK,
  DEFAULT_QUEUE_SHARDS,
  EXPIRES_AT_ATTRIBUTE,
  HEAD_SK,
  isTaskSk,
} from './execution-keys';
import { findOverdue } from './find-overdue';
import { idempotencyActions, keyHolderOf } from './idempotency-keys';
import { LruMap } from './lru-map';
import { readPartition } from './read-partition';
import { type ExpiredHead, removeExecution, removeExpiredExecution } from './remove-execution';
import {
  definitionFor,
  errorName,
  isConditionFailure,
  isLostRace,
  knownShape,
  rememberShape,
  type StoreContext,
  shapeKey,
} from './store-context';

export interface DynamoExecutionStoreOptions {
  /**
   * The low-level client, not a DocumentClient: the store converts its items itself (see
   * attribute-values.ts for why). The same client can serve a DocumentClient elsewhere.
   */
  client: DynamoDBClient;
  tableName: string;
  /** Partitions of the pollable index per task type (default 4). Changing it strands queued tasks. */
  shards?: number;
  /** Executions whose definition and body this store remembers between a load and its commit. */
  cacheSize?: number;
  /**
   * Days an ended execution is kept before DynamoDB's TTL may delete it; without it, ended
   * executions are kept until removed.
   */
  finishedRetentionDays?: number;
}

/**
 * ExecutionStore on one DynamoDB table (layout: execution-keys.ts, execution-items.ts;
 * docs/storage.md has the costs). Every write is conditioned on what was read; a decide commit is
 * one transaction; a worker's result is one conditional put of its task item, which also indexes
 * it as "decide pending". Every call reports its consumed capacity to `usage`.
 */
export class DynamoExecutionStore implements ExecutionStore {
  /** Request units consumed, reported and estimated, by operation. */
  readonly usage = new CapacityMeter();
  private readonly context: StoreContext;
  /** The body each execution had at the version last loaded, so a commit writes it only on change. */
  private readonly bodies: LruMap<string, { version: number; body: WorkflowBody }>;
  /** Which #DEF each remembered definition came from (see definitionRevisionOf). */
  private readonly definitionRevisions: LruMap<string, number>;
  private readonly retentionDays?: number;

  constructor({
    client,
    tableName,
    shards = DEFAULT_QUEUE_SHARDS,
    cacheSize = 256,
    finishedRetentionDays,
  }: DynamoExecutionStoreOptions) {
    if (!Number.isInteger(shards) || shards < 1)
      throw new Error(`shards must be a positive integer, not ${shards}`);
    this.context = {
      client,
      tableName,
      shards,
      meter: this.usage,
      definitions: new LruMap(cacheSize),
      shapes: new LruMap(cacheSize * 64),
    };
    this.bodies = new LruMap(cacheSize);
    this.definitionRevisions = new LruMap(cacheSize);
    this.retentionDays = finishedRetentionDays;
  }

  async create(
    { workflow, definition }: { workflow: Workflow; definition: WorkflowDef },
    idempotency?: IdempotentStart,
  ): Promise<CreateOutcome> {
    const id = workflow.workflowId;
    const items: Item[] = [
      headItem(workflow, 0, 0),
      bodyItem(id, bodyOf(workflow)),
      definitionItem(id, definition),
      ...workflow.tasks.map((task) => taskItem(id, task, 1, { shards: this.context.shards, definition })),
    ];
    const keyActions = idempotency
      ? idempotencyActions(workflow.workflowName, id, idempotency, this.context.tableName)
      : [];
    assertActionCount(items.length + keyActions.length);
    try {
      const result = await this.context.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            ...items.map((item, index) => ({
              Put: {
                TableName: this.context.tableName,
                Item: item,
                // Only the head is checked: it is what "the execution exists" means.
                ConditionExpression: index === 0 ? 'attribute_not_exists(pk)' : undefined,
              },
            })),
            ...keyActions,
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.usage.record('create', {
        kind: 'write',
        reported: result.ConsumedCapacity,
        estimatedWriteUnits:
          items.reduce((sum, item) => sum + itemWriteUnits(null, shapeOf(item), true), 0) +
          2 * keyActions.length,
      });
      for (const item of items) rememberShape(this.context, item);
      return 'created' as const;
    } catch (error) {
      if (errorName(error) !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
      const holder = idempotency ? keyHolderOf(reasons, items.length, idempotency) : undefined;
      const exists = reasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (!exists && holder === undefined) throw error;
      this.usage.record('create', {
        kind: 'write',
        estimatedWriteUnits: items.length + keyActions.length,
        conditionFailed: true,
      });
      return exists ? ('exists' as const) : { kind: 'keyHeld', workflowId: holder! };
    }
  }

  async load(workflowId: string): Promise<StoredExecution | undefined> {
    const items = await readPartition(this.context, workflowId, 'load');
    let head: Item | undefined;
    let body: Item | undefined;
    let definitionRecord: Item | undefined;
    const taskItems: Item[] = [];
    for (const item of items) {
      const sk = item.sk!.S!;
      if (sk === HEAD_SK) head = item;
      else if (sk === BODY_SK) body = item;
      else if (sk === DEF_SK) definitionRecord = item;
      else if (isTaskSk(sk)) taskItems.push(item);
    }
    if (!head) return undefined;
    if (!definitionRecord) throw new Error(`workflow ${workflowId} has no stored definition`);
    // Reuse the remembered object, so the steps of loaded tasks are the very objects a later
    // commit compares against, unless #DEF has been replaced since (a restart with the latest
    // definitions, or a removed id started again, maybe by another process).
    const revision = definitionRevisionOf(definitionRecord);
    const remembered =
      this.definitionRevisions.get(workflowId) === revision
        ? this.context.definitions.get(workflowId)
        : undefined;
    const definition = remembered ?? definitionOf(definitionRecord);
    this.context.definitions.set(workflowId, definition);
    this.definitionRevisions.set(workflowId, revision);
    const taskRevisions = new Map<string, number>();
    const tasks = taskItems
      .map((item) => {
        const task = taskOf(item, definition);
        taskRevisions.set(task.taskId, revisionOf(item));
        return task;
      })
      .sort((a, b) => a.seq - b.seq);
    const version = versionOf(head);
    const workflowBody = bodyOfItem(body);
    this.bodies.set(workflowId, { version, body: workflowBody });
    return {
      workflow: workflowOf(head, workflowBody, tasks),
      definition,
      version,
      epoch: epochOf(head),
      lease: leaseOf(head),
      taskRevisions,
      ...(head[EXPIRES_AT_ATTRIBUTE]?.N ? { expiresAt: Number(head[EXPIRES_AT_ATTRIBUTE].N) } : {}),
    };
  }

  async getTask(workflowId: string, taskId: string): Promise<{ task: Task; revision: number } | undefined> {
    const found = await this.context.client.send(
      new GetItemCommand({
        TableName: this.context.tableName,
        Key: taskKeyOf(workflowId, taskId),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const shape = found.Item ? rememberShape(this.context, found.Item) : undefined;
    this.usage.record('getTask', {
      kind: 'read',
      reported: found.ConsumedCapacity,
      estimatedReadUnits: readUnitsFor(shape?.bytes ?? 0, true),
    });
    if (!found.Item) return undefined;
    if (!needsDefinition(found.Item))
      return { task: taskOf(found.Item, undefined), revision: revisionOf(found.Item) };
    try {
      return {
        task: taskOf(found.Item, await definitionFor(this.context, workflowId)),
        revision: revisionOf(found.Item),
      };
    } catch (error) {
      // The remembered definition may be one a restart has replaced since: read #DEF once more.
      if (!this.context.definitions.has(workflowId)) throw error;
      this.context.definitions.delete(workflowId);
      this.definitionRevisions.delete(workflowId);
      return {
        task: taskOf(found.Item, await definitionFor(this.context, workflowId)),
        revision: revisionOf(found.Item),
      };
    }
  }

  async putTask(workflowId: string, task: Task, expectedRevision: number) {
    const item = taskItem(workflowId, task, expectedRevision + 1, {
      shards: this.context.shards,
      definition: this.context.definitions.get(workflowId),
    });
    const before = knownShape(this.context, item);
    try {
      const result = await this.context.client.send(
        new PutItemCommand({
          TableName: this.context.tableName,
          Item: item,
          ConditionExpression: 'rev = :expected',
          ExpressionAttributeValues: { ':expected': N(expectedRevision) },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      const after = rememberShape(this.context, item);
      this.usage.record('putTask', {
        kind: 'write',
        reported: result.ConsumedCapacity,
        estimatedWriteUnits: itemWriteUnits(before, after),
      });
      return 'written' as const;
    } catch (error) {
      if (!isLostRace(error)) throw error;
      this.usage.record('putTask', {
        kind: 'write',
        estimatedWriteUnits: itemWriteUnits(before, null) || 1,
        conditionFailed: true,
      });
      return 'conflict' as const;
    }
  }

  async acquireLease(
    workflowId: string,
    owner: string,
    now: number,
    durationMs: number,
  ): Promise<LeaseOutcome> {
    const key = keyOf(workflowId, HEAD_SK);
    try {
      const result = await this.context.client.send(
        new UpdateItemCommand({
          TableName: this.context.tableName,
          Key: key,
          UpdateExpression: 'SET epoch = epoch + :one, leaseOwner = :owner, leaseExpiresAt = :expiresAt',
          // Free, expired, or already ours (a retry of our own acquire): take it, with a new epoch.
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(leaseOwner) OR leaseExpiresAt <= :now OR leaseOwner = :owner)',
          ExpressionAttributeValues: {
            ':one': N(1),
            ':owner': S(owner),
            ':expiresAt': N(now + durationMs),
            ':now': N(now),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      const head = result.Attributes!;
      const shape = rememberShape(this.context, head);
      this.usage.record('acquireLease', {
        kind: 'write',
        reported: result.ConsumedCapacity,
        estimatedWriteUnits: itemWriteUnits(shape, shape),
      });
      return { kind: 'acquired', lease: leaseOf(head)! };
    } catch (error) {
      // A commit is writing the head right now; it releases the lease as it ends: ask again shortly.
      if (errorName(error) === 'TransactionConflictException') return { kind: 'busy', heldUntil: now };
      if (!isConditionFailure(error)) throw error;
      const held = (error as { Item?: Item }).Item;
      this.usage.record('acquireLease', {
        kind: 'write',
        estimatedWriteUnits: held ? itemWriteUnits(shapeOf(held), null) : 1,
        conditionFailed: true,
      });
      if (!held) return { kind: 'missing' };
      return { kind: 'busy', heldUntil: Number(held.leaseExpiresAt?.N ?? 0) };
    }
  }

  async commit(commit: DecideCommit): Promise<CommitOutcome> {
    const loaded = this.bodies.get(commit.workflowId);
    const plan = planCommit(commit, {
      shards: this.context.shards,
      retentionDays: this.retentionDays,
      definition: this.context.definitions.get(commit.workflowId),
      // The remembered body is the stored one only at the version it was loaded at; the commit's
      // version condition makes that the version it writes over.
      loadedBody: loaded?.version === commit.expectedVersion ? loaded.body : undefined,
      shapeOf: (key) => knownShape(this.context, key),
    });
    assertTaskWrites(commit.tasks.length + commit.removedTaskIds.length);
    assertActionCount(plan.actions.length);
    try {
      const result = await this.context.client.send(
        new TransactWriteItemsCommand({
          TransactItems: plan.actions.map(({ action }) => withTable(action, this.context.tableName)),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.recordCommit(result, plan.actions);
      const version = commit.expectedVersion + 1;
      const body = plan.body ?? loaded?.body ?? bodyOf(commit.workflow);
      this.bodies.set(commit.workflowId, { version, body });
      if (commit.definition) {
        this.context.definitions.set(commit.workflowId, commit.definition);
        this.definitionRevisions.set(commit.workflowId, version);
      }
      return { kind: 'committed', version };
    } catch (error) {
      if (errorName(error) !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: [] }).CancellationReasons;
      const existing = alreadyStarted(reasons, plan.actions);
      if (existing) {
        this.usage.record('commit', {
          kind: 'write',
          estimatedWriteUnits: plan.actions.length,
          conditionFailed: true,
        });
        const startedWorkflows = commit.startedWorkflows?.filter(
          ({ workflow }) => !existing.has(workflow.workflowId),
        );
        return this.commit({ ...commit, startedWorkflows });
      }
      const verdict = judgeCancellation(reasons, plan.actions);
      // Assumed: a canceled transaction is billed for its prepare phase, one unit per action.
      this.usage.record('commit', {
        kind: 'write',
        estimatedWriteUnits: plan.actions.length,
        conditionFailed: true,
      });
      if (verdict.kind === 'error')
        throw new Error(`commit of ${commit.workflowId} failed: ${verdict.reason}`);
      return { kind: 'conflict', reason: verdict.reason };
    }
  }

  claimTasks(taskType: string, count: number, workerId: string | undefined, now: number): Promise<Task[]> {
    return count > 0 ? claimTasks(this.context, taskType, count, workerId, now) : Promise.resolve([]);
  }

  findOverdue(now: number, graceMs: number, limit: number): Promise<string[]> {
    return findOverdue(this.context, now, graceMs, limit);
  }

  async remove(workflowId: string): Promise<boolean> {
    const existed = await removeExecution(this.context, workflowId);
    this.bodies.delete(workflowId);
    this.definitionRevisions.delete(workflowId);
    return existed;
  }

  /**
   * Deletes what is left of an execution whose #HEAD DynamoDB's TTL deleted (the expiry handler's
   * work, from the stream's old image of the head). Not part of the port: TTL is DynamoDB's.
   */
  async removeExpired(expired: ExpiredHead): Promise<'removed' | 'headExists'> {
    const outcome = await removeExpiredExecution(this.context, expired);
    this.bodies.delete(expired.workflowId);
    this.definitionRevisions.delete(expired.workflowId);
    return outcome;
  }

  private recordCommit(result: TransactWriteItemsCommandOutput, actions: TransactionAction[]): void {
    this.usage.record('commit', {
      kind: 'write',
      reported: result.ConsumedCapacity,
      estimatedWriteUnits: actions.reduce((sum, action) => sum + action.estimatedWriteUnits, 0),
    });
    for (const { after } of actions) {
      if (after) this.context.shapes.set(shapeKey(after.key), after.shape as ItemShape | null);
    }
  }
}

const assertTaskWrites = (writes: number): void => {
  if (writes > MAX_TASK_WRITES_PER_COMMIT) {
    throw new Error(
      `a commit may write at most ${MAX_TASK_WRITES_PER_COMMIT} tasks (a DynamoDB transaction holds at most ` +
        `${MAX_TRANSACTION_ACTIONS} actions, less the workflow head and body); this one writes ${writes}`,
    );
  }
};

const assertActionCount = (actions: number): void => {
  if (actions > MAX_TRANSACTION_ACTIONS) {
    throw new Error(
      `a transaction may hold at most ${MAX_TRANSACTION_ACTIONS} actions (DynamoDB TransactWriteItems); ` +
        `this one needs ${actions}: write fewer tasks per decide`,
    );
  }
};
