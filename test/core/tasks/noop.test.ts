import { describe, expect, it } from 'vitest';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

describe('NOOP', () => {
  it('completes at once and lets the flow carry on', async () => {
    const run = await Scenario.start(workflowOf([step('NOOP', 'nothing'), simple('after')]));
    expect(run.statuses()).toEqual({ nothing: 'COMPLETED', after: 'SCHEDULED' });
    expect(run.task('nothing')).toMatchObject({ taskType: 'NOOP', executed: true });
    expect(run.effectsOf('scheduleWorkerTask').map((effect) => effect.taskType)).toEqual(['after']);
  });

  it('completes a workflow made only of NOOPs in its first decide', async () => {
    const run = await Scenario.start(workflowOf([step('NOOP', 'one'), step('NOOP', 'two')]));
    expect(run.workflow.status).toBe('COMPLETED');
    expect(run.effects.filter((effect) => effect.type !== 'setTimer')).toEqual([]);
  });
});
