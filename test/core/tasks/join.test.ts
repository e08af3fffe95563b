import { describe, expect, it } from 'vitest';
import type { WorkflowTask } from '../../../lambdas/core/model';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const forkJoin = (branches: WorkflowTask[][], joinOn: string[]) =>
  workflowOf([
    step('FORK_JOIN', 'fork', { forkTasks: branches }),
    step('JOIN', 'join', { joinOn }),
    simple('after'),
  ]);

describe('JOIN', () => {
  it('waits for every joined task and outputs a map from each reference to its output', async () => {
    const run = await Scenario.start(forkJoin([[simple('a')], [simple('b')]], ['a', 'b']));
    expect(run.task('join').inputData).toEqual({ joinOn: ['a', 'b'] });
    run.complete('b', { n: 2 });
    expect(run.task('join').status).toBe('IN_PROGRESS');
    expect(run.has('after')).toBe(false);
    run.complete('a', { n: 1 });
    expect(run.task('join')).toMatchObject({ status: 'COMPLETED', outputData: { a: { n: 1 }, b: { n: 2 } } });
    expect(run.task('after').status).toBe('SCHEDULED');
  });

  it('completes when an optional joined task fails, which ends COMPLETED_WITH_ERRORS', async () => {
    const run = await Scenario.start(
      forkJoin([[simple('a')], [simple('b', { optional: true, retryCount: 0 })]], ['a', 'b']),
    );
    run.fail('b', 'not needed anyway');
    expect(run.task('b').status).toBe('COMPLETED_WITH_ERRORS');
    expect(run.workflow.status).toBe('RUNNING');
    run.complete('a', { n: 1 });
    expect(run.task('join').status).toBe('COMPLETED');
    expect(run.task('join').outputData).toEqual({ a: { n: 1 }, b: {} });
  });

  it('waits only for the tasks it joins on, and the workflow completes once the rest have ended too', async () => {
    const run = await Scenario.start(forkJoin([[simple('a')], [simple('b')]], ['a']));
    run.complete('a', { n: 1 });
    expect(run.task('join')).toMatchObject({ status: 'COMPLETED', outputData: { a: { n: 1 } } });
    expect(run.task('b').status).toBe('SCHEDULED');
    run.complete('after', { done: true });
    expect(run.workflow.status).toBe('RUNNING');
    run.complete('b');
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it("joins on the newest attempt of a retried task and takes that attempt's output", async () => {
    const run = await Scenario.start(forkJoin([[simple('a')], [simple('b')]], ['a', 'b']), {
      taskDefs: [{ name: 'a', retryCount: 1, retryDelaySeconds: 0 }],
    });
    run.complete('b', { n: 2 });
    run.fail('a', 'flaky');
    expect(run.task('join').status).toBe('IN_PROGRESS');
    expect(run.task('a').retryCount).toBe(1);
    run.complete('a', { n: 'second try' });
    expect(run.task('join').outputData).toEqual({ a: { n: 'second try' }, b: { n: 2 } });
  });

  it('joins on the last task of a longer branch', async () => {
    const run = await Scenario.start(forkJoin([[simple('a1'), simple('a2')], [simple('b')]], ['a2', 'b']));
    run.complete('b');
    run.complete('a1');
    expect(run.task('join').status).toBe('IN_PROGRESS');
    run.complete('a2', { last: true });
    expect(run.task('join').outputData).toEqual({ a2: { last: true }, b: {} });
  });
});
