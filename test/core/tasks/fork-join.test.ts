import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const forkOf = (branches: ReturnType<typeof simple>[][], joinOn: string[]) =>
  workflowOf([
    step('FORK_JOIN', 'fork', { forkTasks: branches }),
    step('JOIN', 'join', { joinOn }),
    simple('after'),
  ]);

describe('FORK_JOIN', () => {
  it('completes at once as a FORK task, starts every branch and schedules the JOIN IN_PROGRESS', async () => {
    const run = await Scenario.start(forkOf([[simple('a')], [simple('b')], [simple('c')]], ['a', 'b', 'c']));
    expect(run.statuses()).toEqual({
      fork: 'COMPLETED',
      a: 'SCHEDULED',
      b: 'SCHEDULED',
      c: 'SCHEDULED',
      join: 'IN_PROGRESS',
    });
    expect(run.task('fork').taskType).toBe('FORK');
    expect(run.effectsOf('scheduleWorkerTask').map((effect) => effect.taskType)).toEqual(['a', 'b', 'c']);
  });

  it('starts the next task of a branch only when the previous one completes', async () => {
    const run = await Scenario.start(forkOf([[simple('a1'), simple('a2')], [simple('b')]], ['a2', 'b']));
    expect(run.has('a2')).toBe(false);
    run.complete('b');
    expect(run.has('a2')).toBe(false);
    run.complete('a1');
    expect(run.task('a2').status).toBe('SCHEDULED');
  });

  it('lets an empty branch pass without scheduling anything', async () => {
    const run = await Scenario.start(forkOf([[simple('a')], []], ['a']));
    expect(run.refs()).toEqual(['fork', 'a', 'join']);
    run.complete('a', { x: 1 });
    expect(run.task('join').outputData).toEqual({ a: { x: 1 } });
    expect(run.task('after').status).toBe('SCHEDULED');
  });

  it('runs a nested FORK_JOIN inside a branch', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('FORK_JOIN', 'outer', {
          forkTasks: [
            [
              step('FORK_JOIN', 'inner', { forkTasks: [[simple('x')], [simple('y')]] }),
              step('JOIN', 'inner_join', { joinOn: ['x', 'y'] }),
            ],
            [simple('z')],
          ],
        }),
        step('JOIN', 'outer_join', { joinOn: ['inner_join', 'z'] }),
      ]),
    );
    expect(run.statuses()).toMatchObject({ x: 'SCHEDULED', y: 'SCHEDULED', z: 'SCHEDULED' });
    run.complete('x', { v: 'x' });
    run.complete('y', { v: 'y' });
    expect(run.task('inner_join').status).toBe('COMPLETED');
    expect(run.task('outer_join').status).toBe('IN_PROGRESS');
    run.complete('z', { v: 'z' });
    expect(run.task('outer_join').outputData).toEqual({
      inner_join: { x: { v: 'x' }, y: { v: 'y' } },
      z: { v: 'z' },
    });
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('fails the workflow and cancels the other branches and the JOIN when a branch task fails for good', async () => {
    const run = await Scenario.start(forkOf([[simple('a')], [simple('b')]], ['a', 'b']), {
      taskDefs: [{ name: 'b', retryCount: 0 }],
    });
    run.fail('b', 'broken');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.statuses()).toEqual({ fork: 'COMPLETED', a: 'CANCELED', b: 'FAILED', join: 'CANCELED' });
    expect(run.effectsOf('cancelTask')).toEqual([
      { type: 'cancelTask', taskId: run.task('a').taskId, taskType: 'a' },
    ]);
  });
});
