// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import { loadFixture, Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const dynamicFork = workflowOf([
  simple('prepare'),
  step('FORK_JOIN_DYNAMIC', 'dyn_fork', {
    inputParameters: {
      dynamicTasks: '${prepare.output.dynamicTasks}',
      dynamicTasksInput: '${prepare.output.dynamicTasksInput}',
    },
    dynamicForkTasksParam: 'dynamicTasks',
    dynamicForkTasksInputParamName: 'dynamicTasksInput',
  }),
  step('JOIN', 'dyn_join'),
  simple('after', { inputParameters: { joined: '${dyn_join.output}' } }),
]);

describe('FORK_JOIN_DYNAMIC', () => {
  it('forks one task per listed entry, each with its own input, and keeps what it forked in its input', async () => {
    const run = await Scenario.start(dynamicFork);
    run.complete('prepare', {
      dynamicTasks: [
        { name: 'resize', taskReferenceName: 'small' },
        { name: 'resize', taskReferenceName: 'large' },
      ],
      dynamicTasksInput: { small: { width: 100 }, large: { width: 2000 } },
    });
    expect(run.task('dyn_fork')).toMatchObject({
      status: 'COMPLETED',
      taskType: 'FORK',
      // As in Conductor, the fork keeps its resolved input: the listed tasks and their inputs.
      inputData: {
        dynamicTasks: [
          { name: 'resize', taskReferenceName: 'small' },
          { name: 'resize', taskReferenceName: 'large' },
        ],
        dynamicTasksInput: { small: { width: 100 }, large: { width: 2000 } },
      },
    });
    expect(run.task('small')).toMatchObject({
      status: 'SCHEDULED',
      taskType: 'resize',
      inputData: { width: 100 },
    });
    expect(run.task('large')).toMatchObject({
      status: 'SCHEDULED',
      taskType: 'resize',
      inputData: { width: 2000 },
    });
    expect(run.task('dyn_join')).toMatchObject({
      status: 'IN_PROGRESS',
      inputData: { joinOn: ['small', 'large'] },
    });
  });

  it('completes the JOIN with each forked output once all forked tasks complete', async () => {
    const run = await Scenario.start(dynamicFork);
    run.complete('prepare', {
      dynamicTasks: [
        { name: 'resize', taskReferenceName: 'small' },
        { name: 'resize', taskReferenceName: 'large' },
      ],
      dynamicTasksInput: {},
    });
    run.complete('small', { url: 's.png' });
    expect(run.task('dyn_join').status).toBe('IN_PROGRESS');
    run.complete('large', { url: 'l.png' });
    expect(run.task('after').inputData).toEqual({
      joined: { small: { url: 's.png' }, large: { url: 'l.png' } },
    });
  });

  it('resolves the inputParameters of a forked task that has no entry in the input map', async () => {
    const run = await Scenario.start(dynamicFork, { input: { bucket: 'photos' } });
    run.complete('prepare', {
      dynamicTasks: [
        {
          name: 'resize',
          taskReferenceName: 'small',
          inputParameters: { bucket: '${workflow.input.bucket}' },
        },
      ],
    });
    expect(run.task('small').inputData).toEqual({ bucket: 'photos' });
  });

  it('completes the JOIN at once with an empty output when the list is empty', async () => {
    const run = await Scenario.start(dynamicFork);
    run.complete('prepare', { dynamicTasks: [], dynamicTasksInput: {} });
    expect(run.task('dyn_join')).toMatchObject({ status: 'COMPLETED', outputData: {} });
    expect(run.task('after').status).toBe('SCHEDULED');
  });

  it('forks tasks of other types, such as a NOOP that completes at once', async () => {
    const run = await Scenario.start(dynamicFork);
    run.complete('prepare', {
      dynamicTasks: [
        { name: 'noop', taskReferenceName: 'nothing', type: 'NOOP' },
        { name: 'resize', taskReferenceName: 'small' },
      ],
    });
    expect(run.task('nothing').status).toBe('COMPLETED');
    run.complete('small', { url: 's.png' });
    expect(run.task('dyn_join').outputData).toEqual({ nothing: {}, small: { url: 's.png' } });
  });

  it('fails when a forked reference is already used in the definition', async () => {
    const run = await Scenario.start(dynamicFork);
    run.complete('prepare', { dynamicTasks: [{ name: 'resize', taskReferenceName: 'after' }] });
    expect(run.task('dyn_fork').status).toBe('FAILED');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toBe(
      'dyn_fork: forked task reference "after" is already used in this workflow',
    );
  });

  it('fails when two forked tasks share a reference', async () => {
    const run = await Scenario.start(dynamicFork);
    run.complete('prepare', {
      dynamicTasks: [
        { name: 'resize', taskReferenceName: 'twice' },
        { name: 'resize', taskReferenceName: 'twice' },
      ],
    });
    expect(run.workflow.reasonForIncompletion).toContain('"twice" is already used');
  });

  it('fails when a forked task is a container such as FORK_JOIN', async () => {
    const run = await Scenario.start(dynamicFork);
    run.complete('prepare', {
      dynamicTasks: [{ name: 'f', taskReferenceName: 'inner_fork', type: 'FORK_JOIN', forkTasks: [] }],
    });
    expect(run.workflow.reasonForIncompletion).toContain('cannot be forked dynamically');
  });

  it('fails when a listed entry has no taskReferenceName', async () => {
    const run = await Scenario.start(dynamicFork);
    run.complete('prepare', { dynamicTasks: [{ name: 'resize' }] });
    expect(run.workflow.reasonForIncompletion).toBe(
      'dyn_fork: forked task 0 needs a name and a taskReferenceName',
    );
  });
});

describe('a dynamic fork too wide for one commit', () => {
  it('starts its branches over several decides, then schedules the JOIN on all of them', async () => {
    const run = await Scenario.start(loadFixture('dynamic-fork'), { maxTaskWrites: 30 });
    const width = 100;
    run.complete('prepare', {
      dynamicTasks: Array.from({ length: width }, (_, i) => ({
        name: 'work',
        taskReferenceName: `work_${i}`,
      })),
      dynamicTasksInput: {},
    });
    expect(run.task('dyn_fork').status).toBe('IN_PROGRESS');
    expect(run.lastDecide.changedTasks.length).toBeLessThanOrEqual(30);
    expect(run.effectsOf('continueDecide').length).toBeGreaterThan(0);
    for (let decides = 0; run.task('dyn_fork').status === 'IN_PROGRESS' && decides < 10; decides++) {
      run.decide();
      expect(run.lastDecide.changedTasks.length).toBeLessThanOrEqual(30);
    }
    expect(run.task('dyn_fork').status).toBe('COMPLETED');
    expect(run.refs().filter((ref) => ref.startsWith('work_'))).toHaveLength(width);
    expect((run.task('dyn_join').inputData.joinOn as string[]).length).toBe(width);
    for (let i = 0; i < width; i++)
      run.report(`work_${i}`, { status: 'COMPLETED', outputData: { i } }, { decide: false });
    run.decide();
    while (
      run.workflow.status === 'RUNNING' &&
      run.lastDecide.effects.some((e) => e.type === 'continueDecide')
    ) {
      run.decide();
    }
    expect(run.workflow.status).toBe('COMPLETED');
    expect(Object.keys(run.task('dyn_join').outputData)).toHaveLength(width);
  });
});

describe('a workflow that ends with more active tasks than one commit holds', () => {
  it('cancels them over several decides', async () => {
    const run = await Scenario.start(loadFixture('dynamic-fork'), { maxTaskWrites: 30 });
    run.complete('prepare', {
      dynamicTasks: Array.from({ length: 60 }, (_, i) => ({ name: 'work', taskReferenceName: `work_${i}` })),
      dynamicTasksInput: {},
    });
    while (run.task('dyn_fork').status === 'IN_PROGRESS') run.decide();
    run.fail('work_0', 'broken', 'FAILED_WITH_TERMINAL_ERROR');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.lastDecide.changedTasks.length).toBeLessThanOrEqual(30);
    const active = () =>
      run.workflow.tasks.filter((t) => t.status === 'SCHEDULED' || t.status === 'IN_PROGRESS');
    for (let decides = 0; decides < 10 && active().length > 0; decides++) {
      run.decide();
      expect(run.lastDecide.changedTasks.length).toBeLessThanOrEqual(30);
    }
    expect(active()).toEqual([]);
    run.decide();
    expect(run.lastDecide.changedTasks).toEqual([]);
  });
});
