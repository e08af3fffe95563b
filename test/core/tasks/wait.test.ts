import { describe, expect, it } from 'vitest';
import type { JsonMap } from '../../../lambdas/core/model';
import { Scenario, START_TIME } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const waitFor = (inputParameters: JsonMap = {}) =>
  workflowOf([step('WAIT', 'pause', { inputParameters }), simple('after')]);

describe('WAIT', () => {
  it('waits for a duration such as "10s" and sets a timer for the instant it ends', async () => {
    const run = await Scenario.start(waitFor({ duration: '10s' }));
    expect(run.task('pause')).toMatchObject({
      status: 'IN_PROGRESS',
      taskType: 'WAIT',
      waitTimeout: START_TIME + 10_000,
    });
    expect(run.effectsOf('setTimer')).toEqual([{ type: 'setTimer', at: START_TIME + 10_000 }]);
    expect(run.effectsOf('scheduleWorkerTask')).toEqual([]);
    run.advance(9);
    expect(run.task('pause').status).toBe('IN_PROGRESS');
    run.advance(1);
    expect(run.task('pause').status).toBe('COMPLETED');
    expect(run.task('after').status).toBe('SCHEDULED');
  });

  it('reads a duration with several units such as "1h 30m"', async () => {
    const run = await Scenario.start(waitFor({ duration: '1h 30m' }));
    expect(run.effectsOf('setTimer')).toEqual([{ type: 'setTimer', at: START_TIME + 5_400_000 }]);
    run.advance(5_399);
    expect(run.task('pause').status).toBe('IN_PROGRESS');
    run.advance(1);
    expect(run.task('pause').status).toBe('COMPLETED');
  });

  it('waits until an instant given as "until"', async () => {
    const run = await Scenario.start(waitFor({ until: '2026-11-24 10:00 UTC' }));
    const tenOClock = Date.UTC(2026, 10, 24, 10, 0, 0);
    expect(tenOClock - START_TIME).toBe(3_600_000);
    expect(run.task('pause').waitTimeout).toBe(tenOClock);
    expect(run.effectsOf('setTimer')).toEqual([{ type: 'setTimer', at: tenOClock }]);
    run.advance(3_600);
    expect(run.task('pause').status).toBe('COMPLETED');
  });

  it('completes at once when "until" has already passed', async () => {
    const run = await Scenario.start(waitFor({ until: '2026-11-24 08:00 UTC' }));
    expect(run.task('pause').status).toBe('COMPLETED');
    expect(run.task('after').status).toBe('SCHEDULED');
  });

  it('without duration or until, waits for an external update and sets no timer', async () => {
    const run = await Scenario.start(waitFor());
    expect(run.task('pause').status).toBe('IN_PROGRESS');
    expect(run.effectsOf('setTimer')).toEqual([]);
    run.advance(86_400);
    expect(run.task('pause').status).toBe('IN_PROGRESS');
    run.complete('pause', { approved: true });
    expect(run.task('pause')).toMatchObject({ status: 'COMPLETED', outputData: { approved: true } });
    expect(run.task('after').status).toBe('SCHEDULED');
  });

  it('completes early through an external update while a duration is still running', async () => {
    const run = await Scenario.start(waitFor({ duration: '1h' }));
    run.advance(60);
    run.complete('pause');
    expect(run.task('pause').status).toBe('COMPLETED');
    expect(run.task('after').status).toBe('SCHEDULED');
  });

  it('fails the task and the workflow with a reason when the duration cannot be read', async () => {
    const run = await Scenario.start(waitFor({ duration: 'ten minutes' }));
    expect(run.task('pause')).toMatchObject({
      status: 'FAILED',
      reasonForIncompletion: 'duration "ten minutes" is not of the form "1d 2h 30m 10s"',
    });
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toBe(
      'duration "ten minutes" is not of the form "1d 2h 30m 10s"',
    );
  });

  it('fails with a reason when "until" is not a date', async () => {
    const run = await Scenario.start(waitFor({ until: 'tomorrow' }));
    expect(run.task('pause').status).toBe('FAILED');
    expect(run.task('pause').reasonForIncompletion).toBe(
      'until must be a date such as "2026-11-24 10:00 UTC", not "tomorrow"',
    );
  });
});
