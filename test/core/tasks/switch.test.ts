// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import type { WorkflowTask } from '../../../lambdas/core/model';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

/** SWITCH on `workflow.input.value` with the given cases, then `after`. */
const switchOn = (decisionCases: Record<string, WorkflowTask[]>, extra: Partial<WorkflowTask> = {}) =>
  workflowOf([
    step('SWITCH', 'route', {
      evaluatorType: 'value-param',
      expression: 'value',
      inputParameters: { value: '${workflow.input.value}' },
      decisionCases,
      defaultCase: [simple('fallback')],
      ...extra,
    }),
    simple('after'),
  ]);

const abCases = { a: [simple('task_a')], b: [simple('task_b')] };

describe('SWITCH with value-param', () => {
  it('schedules the case named by the value of the expression input', async () => {
    const run = await Scenario.start(switchOn(abCases), { input: { value: 'b' } });
    expect(run.statuses()).toEqual({ route: 'COMPLETED', task_b: 'SCHEDULED' });
    expect(run.task('route')).toMatchObject({
      taskType: 'SWITCH',
      inputData: { value: 'b', case: 'b' },
      outputData: { evaluationResult: ['b'], selectedCase: 'b' },
    });
  });

  it('schedules the default case when no SWITCH case matches', async () => {
    const run = await Scenario.start(switchOn(abCases), { input: { value: 'zzz' } });
    expect(run.statuses()).toEqual({ route: 'COMPLETED', fallback: 'SCHEDULED' });
    expect(run.task('route').outputData).toEqual({ evaluationResult: ['zzz'], selectedCase: 'default' });
  });

  it('schedules the default case when the value is missing', async () => {
    const run = await Scenario.start(switchOn(abCases));
    expect(run.task('fallback').status).toBe('SCHEDULED');
  });

  it('carries on after the SWITCH once the last task of the chosen case completes', async () => {
    const run = await Scenario.start(switchOn({ a: [simple('a1'), simple('a2')] }), {
      input: { value: 'a' },
    });
    run.complete('a1');
    expect(run.has('after')).toBe(false);
    run.complete('a2');
    expect(run.task('after').status).toBe('SCHEDULED');
    expect(run.has('fallback')).toBe(false);
  });

  it('carries on after the SWITCH at once when the chosen case is empty', async () => {
    const run = await Scenario.start(switchOn({ skip: [] }), { input: { value: 'skip' } });
    expect(run.statuses()).toEqual({ route: 'COMPLETED', after: 'SCHEDULED' });
  });

  it('carries on after the SWITCH when nothing matches and there is no default case', async () => {
    const run = await Scenario.start(switchOn(abCases, { defaultCase: undefined }), {
      input: { value: 'c' },
    });
    expect(run.statuses()).toEqual({ route: 'COMPLETED', after: 'SCHEDULED' });
  });

  it('matches a number value against a case key written as digits', async () => {
    const run = await Scenario.start(switchOn({ '1': [simple('one')], '2': [simple('two')] }), {
      input: { value: 2 },
    });
    expect(run.task('two').status).toBe('SCHEDULED');
    expect(run.task('route').outputData.evaluationResult).toEqual(['2']);
  });

  it('matches boolean values against the case keys "true" and "false"', async () => {
    const cases = { true: [simple('yes')], false: [simple('no')] };
    const yes = await Scenario.start(switchOn(cases), { input: { value: true } });
    expect(yes.has('yes')).toBe(true);
    const no = await Scenario.start(switchOn(cases), { input: { value: false } });
    expect(no.has('no')).toBe(true);
  });

  it('matches a null value against the case key "null"', async () => {
    const run = await Scenario.start(switchOn({ null: [simple('nothing')], a: [simple('task_a')] }), {
      input: { value: null },
    });
    expect(run.task('nothing').status).toBe('SCHEDULED');
    expect(run.task('route').outputData.evaluationResult).toEqual(['null']);
  });

  it('runs a nested SWITCH inside a case and carries on after the outer one', async () => {
    const inner = step('SWITCH', 'inner', {
      evaluatorType: 'value-param',
      expression: 'v',
      inputParameters: { v: '${workflow.input.inner}' },
      decisionCases: { x: [simple('inner_x')] },
    });
    const run = await Scenario.start(switchOn({ a: [inner] }), { input: { value: 'a', inner: 'x' } });
    run.complete('inner_x');
    expect(run.task('after').status).toBe('SCHEDULED');
  });
});

describe('SWITCH with javascript', () => {
  const byAmount = workflowOf([
    step('SWITCH', 'size', {
      evaluatorType: 'javascript',
      expression: "$.amount > 100 ? 'big' : 'small'",
      inputParameters: { amount: '${workflow.input.amount}' },
      decisionCases: { big: [simple('approve')], small: [simple('auto')] },
    }),
  ]);

  it('picks the case the script evaluates to', async () => {
    const big = await Scenario.start(byAmount, { input: { amount: 500 } });
    expect(big.statuses()).toEqual({ size: 'COMPLETED', approve: 'SCHEDULED' });
    const small = await Scenario.start(byAmount, { input: { amount: 5 } });
    expect(small.statuses()).toEqual({ size: 'COMPLETED', auto: 'SCHEDULED' });
  });

  it('matches a number the script returns against a case key written as digits', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('SWITCH', 'count', {
          evaluatorType: 'javascript',
          expression: '$.items.length',
          inputParameters: { items: '${workflow.input.items}' },
          decisionCases: { '3': [simple('three')] },
          defaultCase: [simple('other')],
        }),
      ]),
      { input: { items: [1, 2, 3] } },
    );
    expect(run.task('three').status).toBe('SCHEDULED');
  });

  it('fails the SWITCH and the workflow with a reason when the script throws', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('SWITCH', 'broken', {
          evaluatorType: 'javascript',
          expression: '$.missing.deeper',
          decisionCases: { a: [simple('task_a')] },
        }),
      ]),
    );
    expect(run.task('broken').status).toBe('FAILED');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toMatch(/^SWITCH broken could not evaluate its case: .+/);
  });
});
