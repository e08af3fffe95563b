/**
 * SDK middlewares that count every AWS call into a Ledger, and a tap on the execution store's
 * usage meter. Nothing here changes what the engine does, except that DynamoDB requests that do
 * not ask for ReturnConsumedCapacity (the definitions store's) are made to, so that whatever the
 * emulator reports is seen.
 */
import { performance } from 'node:perf_hooks';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoExecutionStore } from '../../lambdas/adapters/dynamodb/execution-store';
import type { AwsClients } from '../../lambdas/shared/wiring';
import type { AwsCall, DefinitionUnits, Ledger } from './ledger';

type Input = Record<string, unknown>;
type Output = Record<string, unknown> | undefined;

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const CONSUMED = new Set([
  ...READS,
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

const attemptsOf = (output: Output): number | undefined =>
  (output?.$metadata as { attempts?: number } | undefined)?.attempts;

const commandOf = (name: string | undefined) => (name ?? 'Unknown').replace(/Command$/, '');

/** Partition keys named by a low-level request (the execution table's `pk`). */
const pksOf = (input: Input): string[] => {
  const found = new Set<string>();
  const take = (item: unknown) => {
    const pk = (item as { pk?: { S?: unknown } } | undefined)?.pk?.S;
    if (typeof pk === 'string') found.add(pk);
  };
  take(input.Key);
  take(input.Item);
  take({ pk: (input.ExpressionAttributeValues as Input | undefined)?.[':pk'] });
  for (const action of (input.TransactItems as Input[] | undefined) ?? []) {
    for (const part of Object.values(action)) {
      take((part as Input).Item);
      take((part as Input).Key);
    }
  }
  return [...found];
};

const reportedUnits = (command: string, output: Output) => {
  let readUnits = 0;
  let writeUnits = 0;
  const consumed = output?.ConsumedCapacity as ConsumedCapacity | ConsumedCapacity[] | undefined;
  for (const c of [consumed ?? []].flat()) {
    const units = c.CapacityUnits ?? 0;
    readUnits += c.ReadCapacityUnits ?? (READS.has(command) ? units : 0);
    writeUnits += c.WriteCapacityUnits ?? (READS.has(command) ? 0 : units);
  }
  return { readUnits, writeUnits };
};

/**
 * The definitions store speaks through a DocumentClient, so its items are plain JSON here: their
 * size is approximated by their JSON length (close for string-heavy definitions), then billed by
 * DynamoDB's rules (reads: 4 KB units, halved when eventually consistent; writes: 1 KB units).
 */
const definitionUnits = (command: string, input: Input, output: Output): DefinitionUnits => {
  const bytes = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
  const consistent = input.ConsistentRead === true ? 1 : 0.5;
  if (command === 'GetItem') {
    return {
      calls: 1,
      readUnits: Math.max(1, Math.ceil(bytes(output?.Item) / 4096)) * consistent,
      writeUnits: 0,
    };
  }
  if (command === 'Query' || command === 'Scan') {
    return {
      calls: 1,
      readUnits: Math.max(1, Math.ceil(bytes(output?.Items) / 4096)) * consistent,
      writeUnits: 0,
    };
  }
  if (command === 'PutItem' || command === 'UpdateItem' || command === 'DeleteItem') {
    return { calls: 1, readUnits: 0, writeUnits: Math.max(1, Math.ceil(bytes(input.Item) / 1024)) };
  }
  return { calls: 1, readUnits: 0, writeUnits: 0 };
};

/** Adds the counting middlewares to the three clients (each client once). */
export const instrumentClients = (clients: AwsClients, ledger: Ledger, definitionsTable: string): void => {
  clients.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const command = commandOf(context.commandName);
      let input = args.input as Input;
      if (CONSUMED.has(command) && input.ReturnConsumedCapacity === undefined) {
        input = { ...input, ReturnConsumedCapacity: 'TOTAL' };
        args = { ...args, input };
      }
      const start = performance.now();
      const call: AwsCall = {
        service: 'dynamodb',
        command,
        start,
        end: start,
        pks: pksOf(input),
        table: typeof input.TableName === 'string' ? input.TableName : undefined,
        index: typeof input.IndexName === 'string' ? input.IndexName : undefined,
        reported: { readUnits: 0, writeUnits: 0 },
      };
      (context as { benchCall?: AwsCall }).benchCall = call;
      try {
        const result = await next(args);
        const output = result.output as unknown as Output;
        call.attempts = attemptsOf(output);
        call.reported = reportedUnits(command, output);
        if (call.table === definitionsTable) call.defs = definitionUnits(command, input, output);
        return result;
      } catch (error) {
        call.error = (error as { name?: string }).name ?? String(error);
        call.attempts = attemptsOf(error as Output);
        // A refused conditional write is billed; definitions-table writes are unconditional anyway.
        if (call.table === definitionsTable) call.defs = { calls: 1, readUnits: 0, writeUnits: 0 };
        throw error;
      } finally {
        call.end = performance.now();
        ledger.call(call);
      }
    },
    { step: 'initialize', name: 'benchDynamoMeter', priority: 'high' },
  );

  clients.sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const command = commandOf(context.commandName);
      const input = args.input as Input;
      const start = performance.now();
      const call: AwsCall = {
        service: 'sqs',
        command,
        start,
        end: start,
        pks: [],
        queue: typeof input.QueueUrl === 'string' ? input.QueueUrl : undefined,
        reported: { readUnits: 0, writeUnits: 0 },
      };
      (context as { benchCall?: AwsCall }).benchCall = call;
      if (command === 'SendMessage') {
        call.delaySeconds = Number(input.DelaySeconds ?? 0);
        call.bodies = [String(input.MessageBody ?? '')];
      }
      try {
        const result = await next(args);
        call.attempts = attemptsOf(result.output as unknown as Output);
        if (command === 'ReceiveMessage') {
          const messages =
            ((result.output as unknown as Output)?.Messages as { Body?: string }[] | undefined) ?? [];
          call.messages = messages.length;
          call.bodies = messages.map((message) => message.Body ?? '');
        }
        return result;
      } catch (error) {
        call.error = (error as { name?: string }).name ?? String(error);
        throw error;
      } finally {
        call.end = performance.now();
        // A long poll aborted when the bench stops its pollers was never answered: not a request.
        if (call.error !== 'AbortError') ledger.call(call);
      }
    },
    { step: 'initialize', name: 'benchSqsMeter', priority: 'high' },
  );

  attemptMiddleware(clients.dynamodb.middlewareStack);
  attemptMiddleware(clients.sqs.middlewareStack);

  clients.scheduler.middlewareStack.add(
    (next, context) => async (args) => {
      const start = performance.now();
      const call: AwsCall = {
        service: 'scheduler',
        command: commandOf(context.commandName),
        start,
        end: start,
        pks: [],
        reported: { readUnits: 0, writeUnits: 0 },
      };
      try {
        return await next(args);
      } finally {
        call.end = performance.now();
        ledger.call(call);
      }
    },
    { step: 'initialize', name: 'benchSchedulerMeter', priority: 'high' },
  );
};

/**
 * Inside the SDK's retry loop: notes why an attempt failed on the call the outer middleware made,
 * so that a retried request (billed twice on AWS, and not idempotent when it is a conditional
 * write whose first attempt did land) can be explained.
 */
const attemptMiddleware = (
  stack: AwsClients['dynamodb']['middlewareStack'] | AwsClients['sqs']['middlewareStack'],
) =>
  (stack as AwsClients['dynamodb']['middlewareStack']).add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const call = (context as { benchCall?: AwsCall }).benchCall;
        if (call) {
          const e = error as { name?: string; code?: string; message?: string };
          call.attemptErrors = [
            ...(call.attemptErrors ?? []),
            `${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}: ${String(e.message).split('\n')[0]!.slice(0, 80)}`,
          ];
        }
        throw error;
      }
    },
    { step: 'finalizeRequest', name: 'benchAttemptMeter', priority: 'low' },
  );

/** Copies each measurement the store's own meter records into the ledger (the store keeps its own too). */
export const instrumentStore = (store: DynamoExecutionStore, ledger: Ledger): void => {
  const meter = store.usage;
  const record = meter.record.bind(meter);
  meter.record = (operation, measurement) => {
    record(operation, measurement);
    ledger.storeRecord(operation, measurement);
  };
};
