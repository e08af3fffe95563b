/**
 * What the cost bench counts, and how it attributes it. Every handler invocation (API request,
 * decide batch, system-task batch) runs inside an AsyncLocalStorage context; the SDK middlewares
 * and the store's meter record into the context they run in, so each AWS call and each request
 * unit lands on the invocation that caused it. When an invocation ends it is classified (an empty
 * poll, an update-v2 that handed back a task, a decide …) and its numbers are added to that class.
 * Calls made outside any invocation (the event source mapping's receives and deletes) go to 'esm'.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { Measurement } from '../../lambdas/adapters/dynamodb/capacity';

export type InvocationKind = 'api' | 'decide' | 'systemTask';

export interface AwsCall {
  service: 'dynamodb' | 'sqs' | 'scheduler';
  command: string;
  start: number;
  end: number;
  /** Partition keys the request names (execution table), for following one workflow. */
  pks: string[];
  table?: string;
  /** DynamoDB: the index a Query reads. SQS: the queue's URL. */
  index?: string;
  queue?: string;
  /** SQS: messages received, delay of a send, bodies received or sent. */
  messages?: number;
  delaySeconds?: number;
  bodies?: string[];
  error?: string;
  /** The SDK's attempts (more than 1: it retried, and the duration includes the back-off). */
  attempts?: number;
  /** Why attempts failed, for calls the SDK retried. */
  attemptErrors?: string[];
  /** DynamoDB: what moto reported through ReturnConsumedCapacity (made up: see capacity.ts). */
  reported: { readUnits: number; writeUnits: number };
  /** DynamoDB, definitions table only: units estimated from item sizes. */
  defs?: DefinitionUnits;
  invocation?: Invocation;
}

export interface Invocation {
  id: number;
  kind: InvocationKind;
  /** Set when it ends: the class its numbers are added to. */
  cls: string;
  start: number;
  end: number;
  /** What the invocation was about: the route, the workflows of a batch, the task of an update. */
  label: string;
  workflowIds: string[];
  taskId?: string;
  /** Tasks the response handed out (polls, update-v2). */
  handedOut: string[];
  storeRecords: [string, Measurement][];
  calls: AwsCall[];
}

/** Request units of the definitions table, estimated from item sizes (moto's reports are made up). */
export interface DefinitionUnits {
  calls: number;
  readUnits: number;
  writeUnits: number;
}

export interface ClassTotals {
  invocations: number;
  durationMs: number;
  /** Store meter records, by operation: calls and estimated units (the execution table). */
  store: Record<string, { calls: number; readUnits: number; writeUnits: number; conditionFailures: number }>;
  definitions: DefinitionUnits;
  /** What moto reported through ReturnConsumedCapacity (both tables). */
  motoReported: { readUnits: number; writeUnits: number };
  dynamoCalls: Record<string, number>;
  /** Time spent in DynamoDB calls, by command (ms, summed). */
  dynamoMs: Record<string, number>;
  sqs: Record<string, number>;
  scheduler: Record<string, number>;
  /** SDK attempts beyond the first (retries), all services. */
  retries: number;
}

const emptyTotals = (): ClassTotals => ({
  invocations: 0,
  durationMs: 0,
  store: {},
  definitions: { calls: 0, readUnits: 0, writeUnits: 0 },
  motoReported: { readUnits: 0, writeUnits: 0 },
  dynamoCalls: {},
  dynamoMs: {},
  sqs: {},
  scheduler: {},
  retries: 0,
});

const storeEntry = (totals: ClassTotals, operation: string) => {
  let entry = totals.store[operation];
  if (!entry) {
    entry = { calls: 0, readUnits: 0, writeUnits: 0, conditionFailures: 0 };
    totals.store[operation] = entry;
  }
  return entry;
};

const bump = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

const als = new AsyncLocalStorage<Invocation>();

export const currentInvocation = (): Invocation | undefined => als.getStore();

export class Ledger {
  /** Totals by class, counted only while the window is open. */
  classes = new Map<string, ClassTotals>();
  /** Every AWS call and invocation while tracing, in order of completion. */
  readonly callLog: AwsCall[] = [];
  readonly invocationLog: Invocation[] = [];
  /** Delayed SendMessage calls in the window (timers and hand-backs): when sent, and the delay. */
  delayedSends: { at: number; delaySeconds: number }[] = [];
  /** Calls the SDK retried, in the window. */
  retried: AwsCall[] = [];
  /** Start of the latest ReceiveMessage that found a queue empty, by queue URL. */
  readonly emptyReceiveAt = new Map<string, number>();
  open = false;
  trace = false;
  inFlight = 0;
  private nextId = 1;

  totals(cls: string): ClassTotals {
    let totals = this.classes.get(cls);
    if (!totals) {
      totals = emptyTotals();
      this.classes.set(cls, totals);
    }
    return totals;
  }

  reset(): void {
    this.classes = new Map();
    this.delayedSends = [];
  }

  /** Runs `work` as one invocation of `kind`; `classify` names its class once it is done. */
  async invoke<R>(
    kind: InvocationKind,
    label: string,
    details: Partial<Pick<Invocation, 'workflowIds' | 'taskId'>>,
    work: () => Promise<R>,
    classify: (result: R | undefined, invocation: Invocation) => string,
  ): Promise<R> {
    const invocation: Invocation = {
      id: this.nextId++,
      kind,
      cls: kind,
      start: performance.now(),
      end: 0,
      label,
      workflowIds: details.workflowIds ?? [],
      taskId: details.taskId,
      handedOut: [],
      storeRecords: [],
      calls: [],
    };
    this.inFlight++;
    let result: R | undefined;
    try {
      result = await als.run(invocation, work);
      return result;
    } catch (error) {
      invocation.cls = `${kind}:error`;
      throw error;
    } finally {
      this.inFlight--;
      invocation.end = performance.now();
      if (invocation.cls === kind) invocation.cls = classify(result, invocation);
      this.finish(invocation);
    }
  }

  private finish(invocation: Invocation): void {
    if (this.trace) this.invocationLog.push(invocation);
    if (!this.open) return;
    const totals = this.totals(invocation.cls);
    totals.invocations++;
    totals.durationMs += invocation.end - invocation.start;
    for (const [operation, m] of invocation.storeRecords) this.addStore(totals, operation, m);
    for (const call of invocation.calls) this.addCall(totals, call);
  }

  /** The store's meter reports here (see instrumentStore). */
  storeRecord(operation: string, m: Measurement): void {
    const invocation = currentInvocation();
    if (invocation) invocation.storeRecords.push([operation, m]);
    else if (this.open) this.addStore(this.totals('outside'), operation, m);
  }

  /** The SDK middlewares report here. */
  call(call: AwsCall): void {
    const invocation = currentInvocation();
    call.invocation = invocation;
    if (call.command === 'ReceiveMessage' && !call.messages && call.queue) {
      this.emptyReceiveAt.set(call.queue, Math.max(call.start, this.emptyReceiveAt.get(call.queue) ?? 0));
    }
    if (this.trace) this.callLog.push(call);
    if (invocation) invocation.calls.push(call);
    else if (this.open) this.addCall(this.totals(call.service === 'sqs' ? 'esm' : 'outside'), call);
  }

  private addStore(totals: ClassTotals, operation: string, m: Measurement): void {
    const entry = storeEntry(totals, operation);
    entry.calls++;
    entry.readUnits += m.estimatedReadUnits ?? 0;
    entry.writeUnits += m.estimatedWriteUnits ?? 0;
    if (m.conditionFailed) entry.conditionFailures++;
  }

  private addCall(totals: ClassTotals, call: AwsCall): void {
    const { reported, defs } = call;
    totals.retries += Math.max(0, (call.attempts ?? 1) - 1);
    if ((call.attempts ?? 1) > 1) this.retried.push(call);
    if (call.service === 'dynamodb') {
      bump(totals.dynamoCalls, call.command);
      bump(totals.dynamoMs, call.command, call.end - call.start);
      totals.motoReported.readUnits += reported.readUnits;
      totals.motoReported.writeUnits += reported.writeUnits;
      if (defs) {
        totals.definitions.calls += defs.calls;
        totals.definitions.readUnits += defs.readUnits;
        totals.definitions.writeUnits += defs.writeUnits;
      }
    } else if (call.service === 'sqs') {
      bump(totals.sqs, sqsKey(call));
      if (call.command === 'SendMessage' && call.delaySeconds) {
        this.delayedSends.push({ at: call.end, delaySeconds: call.delaySeconds });
      }
    } else {
      bump(totals.scheduler, call.command);
    }
  }
}

/** ReceiveMessage is split by whether it brought anything; SendMessage by whether it is delayed. */
export const sqsKey = (call: AwsCall): string => {
  if (call.command === 'ReceiveMessage') return call.messages ? 'ReceiveMessage' : 'ReceiveMessage (empty)';
  if (call.command === 'SendMessage' && call.delaySeconds) return 'SendMessage (delayed)';
  return call.command;
};

/** Adds class totals together (for "everything" or "everything but the artifacts"). */
export const sumTotals = (all: ClassTotals[]): ClassTotals => {
  const sum = emptyTotals();
  for (const t of all) {
    sum.invocations += t.invocations;
    sum.durationMs += t.durationMs;
    for (const [op, e] of Object.entries(t.store)) {
      const into = storeEntry(sum, op);
      into.calls += e.calls;
      into.readUnits += e.readUnits;
      into.writeUnits += e.writeUnits;
      into.conditionFailures += e.conditionFailures;
    }
    sum.definitions.calls += t.definitions.calls;
    sum.definitions.readUnits += t.definitions.readUnits;
    sum.definitions.writeUnits += t.definitions.writeUnits;
    sum.motoReported.readUnits += t.motoReported.readUnits;
    sum.motoReported.writeUnits += t.motoReported.writeUnits;
    for (const [k, v] of Object.entries(t.dynamoCalls)) bump(sum.dynamoCalls, k, v);
    for (const [k, v] of Object.entries(t.dynamoMs)) bump(sum.dynamoMs, k, v);
    for (const [k, v] of Object.entries(t.sqs)) bump(sum.sqs, k, v);
    for (const [k, v] of Object.entries(t.scheduler)) bump(sum.scheduler, k, v);
    sum.retries += t.retries;
  }
  return sum;
};
