import { QueryCommand, type QueryCommandOutput, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type Task, TaskStatus } from '../../core/model';
import { pollableAt } from '../../core/timeouts';
import { type Item, itemSize } from './attribute-values';
import { itemWriteUnits, readUnitsFor, shapeOf } from './capacity';
import { needsDefinition, taskOf } from './execution-items';
import { dueBy, POLLABLE_INDEX, queueKeyOfShard, reconcileShardOf, workflowIdOfPk } from './execution-keys';
import { definitionFor, isLostRace, rememberShape, type StoreContext } from './store-context';

/** Candidates read per query page beyond what is still wanted, to absorb claims lost to other pollers. */
const PAGE_SLACK = 8;

const queryShard = async (
  context: StoreContext,
  taskType: string,
  shard: number,
  now: number,
  limit: number,
  start: Item | undefined,
): Promise<QueryCommandOutput> => {
  const page = await context.client.send(
    new QueryCommand({
      TableName: context.tableName,
      IndexName: POLLABLE_INDEX,
      KeyConditionExpression: 'queueKey = :queue AND queueSort <= :due',
      ExpressionAttributeValues: {
        ':queue': { S: queueKeyOfShard(taskType, shard) },
        ':due': { S: dueBy(now) },
      },
      Limit: limit,
      ExclusiveStartKey: start,
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  const bytes = (page.Items ?? []).reduce((sum, item) => sum + itemSize(item), 0);
  context.meter.record('claimTasks.query', {
    kind: 'read',
    reported: page.ConsumedCapacity,
    estimatedReadUnits: readUnitsFor(bytes, false),
  });
  return page;
};

/**
 * Claims one candidate seen in the index. The condition is the queueSort the index showed: it is
 * there only while the task is a SCHEDULED worker task, and it changes whenever the task is
 * rescheduled, so "still equal" means "still pollable, and still the state we saw". Of two pollers
 * racing for the task exactly one write passes. The field changes are core's markPolled, written as
 * an expression so that no read is needed first (`startTime` is absent while 0, see execution-items).
 */
const claimOne = async (
  context: StoreContext,
  candidate: Item,
  workerId: string | undefined,
  now: number,
): Promise<Task | undefined> => {
  const key = { pk: candidate.pk!, sk: candidate.sk! };
  const setWorker = workerId === undefined ? '' : ', #task.#workerId = :worker';
  const responseTimeoutMs = Number(candidate.responseTimeoutMs?.N ?? 0);
  // From now on only the worker's word moves the task: mark when it is overdue (execution-items.ts).
  const setDeadline = responseTimeoutMs > 0 ? ', rcShard = :rcShard, rcDue = :rcDue' : '';
  const removeWorker = workerId === undefined ? ', #task.#workerId' : '';
  try {
    const claimed = await context.client.send(
      new UpdateItemCommand({
        TableName: context.tableName,
        Key: key,
        UpdateExpression:
          'SET #task.#status = :inProgress, #task.#pollCount = #task.#pollCount + :one, ' +
          '#task.#startTime = if_not_exists(#task.#startTime, :now), #task.#updateTime = :now, ' +
          `#rev = #rev + :one${setWorker}${setDeadline} REMOVE queueKey, queueSort, responseTimeoutMs${removeWorker}`,
        ConditionExpression: 'queueSort = :seen',
        ExpressionAttributeNames: {
          '#task': 'task',
          '#status': 'status',
          '#pollCount': 'pollCount',
          '#startTime': 'startTime',
          '#updateTime': 'updateTime',
          '#workerId': 'workerId',
          '#rev': 'rev',
        },
        ExpressionAttributeValues: {
          ':inProgress': { S: TaskStatus.IN_PROGRESS },
          ':one': { N: '1' },
          ':now': { N: String(now) },
          ':seen': candidate.queueSort!,
          ...(workerId === undefined ? {} : { ':worker': { S: workerId } }),
          ...(responseTimeoutMs > 0
            ? {
                ':rcShard': { S: reconcileShardOf('T', workflowIdOfPk(key.pk.S!)) },
                ':rcDue': { N: String(now + responseTimeoutMs) },
              }
            : {}),
        },
        ReturnValues: 'ALL_NEW',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const item = claimed.Attributes!;
    const after = rememberShape(context, item);
    // The item as it was: still queued, and without the response-deadline entry this claim added.
    const { rcShard: _shard, rcDue: _due, ...unmarked } = item;
    const before = shapeOf({
      ...(setDeadline ? unmarked : item),
      queueKey: candidate.queueKey!,
      queueSort: candidate.queueSort!,
    });
    context.meter.record('claimTasks.claim', {
      kind: 'write',
      reported: claimed.ConsumedCapacity,
      estimatedWriteUnits: itemWriteUnits(before, after),
    });
    const workflowId = workflowIdOfPk(key.pk.S!);
    const definition = needsDefinition(item) ? await definitionFor(context, workflowId) : undefined;
    return taskOf(item, definition);
  } catch (error) {
    if (!isLostRace(error)) throw error;
    // Another poller won it (or it was rescheduled): billed all the same.
    context.meter.record('claimTasks.claim', {
      kind: 'write',
      estimatedWriteUnits: 1,
      conditionFailed: true,
    });
    return undefined;
  }
};

/**
 * Hands out up to `count` due worker tasks of a type. Shards are visited from a random one so that
 * concurrent pollers spread over them instead of all fighting over the head of shard 0; within a
 * shard, the earliest due come first. Each page's candidates are claimed concurrently, and a shard
 * is paged through until enough are won or it has no more due tasks.
 */
export const claimTasks = async (
  context: StoreContext,
  taskType: string,
  count: number,
  workerId: string | undefined,
  now: number,
): Promise<Task[]> => {
  const claimed: Task[] = [];
  const first = Math.floor(Math.random() * context.shards);
  for (let i = 0; i < context.shards && claimed.length < count; i++) {
    const shard = (first + i) % context.shards;
    let start: Item | undefined;
    do {
      const wanted = count - claimed.length;
      const page = await queryShard(context, taskType, shard, now, wanted + PAGE_SLACK, start);
      const candidates = page.Items ?? [];
      for (let offset = 0; offset < candidates.length && claimed.length < count; ) {
        const batch = candidates.slice(offset, offset + (count - claimed.length));
        offset += batch.length;
        const won = await Promise.allSettled(
          batch.map((candidate) => claimOne(context, candidate, workerId, now)),
        );
        for (const outcome of won) {
          if (outcome.status === 'fulfilled' && outcome.value) claimed.push(outcome.value);
        }
        // A task claimed here but not returned would sit IN_PROGRESS until its response timeout:
        // so an error (a throttle) ends the poll with what was won, and is thrown only if nothing was.
        const failed = won.find((outcome) => outcome.status === 'rejected');
        if (failed) {
          if (claimed.length === 0) throw failed.reason;
          return sortByDue(claimed);
        }
      }
      start = page.LastEvaluatedKey;
    } while (start && claimed.length < count);
  }
  return sortByDue(claimed);
};

const sortByDue = (tasks: Task[]): Task[] =>
  tasks.sort((a, b) => pollableAt(a) - pollableAt(b) || a.seq - b.seq);
