import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { WorkflowDef } from '../../core/model';
import type { Item } from './attribute-values';
import { type CapacityMeter, type ItemShape, readUnitsFor, shapeOf } from './capacity';
import { definitionOf, keyOf } from './execution-items';
import { DEF_SK } from './execution-keys';
import type { LruMap } from './lru-map';

/** What the store's parts share: the client, the table, the meter and what the store remembers. */
export interface StoreContext {
  client: DynamoDBClient;
  tableName: string;
  /** Partitions of the pollable index per task type. */
  shards: number;
  meter: CapacityMeter;
  /**
   * Definitions by workflowId; it saves reading #DEF where a stored task needs its step back. Only
   * a restart with the latest definitions replaces #DEF: a load notices by #DEF's revision, and
   * getTask reads #DEF again when the remembered one lacks the task's step. The other readers
   * (claims, task search) see worker tasks only, which keep their step and never need #DEF.
   */
  definitions: LruMap<string, WorkflowDef>;
  /** Last known shape of items by `pk sk`, for estimating what a write replaces (null: absent). */
  shapes: LruMap<string, ItemShape | null>;
}

export const shapeKey = (item: Item): string => `${item.pk?.S}\u0000${item.sk?.S}`;

export const rememberShape = (context: StoreContext, item: Item): ItemShape => {
  const shape = shapeOf(item);
  context.shapes.set(shapeKey(item), shape);
  return shape;
};

export const knownShape = (context: StoreContext, key: Item): ItemShape | null | undefined =>
  context.shapes.get(shapeKey(key));

/** The execution's definition: remembered, or read from #DEF (strongly: it may have just been written). */
export const definitionFor = async (context: StoreContext, workflowId: string): Promise<WorkflowDef> => {
  const known = context.definitions.get(workflowId);
  if (known) return known;
  const found = await context.client.send(
    new GetItemCommand({
      TableName: context.tableName,
      Key: keyOf(workflowId, DEF_SK),
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  context.meter.record('getDefinition', {
    kind: 'read',
    reported: found.ConsumedCapacity,
    estimatedReadUnits: readUnitsFor(found.Item ? shapeOf(found.Item).bytes : 0, true),
  });
  if (!found.Item) throw new Error(`workflow ${workflowId} has no stored definition`);
  const definition = definitionOf(found.Item);
  context.definitions.set(workflowId, definition);
  return definition;
};

/** The SDK's error name; compared by name because two copies of the SDK have two sets of classes. */
export const errorName = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;

export const isConditionFailure = (error: unknown): boolean =>
  errorName(error) === 'ConditionalCheckFailedException';

/**
 * A single-item write that lost to a condition, or to a transaction writing the same item at that
 * moment (TransactionConflictException): either way someone else moved first, and the caller's
 * answer is the same, read again. moto never raises the second (it runs requests one at a time).
 */
export const isLostRace = (error: unknown): boolean =>
  isConditionFailure(error) || errorName(error) === 'TransactionConflictException';
