import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { type Item, itemSize } from './attribute-values';
import { readUnitsFor } from './capacity';
import { S } from './execution-items';
import { workflowPk } from './execution-keys';
import { rememberShape, type StoreContext } from './store-context';

/**
 * Every item of one execution, strongly consistent, all pages, each page metered under `operation`.
 * The items' shapes are remembered for the estimates of later writes.
 */
export const readPartition = async (
  context: StoreContext,
  workflowId: string,
  operation: string,
): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await context.client.send(
      new QueryCommand({
        TableName: context.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': S(workflowPk(workflowId)) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const found = page.Items ?? [];
    for (const item of found) rememberShape(context, item);
    context.meter.record(operation, {
      kind: 'read',
      reported: page.ConsumedCapacity,
      estimatedReadUnits: readUnitsFor(
        found.reduce((sum, item) => sum + itemSize(item), 0),
        true,
      ),
    });
    items.push(...found);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};
