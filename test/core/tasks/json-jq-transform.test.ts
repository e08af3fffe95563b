// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import type { JsonMap } from '../../../lambdas/core/model';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const transform = (inputParameters: JsonMap) =>
  workflowOf([
    step('JSON_JQ_TRANSFORM', 'jq', { inputParameters }),
    simple('after', { inputParameters: { value: '${jq.output.result}' } }),
  ]);

describe('JSON_JQ_TRANSFORM', () => {
  it('applies queryExpression to its input and outputs { result, resultList }', async () => {
    const run = await Scenario.start(
      transform({ queryExpression: '{ total: (.a + .b) }', a: '${workflow.input.a}', b: 2 }),
      { input: { a: 40 } },
    );
    expect(run.task('jq')).toMatchObject({
      status: 'COMPLETED',
      taskType: 'JSON_JQ_TRANSFORM',
      outputData: { result: { total: 42 }, resultList: [{ total: 42 }] },
    });
    expect(run.task('after').inputData).toEqual({ value: { total: 42 } });
  });

  it('puts the first of several outputs in result and all of them in resultList', async () => {
    const run = await Scenario.start(
      transform({ queryExpression: '.items[] | .name', items: [{ name: 'x' }, { name: 'y' }] }),
    );
    expect(run.task('jq').outputData).toEqual({ result: 'x', resultList: ['x', 'y'] });
  });

  it('fails the task and the workflow with the jq error when the query is bad', async () => {
    const run = await Scenario.start(transform({ queryExpression: '.a | [[[' }));
    const task = run.task('jq');
    expect(task.status).toBe('FAILED');
    expect(task.reasonForIncompletion).toEqual(expect.any(String));
    expect(task.reasonForIncompletion).not.toBe('');
    expect(run.workflow).toMatchObject({
      status: 'FAILED',
      reasonForIncompletion: task.reasonForIncompletion,
    });
  });

  it('fails with a reason when there is no queryExpression', async () => {
    const run = await Scenario.start(transform({ a: 1 }));
    expect(run.task('jq').reasonForIncompletion).toBe(
      'JSON_JQ_TRANSFORM needs inputParameters.queryExpression (a string)',
    );
  });
});
