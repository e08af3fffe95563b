// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

describe('SET_VARIABLE', () => {
  it('turns its input into workflow variables and completes at once', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('SET_VARIABLE', 'set', { inputParameters: { region: '${workflow.input.region}', limit: 5 } }),
      ]),
      { input: { region: 'EU' } },
    );
    expect(run.task('set')).toMatchObject({ status: 'COMPLETED', taskType: 'SET_VARIABLE' });
    expect(run.workflow.variables).toEqual({ region: 'EU', limit: 5 });
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('lets a later task read the variable as ${workflow.variables.x}', async () => {
    const run = await Scenario.start(
      workflowOf([
        simple('lookup'),
        step('SET_VARIABLE', 'remember', { inputParameters: { customer: '${lookup.output.customer}' } }),
        simple('use', { inputParameters: { who: '${workflow.variables.customer}' } }),
      ]),
    );
    run.complete('lookup', { customer: { id: 7 } });
    expect(run.task('use').inputData).toEqual({ who: { id: 7 } });
  });

  it('overwrites a variable it names and keeps the others, starting from the definition variables', async () => {
    const run = await Scenario.start(
      workflowOf(
        [
          step('SET_VARIABLE', 'set', { inputParameters: { b: 3 } }),
          simple('use', { inputParameters: { a: '${workflow.variables.a}', b: '${workflow.variables.b}' } }),
        ],
        { variables: { a: 1, b: 2 } },
      ),
    );
    expect(run.workflow.variables).toEqual({ a: 1, b: 3 });
    expect(run.task('use').inputData).toEqual({ a: 1, b: 3 });
  });

  it('shows a later SET_VARIABLE the value an earlier one set', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('SET_VARIABLE', 'first', { inputParameters: { count: 1 } }),
        step('SET_VARIABLE', 'second', {
          inputParameters: { previous: '${workflow.variables.count}', count: 2 },
        }),
      ]),
    );
    expect(run.workflow.variables).toEqual({ count: 2, previous: 1 });
  });
});
