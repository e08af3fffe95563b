import { beforeAll, describe, expect, it } from 'vitest';
import { decide, terminate } from '../../lambdas/core/decide';
import {
  isTerminalTask,
  type JsonMap,
  type Task,
  type TaskDef,
  TaskStatus,
  TaskType,
  typeOf,
  type Workflow,
  type WorkflowDef,
  WorkflowStatus,
} from '../../lambdas/core/model';
import { loadScriptRuntime } from '../../lambdas/core/scripting/index';
import type { ScriptRuntime } from '../../lambdas/core/scripting/script-runtime';
import { createWorkflow } from '../../lambdas/core/start';
import { applyResultToTask, markPolled } from '../../lambdas/core/task-result';
import { pollableAt } from '../../lambdas/core/timeouts';
import { Random } from '../../sim/random';
import {
  compareWithReference,
  interpret,
  isExternalOutcome,
  type Outcome,
  type ReferenceResult,
  type ReplayStep,
} from '../../sim/reference';
import { generateWorkload } from '../../sim/workloads';
import { loadFixture, START_TIME } from '../support/scenario';
import { simple, step, workflowOf } from '../support/steps';

const WORKFLOW_ID = 'wf-reference';
/** The task types the generated workloads leave to someone outside the decider. */
const ENDED_OUTSIDE = new Set<string>([TaskType.SIMPLE, TaskType.WAIT, TaskType.SUB_WORKFLOW]);

let scripts: ScriptRuntime;
beforeAll(async () => {
  scripts = await loadScriptRuntime();
});

const lookup = (taskDefs: readonly TaskDef[]) => {
  const byName = new Map(taskDefs.map((def) => [def.name, def]));
  return (name: string) => byName.get(name);
};

/**
 * The core driven as a tiny engine would: decides are commits, worker results are stored between
 * them, and the clock moves. Every external end is logged in the order it was stored, each decide
 * as a decide point: the input the reference replays.
 */
class CoreRun {
  now = START_TIME;
  workflow: Workflow;
  readonly log: ReplayStep[] = [];
  private readonly logged = new Set<string>();

  constructor(
    readonly definition: WorkflowDef,
    readonly input: JsonMap,
    readonly taskDefs: readonly TaskDef[] = [],
    private readonly maxTaskWrites?: number,
  ) {
    this.workflow = createWorkflow(
      definition,
      { name: definition.name, input },
      { workflowId: WORKFLOW_ID, now: this.now },
    );
  }

  /** One decide, committed. Returns whether it changed anything. */
  decideOnce(): boolean {
    const saw = this.outcomes().length;
    const result = decide(
      { workflow: this.workflow, definition: this.definition },
      { now: this.now, taskDefs: lookup(this.taskDefs), scripts, maxTaskWrites: this.maxTaskWrites },
    );
    this.workflow = result.next;
    this.logEnds();
    this.log.push({ decided: true, saw });
    return result.workflowChanged;
  }

  /**
   * A decide whose read comes before `meanwhile` stores more results and whose commit comes after:
   * what it did not change keeps its stored version, and its point says how many outcomes it saw.
   */
  decideAround(meanwhile: () => void): void {
    const saw = this.outcomes().length;
    const result = decide(
      { workflow: this.workflow, definition: this.definition },
      { now: this.now, taskDefs: lookup(this.taskDefs), scripts, maxTaskWrites: this.maxTaskWrites },
    );
    meanwhile();
    const changed = new Map(result.changedTasks.map((task) => [task.taskId, task]));
    const stored = new Map(this.workflow.tasks.map((task) => [task.taskId, task]));
    const tasks = result.next.tasks.map(
      (task) => changed.get(task.taskId) ?? stored.get(task.taskId) ?? task,
    );
    this.workflow = { ...result.next, tasks };
    this.logEnds();
    this.log.push({ decided: true, saw });
  }

  settle(): void {
    for (let i = 0; i < 100 && this.decideOnce(); i++);
  }

  task(ref: string, retryCount?: number): Task {
    const found = this.workflow.tasks.filter(
      (task) =>
        task.referenceTaskName === ref && (retryCount === undefined || task.retryCount === retryCount),
    );
    if (found.length === 0) throw new Error(`no task ${ref}`);
    return found.at(-1)!;
  }

  /** A worker's (or a child's) result, stored as the task-update API stores it; no decide. */
  report(task: Task, status: 'COMPLETED' | 'FAILED', outputData: JsonMap = {}): void {
    const update = applyResultToTask(
      task,
      {
        workflowInstanceId: WORKFLOW_ID,
        taskId: task.taskId,
        status,
        outputData,
        reasonForIncompletion: 'failed',
      },
      this.now,
    );
    if (update.kind !== 'updated') throw new Error(`${task.referenceTaskName}: ${update.kind}`);
    this.store(update.task);
  }

  /** An operator (or the parent) ends the workflow: the core's terminate, committed on its own. */
  terminate(reason: string): void {
    this.workflow = terminate({ workflow: this.workflow, definition: this.definition }, reason, {
      now: this.now,
      taskDefs: lookup(this.taskDefs),
      scripts,
    }).next;
    this.logEnds();
    this.log.push({ terminated: true, reason });
  }

  /** A worker picks the task up, waiting for it to be pollable if it was postponed. */
  poll(task: Task): Task {
    this.now = Math.max(this.now, pollableAt(task));
    const polled = markPolled(task, 'worker', this.now);
    if (!polled) throw new Error(`${task.referenceTaskName} is not pollable`);
    this.store(polled);
    return polled;
  }

  /** The tasks someone outside the decider has to end: workers' tasks, WAITs, children. */
  waiting(): Task[] {
    return this.workflow.tasks.filter(
      (task) => !isTerminalTask(task.status) && ENDED_OUTSIDE.has(typeOf(task.workflowTask)),
    );
  }

  outcomes(): Outcome[] {
    return this.log.filter((entry): entry is Outcome => !('decided' in entry));
  }

  interpret(steps: readonly ReplayStep[] = this.log): ReferenceResult {
    return interpret(this.definition, this.input, steps, {
      taskDefs: lookup(this.taskDefs),
      scripts,
      workflowId: WORKFLOW_ID,
      now: START_TIME,
      maxTaskWrites: this.maxTaskWrites,
    });
  }

  private store(task: Task): void {
    this.workflow = {
      ...this.workflow,
      tasks: this.workflow.tasks.map((existing) => (existing.taskId === task.taskId ? task : existing)),
    };
    this.logEnds();
  }

  private logEnds(): void {
    for (const task of this.workflow.tasks) {
      if (this.logged.has(task.taskId) || !isTerminalTask(task.status)) continue;
      this.logged.add(task.taskId);
      if (!isExternalOutcome(task)) continue;
      this.log.push({
        ref: task.referenceTaskName,
        iteration: task.iteration,
        retryCount: task.retryCount,
        status: task.status,
        outputData: task.outputData,
        reasonForIncompletion: task.reasonForIncompletion,
      });
    }
  }
}

interface DriveOptions {
  /** Store several results before a decide, as concurrent workers do; otherwise decide after each. */
  batched: boolean;
  /** Let workers fail and never answer (timeouts). */
  failures: boolean;
}

/** Ends waiting tasks in a random order until the workflow ends. */
const driveRandomly = (run: CoreRun, random: Random, { batched, failures }: DriveOptions): void => {
  run.settle();
  let unseen = 0;
  for (let turn = 0; turn < 2_000 && run.workflow.status === WorkflowStatus.RUNNING; turn++) {
    const waiting = run.waiting();
    if (waiting.length === 0) {
      run.settle();
      if (run.waiting().length === 0) break;
      continue;
    }
    const task = random.pick(waiting);
    const type = typeOf(task.workflowTask);
    const roll = failures ? random.int(0, 99) : 99;
    if (type === TaskType.WAIT) {
      // The WAIT falls due: the decide that looks at it ends it.
      run.now = Math.max(run.now, task.waitTimeout!);
      run.decideOnce();
      unseen = 0;
      continue;
    }
    if (type === TaskType.SIMPLE && roll < 8) {
      // The worker takes the task and never answers: its response timeout ends it.
      const polled = run.poll(task);
      run.now = polled.updateTime + polled.responseTimeoutSeconds * 1000;
      run.decideOnce();
      unseen = 0;
      continue;
    }
    const picked = type === TaskType.SIMPLE ? run.poll(task) : task;
    run.report(picked, roll < 20 ? 'FAILED' : 'COMPLETED', { n: random.int(0, 9), by: task.taskId });
    unseen += 1;
    if (!batched || unseen >= random.int(1, 4)) {
      if (batched) run.decideOnce();
      else run.settle();
      unseen = 0;
    }
  }
  run.settle();
};

const expectSameFinalState = (run: CoreRun, reference: ReferenceResult): void => {
  expect(compareWithReference(run.workflow, reference)).toEqual([]);
};

describe('isExternalOutcome', () => {
  const ended = (type: string, status: TaskStatus): Task =>
    ({ status, workflowTask: step(type, 'x'), taskType: type }) as Task;

  it('counts what workers, the system-task runner, children and the clock end', () => {
    for (const type of ['SIMPLE', 'HTTP', 'EVENT', 'START_WORKFLOW', 'SUB_WORKFLOW', 'WAIT', 'HUMAN']) {
      expect(isExternalOutcome(ended(type, TaskStatus.COMPLETED)), type).toBe(true);
    }
    expect(isExternalOutcome(ended('SIMPLE', TaskStatus.FAILED))).toBe(true);
    expect(isExternalOutcome(ended('JOIN', TaskStatus.TIMED_OUT))).toBe(true);
  });

  it('leaves out what the decider ends, cancellations, and tasks still running', () => {
    for (const type of ['JOIN', 'SWITCH', 'INLINE', 'DO_WHILE', 'SET_VARIABLE', 'FORK_JOIN', 'TERMINATE']) {
      expect(isExternalOutcome(ended(type, TaskStatus.COMPLETED)), type).toBe(false);
    }
    expect(isExternalOutcome(ended('SIMPLE', TaskStatus.CANCELED))).toBe(false);
    expect(isExternalOutcome(ended('SIMPLE', TaskStatus.IN_PROGRESS))).toBe(false);
  });
});

describe('interpret', () => {
  it.each(['fan-in-out', 'nested-fork-join', 'do-while', 'sub-workflow', 'single-task'])(
    'reproduces fixture %s, completed in a random order, with and without decide points',
    (fixture) => {
      for (const seed of [1, 2, 3]) {
        const run = new CoreRun(loadFixture(fixture), { order: 'o-1' });
        driveRandomly(run, new Random(seed), { batched: seed % 2 === 0, failures: false });
        expect(run.workflow.status).toBe(WorkflowStatus.COMPLETED);
        expectSameFinalState(run, run.interpret());
        expectSameFinalState(run, run.interpret(run.outcomes()));
      }
    },
  );

  it('reproduces a TERMINATE decided from a worker output', () => {
    const run = new CoreRun(loadFixture('terminate-failure'), {});
    run.settle();
    run.report(run.poll(run.task('check')), 'COMPLETED', { ok: false, why: 'no stock' });
    run.settle();
    expect(run.workflow.status).toBe(WorkflowStatus.FAILED);
    const reference = run.interpret(run.outcomes());
    expect(reference).toMatchObject({ kind: 'final', status: 'FAILED', output: { why: 'no stock' } });
    expectSameFinalState(run, reference);
  });

  it('reproduces generated workloads when every task succeeds (each completes), with or without decide points', () => {
    let mostTasks = 0;
    for (const seed of [11, 12, 13, 14]) {
      const workload = generateWorkload(new Random(seed), { workflows: 5, wideForks: seed === 12 });
      for (const [index, start] of workload.starts.entries()) {
        const definition = workload.workflowDefs.find((def) => def.name === start.name)!;
        const run = new CoreRun(definition, start.input, workload.taskDefs, 80);
        driveRandomly(run, new Random(seed * 100 + index), { batched: index % 2 === 0, failures: false });
        expect(run.workflow.status, `seed ${seed} ${start.name}`).toBe(WorkflowStatus.COMPLETED);
        expectSameFinalState(run, run.interpret());
        // Nothing failed, so where the engine decided does not matter.
        expectSameFinalState(run, run.interpret(run.outcomes()));
        mostTasks = Math.max(mostTasks, run.workflow.tasks.length);
      }
    }
    // Seed 12 forks 130 branches, more than one decide may start.
    expect(mostTasks).toBeGreaterThan(130);
  });

  it('reproduces generated workloads with failures, retries and timeouts when given the decide points', () => {
    const endings = new Set<string>();
    for (const seed of [21, 22, 23, 24, 25, 26]) {
      const workload = generateWorkload(new Random(seed), { workflows: 5, wideForks: seed % 2 === 0 });
      for (const [index, start] of workload.starts.entries()) {
        const definition = workload.workflowDefs.find((def) => def.name === start.name)!;
        const run = new CoreRun(definition, start.input, workload.taskDefs, 80);
        driveRandomly(run, new Random(seed * 100 + index), { batched: true, failures: true });
        endings.add(run.workflow.status);
        expect(compareWithReference(run.workflow, run.interpret()), `seed ${seed} ${start.name}`).toEqual([]);
      }
    }
    expect(endings).toContain(WorkflowStatus.COMPLETED);
    expect(endings).toContain(WorkflowStatus.FAILED);
  });

  it('replays a failure and its retry', () => {
    const taskDefs: TaskDef[] = [{ name: 'work', retryCount: 1, retryDelaySeconds: 0 }];
    const run = new CoreRun(
      workflowOf([simple('work')], { outputParameters: { n: '${work.output.n}' } }),
      {},
      taskDefs,
    );
    run.settle();
    run.report(run.poll(run.task('work')), 'FAILED');
    run.settle();
    run.report(run.poll(run.task('work', 1)), 'COMPLETED', { n: 7 });
    run.settle();
    const reference = run.interpret(run.outcomes());
    expect(reference).toEqual({
      kind: 'final',
      status: 'COMPLETED',
      output: { n: 7 },
      tasks: [
        { ref: 'work', iteration: 0, retryCount: 0, status: 'FAILED' },
        { ref: 'work', iteration: 0, retryCount: 1, status: 'COMPLETED' },
      ],
    });
    expectSameFinalState(run, reference);
  });

  it('replays a response timeout as a retried attempt', () => {
    const taskDefs: TaskDef[] = [
      { name: 'work', retryCount: 1, retryDelaySeconds: 0, responseTimeoutSeconds: 5 },
    ];
    const run = new CoreRun(workflowOf([simple('work')]), {}, taskDefs);
    run.settle();
    run.poll(run.task('work'));
    run.now += 5_000;
    run.settle();
    expect(run.task('work', 0).status).toBe(TaskStatus.TIMED_OUT);
    run.report(run.poll(run.task('work', 1)), 'COMPLETED', { n: 1 });
    run.settle();
    expect(run.outcomes().map((outcome) => outcome.status)).toEqual(['TIMED_OUT', 'COMPLETED']);
    expectSameFinalState(run, run.interpret(run.outcomes()));
  });

  it('replays a task timeout under TIME_OUT_WF, which ends the workflow whatever the retries left', () => {
    const taskDefs: TaskDef[] = [
      {
        name: 'work',
        retryCount: 2,
        responseTimeoutSeconds: 10,
        timeoutSeconds: 12,
        timeoutPolicy: 'TIME_OUT_WF',
      },
    ];
    const run = new CoreRun(workflowOf([simple('work'), simple('next')]), {}, taskDefs);
    run.settle();
    const polled = run.poll(run.task('work'));
    // The worker reports progress, which keeps the response timeout away but not the task timeout.
    run.now += 8_000;
    const update = applyResultToTask(
      polled,
      { workflowInstanceId: WORKFLOW_ID, taskId: polled.taskId, status: 'IN_PROGRESS' },
      run.now,
    );
    if (update.kind !== 'updated') throw new Error(update.kind);
    run.workflow = {
      ...run.workflow,
      tasks: run.workflow.tasks.map((task) => (task.taskId === polled.taskId ? update.task : task)),
    };
    run.now += 4_000;
    run.settle();
    expect(run.workflow.status).toBe(WorkflowStatus.TIMED_OUT);
    const reference = run.interpret(run.outcomes());
    expect(reference).toMatchObject({ kind: 'final', status: 'TIMED_OUT' });
    expectSameFinalState(run, reference);
    // Taken for a response timeout instead, the same outcome would have been retried.
    const asResponseTimeout = run
      .outcomes()
      .map((outcome) => ({ ...outcome, reasonForIncompletion: undefined }));
    expect(run.interpret(asResponseTimeout)).toMatchObject({ kind: 'final', status: 'RUNNING' });
  });

  it('replays an optional task’s timeout, stored already COMPLETED_WITH_ERRORS, in the decide that made it', () => {
    const taskDefs: TaskDef[] = ['optional', 'required'].map((name) => ({
      name,
      retryCount: 0,
      responseTimeoutSeconds: 5,
    }));
    const definition = workflowOf([
      step('FORK_JOIN', 'fork', {
        forkTasks: [[simple('optional', { optional: true })], [simple('required')]],
      }),
      step('JOIN', 'join', { joinOn: ['optional', 'required'] }),
    ]);
    const run = new CoreRun(definition, {}, taskDefs);
    run.settle();
    run.poll(run.task('optional'));
    run.poll(run.task('required'));
    run.now += 5_000;
    run.settle();
    expect(run.workflow.status).toBe(WorkflowStatus.TIMED_OUT);
    expect(run.outcomes().map((outcome) => [outcome.ref, outcome.status])).toEqual([
      ['optional', 'COMPLETED_WITH_ERRORS'],
      ['required', 'TIMED_OUT'],
    ]);
    expectSameFinalState(run, run.interpret());
  });

  it('replays a WAIT that fell due where the engine decided it', () => {
    const definition = workflowOf([
      step('WAIT', 'pause', { inputParameters: { duration: '2 seconds' } }),
      simple('after'),
    ]);
    const run = new CoreRun(definition, {});
    run.settle();
    run.now += 2_000;
    run.settle();
    run.report(run.poll(run.task('after')), 'COMPLETED', { n: 3 });
    run.settle();
    expect(run.outcomes().map((outcome) => [outcome.ref, outcome.status])).toEqual([
      ['pause', 'COMPLETED'],
      ['after', 'COMPLETED'],
    ]);
    expectSameFinalState(run, run.interpret(run.outcomes()));
  });

  describe('results stored together before one decide', () => {
    const forkOfTwo = workflowOf([
      step('FORK_JOIN', 'fork', { forkTasks: [[simple('a')], [simple('b'), simple('b_next')]] }),
      step('JOIN', 'join', { joinOn: ['a', 'b_next'] }),
    ]);
    const noRetries: TaskDef[] = ['a', 'b', 'b_next'].map((name) => ({ name, retryCount: 0 }));

    it('reproduces a failure decided together with a sibling’s completion, given the decide points', () => {
      const run = new CoreRun(forkOfTwo, {}, noRetries);
      run.settle();
      run.report(run.poll(run.task('a')), 'FAILED');
      run.report(run.poll(run.task('b')), 'COMPLETED', { n: 1 });
      run.settle();
      expect(run.workflow.status).toBe(WorkflowStatus.FAILED);
      // b ended before the failure was decided, so it stays COMPLETED and b_next never starts.
      expect(run.workflow.tasks.map((task) => task.referenceTaskName)).not.toContain('b_next');
      expectSameFinalState(run, run.interpret());
      // Deciding after every outcome, the reference cancels b before its result arrives.
      expect(run.interpret(run.outcomes())).toEqual({
        kind: 'diverged',
        reason: 'COMPLETED outcome for b (iteration 0, retry 0), which had already ended CANCELED',
      });
    });

    it('tells apart the same outcomes decided one by one', () => {
      const run = new CoreRun(forkOfTwo, {}, noRetries);
      run.settle();
      run.report(run.poll(run.task('b')), 'COMPLETED', { n: 1 });
      run.settle();
      run.report(run.poll(run.task('a')), 'FAILED');
      run.settle();
      expect(run.task('b_next').status).toBe(TaskStatus.CANCELED);
      expectSameFinalState(run, run.interpret());
      expectSameFinalState(run, run.interpret(run.outcomes()));
    });
  });

  describe('a terminated workflow', () => {
    const chain = workflowOf([simple('first'), simple('second')]);

    it('is reproduced when the termination came after the decides', () => {
      const run = new CoreRun(chain, {});
      run.settle();
      run.report(run.poll(run.task('first')), 'COMPLETED', { n: 1 });
      run.settle();
      run.terminate('operator');
      expect(run.task('second').status).toBe(TaskStatus.CANCELED);
      expectSameFinalState(run, run.interpret());
    });

    it('leaves a result stored just before it unacted on, given the decide points', () => {
      const run = new CoreRun(chain, {});
      run.settle();
      run.report(run.poll(run.task('first')), 'COMPLETED', { n: 1 });
      run.terminate('operator');
      run.settle();
      expect(run.workflow.status).toBe(WorkflowStatus.TERMINATED);
      expect(run.workflow.tasks.map((task) => task.referenceTaskName)).toEqual(['first']);
      expectSameFinalState(run, run.interpret());
    });
  });

  it('leaves a result stored while a decide ran for a later decide', () => {
    const run = new CoreRun(workflowOf([simple('first'), simple('second')]), {});
    run.settle();
    run.report(run.poll(run.task('first')), 'COMPLETED', { n: 1 });
    run.settle();
    const second = run.poll(run.task('second'));
    run.decideAround(() => run.report(second, 'COMPLETED', { n: 2 }));
    run.terminate('parent ended');
    run.settle();
    expect(run.workflow.status).toBe(WorkflowStatus.TERMINATED);
    expect(run.task('second').status).toBe(TaskStatus.COMPLETED);
    expectSameFinalState(run, run.interpret());
    // Taken as seen by that decide, the result would have completed the workflow.
    const seenByAll = run.log.map((entry) => ('saw' in entry ? { decided: true as const } : entry));
    expect(compareWithReference(run.workflow, run.interpret(seenByAll))).toContain(
      'workflow status: engine TERMINATED, reference COMPLETED',
    );
  });

  it('reports a divergence for an outcome naming a task the reference never scheduled', () => {
    const run = new CoreRun(workflowOf([simple('only')]), {});
    const outcome: Outcome = {
      ref: 'ghost',
      iteration: 0,
      retryCount: 0,
      status: 'COMPLETED',
      outputData: {},
    };
    expect(run.interpret([outcome])).toEqual({
      kind: 'diverged',
      reason: 'COMPLETED outcome for ghost (iteration 0, retry 0), which the reference never scheduled',
    });
    const completed: Outcome = { ...outcome, ref: 'only', outputData: { n: 1 } };
    expect(run.interpret([completed, { ...completed, status: 'FAILED' }])).toEqual({
      kind: 'diverged',
      reason: 'FAILED outcome for only (iteration 0, retry 0), which had already ended COMPLETED',
    });
  });
});

describe('compareWithReference', () => {
  const completedRun = (): CoreRun => {
    const run = new CoreRun(
      workflowOf([simple('work')], { outputParameters: { n: '${work.output.n}' } }),
      {},
    );
    run.settle();
    run.report(run.poll(run.task('work')), 'COMPLETED', { n: 4 });
    run.settle();
    return run;
  };

  it('finds nothing to report when the states agree', () => {
    const run = completedRun();
    expect(compareWithReference(run.workflow, run.interpret())).toEqual([]);
  });

  it('reports a different status', () => {
    const run = completedRun();
    const engine: Workflow = { ...run.workflow, status: WorkflowStatus.FAILED };
    expect(compareWithReference(engine, run.interpret())).toEqual([
      'workflow status: engine FAILED, reference COMPLETED',
    ]);
  });

  it('reports a different output by its path', () => {
    const run = completedRun();
    const engine: Workflow = { ...run.workflow, output: { n: 5 } };
    expect(compareWithReference(engine, run.interpret())).toEqual(['output.n: engine 5, reference 4']);
  });

  it('reports tasks that differ, and a divergence', () => {
    const run = completedRun();
    const engine: Workflow = {
      ...run.workflow,
      tasks: run.workflow.tasks.map((task) => ({ ...task, status: TaskStatus.FAILED, retryCount: 1 })),
    };
    expect(compareWithReference(engine, run.interpret())).toEqual([
      'task work (iteration 0, retry 1): engine FAILED, reference none',
      'task work (iteration 0, retry 0): engine none, reference COMPLETED',
    ]);
    expect(compareWithReference(engine, { kind: 'diverged', reason: 'because' })).toEqual([
      'the reference run diverged: because',
    ]);
  });

  it('notices a final state that a result missing from the outcomes led to', () => {
    const run = new CoreRun(workflowOf([simple('first'), simple('second')]), {});
    run.settle();
    run.report(run.poll(run.task('first')), 'COMPLETED', { n: 1 });
    run.settle();
    run.report(run.poll(run.task('second')), 'COMPLETED', { n: 2 });
    run.settle();
    const withoutLast = run.log.filter((entry) => !('ref' in entry && entry.ref === 'second'));
    expect(compareWithReference(run.workflow, run.interpret(withoutLast))).toEqual([
      'workflow status: engine COMPLETED, reference RUNNING',
      'output.n: engine 2, reference missing',
      'task second (iteration 0, retry 0): engine COMPLETED, reference SCHEDULED',
    ]);
  });

  it('ignores times, reasons and whether a task was acted on', () => {
    const run = completedRun();
    const engine: Workflow = {
      ...run.workflow,
      endTime: 1,
      reasonForIncompletion: 'whatever',
      tasks: run.workflow.tasks.map((task) => ({
        ...task,
        endTime: 2,
        executed: false,
        reasonForIncompletion: 'x',
      })),
    };
    expect(compareWithReference(engine, run.interpret())).toEqual([]);
  });
});
