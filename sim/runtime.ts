import { batonResources } from '../infra/resources';
import { SqsDecideQueue, SqsSystemTaskQueue } from '../lambdas/adapters/sqs-queues';
import { SchedulerTimers } from '../lambdas/adapters/timers';
import type { ApiDeps } from '../lambdas/api/router';
import type { ScriptRuntime } from '../lambdas/core/scripting/script-runtime';
import type { SystemTaskDeps } from '../lambdas/engine/run-system-task';
import { TaskDefCache } from '../lambdas/engine/task-def-cache';
import { createApiHandler } from '../lambdas/handlers/api';
import { createDecideHandler } from '../lambdas/handlers/decide';
import { createReconcileHandler } from '../lambdas/handlers/reconcile';
import { createSystemTaskHandler } from '../lambdas/handlers/system-task';
import type { DecideQueue, ExecutionStore } from '../lambdas/ports';
import type { APIGatewayProxyEventV2 } from '../lambdas/shared/api-gateway';
import { InMemoryExecutionQueries } from '../test/fakes/in-memory-execution-queries';
import { InMemoryPollDataStore } from '../test/fakes/in-memory-poll-data-store';
import { InMemoryTaskLogStore } from '../test/fakes/in-memory-task-log-store';
import { ignoringPause, miswiredRoute, reusingTaskIds } from './injected-bugs';
import type { InvariantChecks } from './invariants';
import { runRateSchedule, simSchedulerClient } from './scheduler-model';
import { runEventSource, SimQueue, simSqsClient } from './sqs-model';
import { SimExecutionStore, SimMetadataStore } from './store-model';
import type { ProcessEnd, SimWorld } from './world';

const DECIDE_QUEUE_URL = 'https://sqs.sim.local/decide';
const SYSTEM_TASK_QUEUE_URL = 'https://sqs.sim.local/system-task';
export const RECONCILE_PERIOD_MS = 60_000;

/** Known bugs the simulator must catch, switched on in a copy of the wiring, never in shipped code. */
export interface InjectedBugs {
  /**
   * The incident: a decide that loses the race for its workflow (its commit conflicts, or the lease
   * is busy) drops its request instead of handing it to the queue.
   */
  dropDecideOnLockMiss?: boolean;
  /** Commits skip the version and epoch conditions: a stale decider overwrites newer state. */
  unfenced?: boolean;
  /** Decides read a PAUSED workflow as RUNNING and carry on with it, as if nobody had paused it. */
  decideIgnoresPause?: boolean;
  /** The retry route runs a restart: an ended workflow's tasks are removed, which a retry never does. */
  retryRestarts?: boolean;
  /** The rerun route drops reRunFromTaskId, so the workflow runs again from its first task. */
  rerunDropsTarget?: boolean;
  /**
   * Task ids leave out the workflow's generation, as they did before restarts and reruns counted
   * one: the tasks a restart creates again get the ids of those it removed.
   */
  reusedTaskIds?: boolean;
}

export interface RuntimeOptions {
  reconcile: boolean;
  bugs: InjectedBugs;
}

export interface ApiAnswer {
  statusCode: number;
  body: unknown;
}

/**
 * The Lambda functions of infra/resources.ts over the simulated AWS: the real handlers, each
 * invocation a process of the world; the SQS event sources and the minute reconcile as AWS runs
 * them. Queue settings (batch size, concurrency, visibility, receive count) come from the same
 * resource definitions the stack and the local runtime use.
 */
export class SimRuntime {
  readonly store: SimExecutionStore;
  readonly metadata: SimMetadataStore;
  readonly decideQueue: SimQueue;
  readonly systemTaskQueue: SimQueue;
  running = true;
  invocations: Record<string, number> = {};
  private readonly taskDefs: TaskDefCache;
  /** The API's own stores, outside the simulated faults: nothing on the decide path reads them. */
  private readonly apiStores = {
    taskLogs: new InMemoryTaskLogStore(),
    pollData: new InMemoryPollDataStore(),
  };
  private nextWorkflow = 1;
  private nextRequest = 1;

  constructor(
    readonly world: SimWorld,
    private readonly scripts: ScriptRuntime,
    checks: InvariantChecks,
    private readonly options: RuntimeOptions,
  ) {
    const { queues } = batonResources('sim');
    const settingsOf = (id: 'decide' | 'systemTask') => ({
      name: queues[id].name,
      visibilityTimeoutSeconds: queues[id].visibilityTimeoutSeconds,
      maxReceiveCount: queues[id].maxReceiveCount,
      batchSize: queues[id].batchSize,
      maxConcurrency: queues[id].maxConcurrency,
    });
    this.decideQueue = new SimQueue(settingsOf('decide'), world);
    this.systemTaskQueue = new SimQueue(settingsOf('systemTask'), world);
    this.store = new SimExecutionStore(world, checks, { unfenced: options.bugs.unfenced });
    checks.attach(this.store.inner);
    this.metadata = new SimMetadataStore(world);
    this.taskDefs = new TaskDefCache(this.metadata, this.clock);
  }

  readonly clock = { now: () => this.world.now };

  /** What one invocation runs on; the lease owner is the invocation, as each container has its own. */
  deps(owner: string): ApiDeps & SystemTaskDeps {
    const sqs = simSqsClient(
      this.world,
      new Map([
        [DECIDE_QUEUE_URL, this.decideQueue],
        [SYSTEM_TASK_QUEUE_URL, this.systemTaskQueue],
      ]),
    );
    const decideQueue = new SqsDecideQueue({ client: sqs, queueUrl: DECIDE_QUEUE_URL });
    const buggy = this.options.bugs.dropDecideOnLockMiss
      ? droppingAfterLockMiss(this.store, decideQueue, this.world)
      : undefined;
    let store = buggy?.store ?? this.store;
    if (this.options.bugs.reusedTaskIds) store = reusingTaskIds(store);
    if (this.options.bugs.decideIgnoresPause && owner.startsWith('decide')) store = ignoringPause(store);
    return {
      store,
      metadata: this.metadata,
      decideQueue: buggy?.decideQueue ?? decideQueue,
      systemTasks: new SqsSystemTaskQueue({ client: sqs, queueUrl: SYSTEM_TASK_QUEUE_URL }),
      timers: new SchedulerTimers({
        client: simSchedulerClient(this.world, this.decideQueue),
        decideQueue,
        decideQueueArn: 'arn:aws:sqs:sim:000000000000:decide',
        roleArn: 'arn:aws:iam::000000000000:role/scheduler',
        groupName: 'sim-timers',
        clock: this.clock,
      }),
      clock: this.clock,
      ids: { workflowId: () => `wf-${this.nextWorkflow++}` },
      scripts: this.scripts,
      taskDefs: this.taskDefs,
      owner,
      http: {
        send: async () => {
          throw new Error('the simulation runs no HTTP tasks');
        },
      },
      events: { publish: async () => {} },
      ...this.apiStores,
      queries: new InMemoryExecutionQueries(this.store.inner),
      sleep: (ms) => this.world.sleep(ms),
    };
  }

  /** Starts the event sources and, unless switched off, the minute reconcile. */
  start(): void {
    const running = () => this.running;
    runEventSource(
      this.world,
      this.decideQueue,
      'decide',
      (event) => {
        return createDecideHandler(
          this.deps(this.owner('decide')),
          () => this.world.random.fraction(),
          (ms) => this.world.sleep(ms),
        )(event);
      },
      running,
    );
    runEventSource(
      this.world,
      this.systemTaskQueue,
      'systemTask',
      (event) => createSystemTaskHandler(this.deps(this.owner('systemTask')))(event),
      running,
    );
    if (this.options.reconcile) {
      runRateSchedule(
        this.world,
        RECONCILE_PERIOD_MS,
        () => {
          void this.world.spawn('reconcile', () =>
            createReconcileHandler(this.deps(this.owner('reconcile')))(),
          );
        },
        running,
      );
    }
  }

  /**
   * One API Gateway request to the api function; a crash reads as a 502, as API Gateway answers.
   * `observe` learns which process the invocation is, before it runs: the invariant checks know
   * writes by their process.
   */
  async api(
    method: string,
    path: string,
    options: { query?: string; body?: unknown; observe?: (process: number) => void } = {},
  ): Promise<ApiAnswer> {
    const request = miswiredRoute(this.options.bugs, { path, query: options.query, body: options.body });
    const event: APIGatewayProxyEventV2 = {
      rawPath: request.path,
      rawQueryString: request.query ?? '',
      headers: { 'content-type': 'application/json' },
      requestContext: { requestId: `req-${this.nextRequest++}`, http: { method } },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    };
    const end: ProcessEnd<{ statusCode: number; body?: string }> = await this.world.spawn('api', () => {
      options.observe?.(this.world.currentProcess());
      return createApiHandler(this.deps(this.owner('api')))(event);
    });
    if (end.kind !== 'returned') return { statusCode: 502, body: undefined };
    const text = end.value.body;
    let body: unknown = text;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { statusCode: end.value.statusCode, body };
  }

  private owner(kind: string): string {
    this.invocations[kind] = (this.invocations[kind] ?? 0) + 1;
    return `${kind}-${this.invocations[kind]}`;
  }
}

/**
 * The incident's bug, wired into one invocation: once a decide of this invocation lost the race for
 * a workflow (a commit conflict, a busy lease), its requests for that workflow are dropped.
 */
const droppingAfterLockMiss = (store: ExecutionStore, queue: DecideQueue, world: SimWorld) => {
  const lost = new Set<string>();
  const watched: ExecutionStore = Object.create(store);
  watched.commit = async (commit) => {
    const outcome = await store.commit(commit);
    if (outcome.kind === 'conflict') lost.add(commit.workflowId);
    return outcome;
  };
  watched.acquireLease = async (workflowId, owner, now, durationMs) => {
    const outcome = await store.acquireLease(workflowId, owner, now, durationMs);
    if (outcome.kind === 'busy') lost.add(workflowId);
    return outcome;
  };
  const decideQueue: DecideQueue = {
    requestDecide: async (workflowId, delaySeconds) => {
      if (lost.has(workflowId)) {
        world.record(`bug: dropped the decide of ${workflowId}`);
        world.faults.injected.droppedDecide = (world.faults.injected.droppedDecide ?? 0) + 1;
        return;
      }
      await queue.requestDecide(workflowId, delaySeconds);
    },
  };
  return { store: watched, decideQueue };
};
