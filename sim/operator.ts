import { isTerminalTask, isTerminalWorkflow, type Workflow } from '../lambdas/core/model';
import type { RerunRequest, SkipTaskRequest } from '../lambdas/core/operations';
import type { InvariantChecks } from './invariants';
import { httpCallOf, OPERATION_KINDS, type OperationKind, type OperatorRequest } from './operator-requests';
import type { Random } from './random';
import type { SimRuntime } from './runtime';

/** Per kind: requests made, and how the API answered them (a 5xx is sent again, a few times). */
export interface OperationCounts {
  issued: number;
  applied: number;
  refused: number;
  failed: number;
}

export interface OperatorOptions {
  /** The share of started workflows the operator picks to operate on. */
  share: number;
}

type Story = (workflowId: string) => Promise<void>;

/** A second story on the same workflow, after the first: a restart after a retry, and so on. */
const ANOTHER_STORY_CHANCE = 0.35;
const RETRIES_ON_5XX = 4;

/**
 * An operator at the Conductor REST API, while faults are on: on a random share of the started
 * workflows it pauses and resumes, skips a task, reruns from a task, terminates and retries,
 * retries or restarts what ended, asks for a decide, or fires any operation at a random moment,
 * whatever the workflow's state. Refusals (409, 400) are outcomes like any other, counted. Every
 * request goes through the real API handler, as a worker's does, with the same faults; every draw
 * comes from the operator's own random source. It resumes whatever it paused, faults on or off,
 * and issues nothing else once faults are off.
 */
export class Operator {
  readonly counts = Object.fromEntries(
    OPERATION_KINDS.map((kind) => [kind, { issued: 0, applied: 0, refused: 0, failed: 0 }]),
  ) as Record<OperationKind, OperationCounts>;
  private acting = 0;
  private readonly stories: ReadonlyArray<readonly [Story, number]> = [
    [(id) => this.pauseThenResume(id), 3],
    [(id) => this.skipATask(id), 2],
    [(id) => this.rerunFromATask(id), 2],
    [(id) => this.terminateThenRetry(id), 2],
    [(id) => this.retryOnceEnded(id), 1],
    [(id) => this.restartOnceEnded(id), 2],
    [(id) => this.decideNow(id), 1],
    [(id) => this.anythingAnyTime(id), 2],
  ];

  constructor(
    private readonly runtime: SimRuntime,
    private readonly checks: InvariantChecks,
    private readonly random: Random,
    private readonly options: OperatorOptions,
  ) {}

  /** A workflow the run started; the operator may pick it. */
  adopt(workflowId: string): void {
    if (!this.random.chance(this.options.share)) return;
    const stories = [this.pickStory()];
    if (this.random.chance(ANOTHER_STORY_CHANCE)) stories.push(this.pickStory());
    this.acting += 1;
    void (async () => {
      for (const story of stories) await story(workflowId);
      this.acting -= 1;
    })();
  }

  /** Nothing left to do or waiting for an answer. */
  idle(): boolean {
    return this.acting === 0;
  }

  private async pauseThenResume(workflowId: string): Promise<void> {
    await this.sleep(0, 4_000);
    if (!this.faultsOn()) return;
    await this.send(workflowId, { kind: 'pause' });
    await this.sleep(200, 8_000);
    // Whatever the pause's answer (a crash may hide that it took effect), the workflow is resumed.
    await this.send(workflowId, { kind: 'resume' }, { untilAnswered: true });
  }

  private async skipATask(workflowId: string): Promise<void> {
    await this.sleep(200, 6_000);
    const workflow = this.peek(workflowId);
    if (!workflow || !this.faultsOn()) return;
    const active = workflow.tasks.filter((task) => !isTerminalTask(task.status));
    const candidates = this.random.chance(0.8) && active.length > 0 ? active : workflow.tasks;
    const ref = candidates.length > 0 ? this.random.pick(candidates).referenceTaskName : 'no_such_task';
    const request: SkipTaskRequest = {};
    if (this.random.chance(0.6)) request.taskOutput = { n: this.random.int(0, 9), skipped: true };
    if (this.random.chance(0.3)) request.taskInput = { skippedBy: 'sim-operator' };
    await this.send(workflowId, { kind: 'skip', ref, request });
  }

  private async rerunFromATask(workflowId: string): Promise<void> {
    if (this.random.chance(0.5)) await this.untilEnded(workflowId);
    else await this.sleep(500, 8_000);
    const workflow = this.peek(workflowId);
    if (!workflow || !this.faultsOn()) return;
    // Any attempt, a replaced one too: a client re-sending a rerun whose answer it lost names one.
    const targets = workflow.tasks;
    const request: RerunRequest = {};
    if (targets.length > 0 && this.random.chance(0.85)) {
      request.reRunFromTaskId = this.random.pick(targets).taskId;
    }
    if (this.random.chance(0.4)) request.taskInput = { n: this.random.int(0, 1000), rerun: true };
    // The new input keeps what the definition reads (switch cases, dynamic fork lists).
    if (this.random.chance(0.3)) request.workflowInput = { ...workflow.input, n: this.random.int(0, 1000) };
    if (this.random.chance(0.1)) request.correlationId = `${workflow.correlationId ?? 'sim'}-rerun`;
    await this.send(workflowId, { kind: 'rerun', request });
  }

  private async terminateThenRetry(workflowId: string): Promise<void> {
    await this.sleep(200, 6_000);
    if (!this.faultsOn()) return;
    await this.send(workflowId, { kind: 'terminate', reason: 'stopped by the simulated operator' });
    if (!(await this.untilEnded(workflowId))) return;
    await this.send(workflowId, { kind: 'retry', resumeSubworkflowTasks: this.random.chance(0.5) });
  }

  private async retryOnceEnded(workflowId: string): Promise<void> {
    if (!(await this.untilEnded(workflowId))) return;
    await this.send(workflowId, { kind: 'retry', resumeSubworkflowTasks: this.random.chance(0.5) });
  }

  private async restartOnceEnded(workflowId: string): Promise<void> {
    if (!(await this.untilEnded(workflowId))) return;
    const useLatestDefinitions = this.random.chance(0.4);
    if (useLatestDefinitions) await this.registerNextVersion(workflowId);
    await this.send(workflowId, { kind: 'restart', useLatestDefinitions });
  }

  private async decideNow(workflowId: string): Promise<void> {
    const decides = this.random.int(1, 3);
    for (let i = 0; i < decides && this.faultsOn(); i++) {
      await this.sleep(0, 5_000);
      await this.send(workflowId, { kind: 'decide' });
    }
  }

  /** Any operation but a pause (which must be followed by a resume), at a moment that may not suit it. */
  private async anythingAnyTime(workflowId: string): Promise<void> {
    await this.sleep(0, 10_000);
    const workflow = this.peek(workflowId);
    if (!workflow || !this.faultsOn()) return;
    const someTask = workflow.tasks.length > 0 ? this.random.pick(workflow.tasks) : undefined;
    const rerunFrom = someTask;
    const requests: OperatorRequest[] = [
      { kind: 'resume' },
      { kind: 'retry', resumeSubworkflowTasks: this.random.chance(0.5) },
      { kind: 'restart', useLatestDefinitions: false },
      { kind: 'rerun', request: rerunFrom ? { reRunFromTaskId: rerunFrom.taskId } : {} },
      { kind: 'skip', ref: someTask?.referenceTaskName ?? 'no_such_task', request: {} },
      { kind: 'terminate', reason: 'stopped at a random moment' },
      { kind: 'decide' },
    ];
    await this.send(workflowId, this.random.pick(requests));
  }

  /**
   * The workflow's definition again as version 2, with one more output: a restart with
   * useLatestDefinitions then runs it, and its output tells which definition ran.
   */
  private async registerNextVersion(workflowId: string): Promise<void> {
    const stored = this.runtime.store.inner.peek(workflowId);
    if (!stored) return;
    const { definition } = stored;
    await this.runtime.metadata.inner.putWorkflowDef({
      ...definition,
      version: (definition.version ?? 1) + 1,
      outputParameters: { ...definition.outputParameters, definitionVersion: (definition.version ?? 1) + 1 },
    });
  }

  /**
   * Sends until answered; a 5xx (a crash, a busy workflow) is sent again, a few times or until
   * answered. A rerun whose reply was lost may have taken effect: it is sent again only if its
   * target is still one to rerun from.
   */
  private async send(
    workflowId: string,
    request: OperatorRequest,
    { untilAnswered = false } = {},
  ): Promise<void> {
    const counts = this.counts[request.kind];
    counts.issued += 1;
    const call = httpCallOf(workflowId, request);
    for (let attempt = 0; ; attempt++) {
      const answer = await this.runtime.api(call.method, call.path, {
        query: call.query,
        body: call.body,
        observe: (process) => this.checks.operationIssued(process, workflowId, request),
      });
      this.runtime.world.record(`operator ${request.kind} ${workflowId}: ${answer.statusCode}`);
      if (answer.statusCode < 300) {
        counts.applied += 1;
        return;
      }
      if (answer.statusCode < 500 && answer.statusCode !== 429) {
        counts.refused += 1;
        return;
      }
      counts.failed += 1;
      if (!untilAnswered && attempt >= RETRIES_ON_5XX) return;
      await this.sleep(200 * 2 ** Math.min(attempt, 4), 400 * 2 ** Math.min(attempt, 4));
    }
  }

  /** Waits while faults are on for the workflow to end; whether it did. */
  private async untilEnded(workflowId: string): Promise<boolean> {
    for (;;) {
      if (!this.faultsOn()) return false;
      const workflow = this.peek(workflowId);
      if (!workflow) return false;
      if (isTerminalWorkflow(workflow.status)) return true;
      await this.sleep(200, 1_000);
    }
  }

  /** What an operator's UI shows of the workflow now. */
  private peek(workflowId: string): Workflow | undefined {
    return this.runtime.store.inner.peek(workflowId)?.workflow;
  }

  private faultsOn(): boolean {
    return this.runtime.world.faultsOn;
  }

  private sleep(min: number, max: number): Promise<void> {
    return this.runtime.world.sleep(this.random.int(min, max));
  }

  private pickStory(): Story {
    const total = this.stories.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.random.int(1, total);
    for (const [story, weight] of this.stories) {
      draw -= weight;
      if (draw <= 0) return story;
    }
    throw new Error('no story to pick');
  }
}
