// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import type { WorkflowTask } from '../../../lambdas/core/model';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const loopOf = (loopOver: WorkflowTask[], loopCondition: string, extra: Partial<WorkflowTask> = {}) =>
  workflowOf([step('DO_WHILE', 'loop', { loopCondition, loopOver, ...extra }), simple('after')]);

describe('DO_WHILE', () => {
  it('runs the body once before checking the condition, with __N references and the iteration number', async () => {
    const run = await Scenario.start(loopOf([simple('step')], 'false'));
    expect(run.statuses()).toEqual({ loop: 'IN_PROGRESS', step__1: 'SCHEDULED' });
    expect(run.task('step__1')).toMatchObject({ iteration: 1, taskType: 'step', taskDefName: 'step' });
    expect(run.task('loop').outputData).toEqual({ iteration: 1 });
    run.complete('step__1', { v: 1 });
    expect(run.task('loop')).toMatchObject({
      status: 'COMPLETED',
      outputData: { iteration: 1, '1': { step: { v: 1 } } },
    });
    expect(run.task('after').status).toBe('SCHEDULED');
  });

  it("loops while a condition over the body's output holds, keeping each iteration's output", async () => {
    const run = await Scenario.start(loopOf([simple('count')], '$.count.seen < 3'));
    run.complete('count__1', { seen: 1 });
    run.complete('count__2', { seen: 2 });
    expect(run.task('loop').status).toBe('IN_PROGRESS');
    expect(run.task('count__3').iteration).toBe(3);
    run.complete('count__3', { seen: 3 });
    expect(run.task('loop')).toMatchObject({
      status: 'COMPLETED',
      outputData: {
        iteration: 3,
        '1': { count: { seen: 1 } },
        '2': { count: { seen: 2 } },
        '3': { count: { seen: 3 } },
      },
    });
    expect(run.refs()).toEqual(['loop', 'count__1', 'count__2', 'count__3', 'after']);
  });

  it('resolves references between body tasks to the same iteration', async () => {
    const run = await Scenario.start(
      loopOf(
        [
          simple('a', { inputParameters: { n: '${loop.output.iteration}' } }),
          simple('b', { inputParameters: { fromA: '${a.output.v}' } }),
        ],
        "$.loop['iteration'] < 2",
      ),
    );
    run.complete('a__1', { v: 'first' });
    expect(run.task('b__1').inputData).toEqual({ fromA: 'first' });
    run.complete('b__1');
    expect(run.task('a__2').inputData).toEqual({ n: 2 });
    run.complete('a__2', { v: 'second' });
    expect(run.task('b__2').inputData).toEqual({ fromA: 'second' });
  });

  it('gives the condition the loop input', async () => {
    const run = await Scenario.start(
      loopOf([simple('step')], "$.loop['iteration'] < $.times", {
        inputParameters: { times: '${workflow.input.times}' },
      }),
      { input: { times: 2 } },
    );
    run.complete('step__1');
    run.complete('step__2');
    expect(run.task('loop').status).toBe('COMPLETED');
    expect(run.has('step__3')).toBe(false);
  });

  it("keepLastN drops the older iterations' tasks through removedTaskIds and their outputs", async () => {
    const run = await Scenario.start(
      loopOf([simple('step')], "$.loop['iteration'] < 5", { inputParameters: { keepLastN: 2 } }),
    );
    run.complete('step__1', { n: 1 });
    const first = run.task('step__1').taskId;
    run.complete('step__2', { n: 2 });
    expect(run.lastDecide.removedTaskIds).toEqual([]);
    expect(run.has('step__1')).toBe(true);
    run.complete('step__3', { n: 3 });
    expect(run.lastDecide.removedTaskIds).toEqual([first]);
    expect(run.refs()).toEqual(['loop', 'step__2', 'step__3', 'step__4']);
    expect(Object.keys(run.task('loop').outputData).sort()).toEqual(['2', '3', 'iteration']);
    run.complete('step__4', { n: 4 });
    expect(run.refs()).toEqual(['loop', 'step__3', 'step__4', 'step__5']);
  });

  it('keepLastN trims the history after the last iteration too, as Conductor does', async () => {
    const run = await Scenario.start(
      loopOf([simple('step')], "$.loop['iteration'] < 3", { inputParameters: { keepLastN: 2 } }),
    );
    run.complete('step__1');
    run.complete('step__2');
    run.complete('step__3');
    expect(run.task('loop').status).toBe('COMPLETED');
    expect(run.refs()).toEqual(['loop', 'step__2', 'step__3', 'after']);
    expect(Object.keys(run.task('loop').outputData).sort()).toEqual(['2', '3', 'iteration']);
  });

  it('keepLastN also accepts a top-level field on the DO_WHILE and removes every task of an old iteration', async () => {
    const run = await Scenario.start(
      loopOf([simple('a'), simple('b')], "$.loop['iteration'] < 3", { keepLastN: 1 }),
    );
    run.complete('a__1');
    run.complete('b__1');
    expect(run.lastDecide.removedTaskIds).toEqual([]);
    run.complete('a__2');
    run.complete('b__2');
    expect(run.lastDecide.removedTaskIds.sort()).toEqual(['wf-1:a__1:1:0', 'wf-1:b__1:1:0']);
    expect(run.refs()).toEqual(['loop', 'a__2', 'b__2', 'a__3']);
  });

  it('fails the loop and the workflow with a reason when the loopCondition throws', async () => {
    const run = await Scenario.start(loopOf([simple('step')], '$.nothing.here > 1'));
    run.complete('step__1');
    expect(run.task('loop').status).toBe('FAILED');
    expect(run.task('loop').reasonForIncompletion).toMatch(/^loopCondition of loop failed: .+/);
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toBe(run.task('loop').reasonForIncompletion);
    expect(run.has('after')).toBe(false);
  });

  it('fails the workflow and cancels the loop when a body task fails for good', async () => {
    const run = await Scenario.start(loopOf([simple('step')], 'true'), {
      taskDefs: [{ name: 'step', retryCount: 0 }],
    });
    run.fail('step__1', 'bad input');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.failedReferenceTaskNames).toEqual(['step__1']);
    expect(run.task('loop').status).toBe('CANCELED');
  });

  it('runs a SWITCH inside the body and ends the iteration after the chosen case', async () => {
    const run = await Scenario.start(
      loopOf(
        [
          step('SWITCH', 'pick', {
            evaluatorType: 'javascript',
            expression: "$.n % 2 == 1 ? 'odd' : 'even'",
            inputParameters: { n: '${loop.output.iteration}' },
            decisionCases: { odd: [simple('on_odd')], even: [] },
          }),
        ],
        "$.loop['iteration'] < 3",
      ),
    );
    expect(run.task('pick__1').outputData.evaluationResult).toEqual(['odd']);
    run.complete('on_odd__1');
    expect(run.task('pick__2').outputData.evaluationResult).toEqual(['even']);
    expect(run.task('pick__3').status).toBe('COMPLETED');
    run.complete('on_odd__3');
    expect(run.task('loop').status).toBe('COMPLETED');
    expect(run.refs()).toEqual(['loop', 'pick__1', 'on_odd__1', 'pick__2', 'pick__3', 'on_odd__3', 'after']);
  });

  it("ends an iteration on the newest attempt of a retried body task, with that attempt's output", async () => {
    const run = await Scenario.start(loopOf([simple('step')], 'false'), {
      taskDefs: [{ name: 'step', retryCount: 1, retryDelaySeconds: 0 }],
    });
    run.fail('step__1', 'flaky');
    expect(run.task('loop').status).toBe('IN_PROGRESS');
    run.complete('step__1', { v: 'retried' });
    expect(run.task('loop')).toMatchObject({
      status: 'COMPLETED',
      outputData: { '1': { step: { v: 'retried' } } },
    });
  });

  it("runs a FORK inside the body once per iteration, joining that iteration's branches", async () => {
    const run = await Scenario.start(
      loopOf(
        [
          step('FORK_JOIN', 'fork', { forkTasks: [[simple('a')], [simple('b')]] }),
          step('JOIN', 'join', { joinOn: ['a', 'b'] }),
        ],
        "$.loop['iteration'] < 2",
      ),
    );
    expect(run.statuses()).toEqual({
      loop: 'IN_PROGRESS',
      fork__1: 'COMPLETED',
      a__1: 'SCHEDULED',
      b__1: 'SCHEDULED',
      join__1: 'IN_PROGRESS',
    });
    expect(run.task('join__1').inputData.joinOn).toEqual(['a__1', 'b__1']);
    run.complete('a__1', { x: 1 });
    run.complete('b__1', { x: 2 });
    expect(run.task('join__1').outputData).toEqual({ a__1: { x: 1 }, b__1: { x: 2 } });
    expect(run.task('join__2')).toMatchObject({
      status: 'IN_PROGRESS',
      iteration: 2,
      inputData: { joinOn: ['a__2', 'b__2'] },
    });
    run.complete('b__2', { x: 4 });
    expect(run.task('loop').status).toBe('IN_PROGRESS');
    run.complete('a__2', { x: 3 });
    expect(run.task('loop').status).toBe('COMPLETED');
    expect(run.task('loop').outputData).toMatchObject({ '2': { a: { x: 3 }, b: { x: 4 } } });
    expect(run.task('after').status).toBe('SCHEDULED');
  });
});
