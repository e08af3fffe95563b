// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import type { JsonMap } from '../../../lambdas/core/model';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const inline = (inputParameters: JsonMap) =>
  workflowOf([
    step('INLINE', 'calc', { inputParameters }),
    simple('after', { inputParameters: { result: '${calc.output.result}' } }),
  ]);

describe('INLINE', () => {
  it('evaluates a javascript expression over its input and outputs { result }', async () => {
    const run = await Scenario.start(
      inline({ evaluatorType: 'javascript', expression: '$.a + $.b', a: '${workflow.input.a}', b: 2 }),
      { input: { a: 40 } },
    );
    expect(run.task('calc')).toMatchObject({
      status: 'COMPLETED',
      taskType: 'INLINE',
      outputData: { result: 42 },
    });
    expect(run.task('after').inputData).toEqual({ result: 42 });
  });

  it('evaluates a function-style script and returns structured values', async () => {
    const run = await Scenario.start(
      inline({
        evaluatorType: 'javascript',
        expression: '(function () { return { doubled: $.items.map(function (x) { return x * 2; }) }; })()',
        items: [1, 2, 3],
      }),
    );
    expect(run.task('calc').outputData).toEqual({ result: { doubled: [2, 4, 6] } });
  });

  it('with value-param, outputs the input that expression names', async () => {
    const run = await Scenario.start(
      inline({ evaluatorType: 'value-param', expression: 'greeting', greeting: 'hello' }),
    );
    expect(run.task('calc')).toMatchObject({ status: 'COMPLETED', outputData: { result: 'hello' } });
  });

  it('fails the task with the script error in reasonForIncompletion, and the workflow with it', async () => {
    const run = await Scenario.start(
      inline({
        evaluatorType: 'javascript',
        expression: "(function () { throw new Error('boom at line 1'); })()",
      }),
    );
    const task = run.task('calc');
    expect(task.status).toBe('FAILED');
    expect(task.reasonForIncompletion).toContain('boom at line 1');
    expect(task.outputData.error).toBe(task.reasonForIncompletion);
    expect(run.workflow).toMatchObject({
      status: 'FAILED',
      reasonForIncompletion: task.reasonForIncompletion,
    });
    expect(run.has('after')).toBe(false);
  });

  it('fails with a reason when there is no expression', async () => {
    const run = await Scenario.start(inline({ evaluatorType: 'javascript' }));
    expect(run.task('calc')).toMatchObject({
      status: 'FAILED',
      reasonForIncompletion: 'INLINE needs inputParameters.expression (a string)',
    });
  });
});
