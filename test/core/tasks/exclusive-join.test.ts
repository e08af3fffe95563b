// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const switchThenJoin = workflowOf([
  step('SWITCH', 'route', {
    evaluatorType: 'value-param',
    expression: 'value',
    inputParameters: { value: '${workflow.input.value}' },
    decisionCases: { a: [simple('task_a')], b: [simple('task_b1'), simple('task_b2')] },
    defaultCase: [simple('task_default')],
  }),
  step('EXCLUSIVE_JOIN', 'ex_join', {
    joinOn: ['task_a', 'task_b2'],
    defaultExclusiveJoinTask: ['task_default'],
  }),
  simple('after', { inputParameters: { joined: '${ex_join.output}' } }),
]);

describe('EXCLUSIVE_JOIN', () => {
  it('completes with the output of the SWITCH branch that ran', async () => {
    const run = await Scenario.start(switchThenJoin, { input: { value: 'a' } });
    expect(run.has('ex_join')).toBe(false);
    run.complete('task_a', { picked: 'a' });
    expect(run.task('ex_join')).toMatchObject({
      status: 'COMPLETED',
      taskType: 'EXCLUSIVE_JOIN',
      outputData: { picked: 'a' },
    });
    expect(run.task('after').inputData).toEqual({ joined: { picked: 'a' } });
  });

  it('waits for the last task of a longer branch', async () => {
    const run = await Scenario.start(switchThenJoin, { input: { value: 'b' } });
    run.complete('task_b1', { step: 1 });
    expect(run.has('ex_join')).toBe(false);
    run.complete('task_b2', { step: 2 });
    expect(run.task('ex_join').outputData).toEqual({ step: 2 });
  });

  it('takes the output of defaultExclusiveJoinTask when the default case ran', async () => {
    const run = await Scenario.start(switchThenJoin, { input: { value: 'zzz' } });
    run.complete('task_default', { picked: 'default' });
    expect(run.task('ex_join')).toMatchObject({ status: 'COMPLETED', outputData: { picked: 'default' } });
  });

  it('completes empty when the chosen case had no task to join', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('SWITCH', 'route', {
          evaluatorType: 'value-param',
          expression: 'value',
          inputParameters: { value: 'skip' },
          decisionCases: { skip: [], a: [simple('task_a')] },
        }),
        step('EXCLUSIVE_JOIN', 'ex_join', { joinOn: ['task_a'] }),
      ]),
    );
    expect(run.task('ex_join')).toMatchObject({ status: 'COMPLETED', outputData: {} });
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('carries on when the joined task was optional and failed', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('SWITCH', 'route', {
          evaluatorType: 'value-param',
          expression: 'value',
          inputParameters: { value: 'a' },
          decisionCases: { a: [simple('task_a', { optional: true, retryCount: 0 })] },
        }),
        step('EXCLUSIVE_JOIN', 'ex_join', { joinOn: ['task_a'] }),
        simple('after'),
      ]),
    );
    run.fail('task_a', 'skipped');
    expect(run.task('task_a').status).toBe('COMPLETED_WITH_ERRORS');
    expect(run.task('ex_join').status).toBe('COMPLETED');
    expect(run.task('after').status).toBe('SCHEDULED');
  });
});
