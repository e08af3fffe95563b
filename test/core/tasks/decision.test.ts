// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import type { WorkflowTask } from '../../../lambdas/core/model';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const decision = (extra: Partial<WorkflowTask>) =>
  workflowOf([
    step('DECISION', 'route', {
      decisionCases: { even: [simple('on_even')], odd: [simple('on_odd')], EU: [simple('eu')] },
      defaultCase: [simple('fallback')],
      ...extra,
    }),
    simple('after'),
  ]);

describe('DECISION', () => {
  it('picks the case named by the input that caseValueParam names', async () => {
    const run = await Scenario.start(
      decision({ caseValueParam: 'region', inputParameters: { region: '${workflow.input.region}' } }),
      { input: { region: 'EU' } },
    );
    expect(run.statuses()).toEqual({ route: 'COMPLETED', eu: 'SCHEDULED' });
    expect(run.task('route')).toMatchObject({
      taskType: 'DECISION',
      outputData: { evaluationResult: ['EU'] },
    });
  });

  it('picks the case a caseExpression evaluates to', async () => {
    const byParity = decision({
      caseExpression: "$.n % 2 == 0 ? 'even' : 'odd'",
      inputParameters: { n: '${workflow.input.n}' },
    });
    const even = await Scenario.start(byParity, { input: { n: 4 } });
    expect(even.task('on_even').status).toBe('SCHEDULED');
    const odd = await Scenario.start(byParity, { input: { n: 7 } });
    expect(odd.task('on_odd').status).toBe('SCHEDULED');
  });

  it('schedules the default case when no DECISION case matches', async () => {
    const run = await Scenario.start(
      decision({ caseValueParam: 'region', inputParameters: { region: '${workflow.input.region}' } }),
      { input: { region: 'APAC' } },
    );
    expect(run.task('fallback').status).toBe('SCHEDULED');
    expect(run.task('route').outputData.selectedCase).toBe('default');
  });

  it('carries on after the DECISION once the chosen case completes', async () => {
    const run = await Scenario.start(
      decision({ caseValueParam: 'region', inputParameters: { region: '${workflow.input.region}' } }),
      { input: { region: 'EU' } },
    );
    run.complete('eu');
    expect(run.task('after').status).toBe('SCHEDULED');
  });

  it('fails with a reason when the caseExpression throws', async () => {
    const run = await Scenario.start(decision({ caseExpression: '$.nothing.here' }));
    expect(run.task('route').status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toMatch(/^DECISION route could not evaluate its case: .+/);
  });
});
