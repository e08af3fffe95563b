// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

describe('HUMAN', () => {
  it('waits IN_PROGRESS without being offered to workers', async () => {
    const run = await Scenario.start(workflowOf([step('HUMAN', 'approve'), simple('after')]));
    expect(run.task('approve')).toMatchObject({ status: 'IN_PROGRESS', taskType: 'HUMAN' });
    expect(run.effectsOf('scheduleWorkerTask')).toEqual([]);
    expect(() => run.poll('approve')).toThrow('not pollable');
    run.advance(7 * 24 * 3600);
    expect(run.task('approve').status).toBe('IN_PROGRESS');
  });

  it('completes through an external update and passes its output on', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('HUMAN', 'approve'),
        simple('after', { inputParameters: { by: '${approve.output.by}' } }),
      ]),
    );
    run.complete('approve', { by: 'alice' });
    expect(run.task('approve').status).toBe('COMPLETED');
    expect(run.task('after').inputData).toEqual({ by: 'alice' });
  });

  it('fails the workflow when it is rejected through an external update', async () => {
    const run = await Scenario.start(workflowOf([step('HUMAN', 'approve'), simple('after')]));
    run.fail('approve', 'rejected by bob');
    expect(run.workflow).toMatchObject({ status: 'FAILED', reasonForIncompletion: 'rejected by bob' });
  });
});
