// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import { describe, expect, it } from 'vitest';
import type { JsonMap } from '../../../lambdas/core/model';
import { Scenario } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const terminate = (ref: string, inputParameters: JsonMap) => step('TERMINATE', ref, { inputParameters });

describe('TERMINATE', () => {
  it('ends the workflow COMPLETED with workflowOutput as its output and schedules nothing after it', async () => {
    const run = await Scenario.start(
      workflowOf([
        simple('check'),
        terminate('done', {
          terminationStatus: 'COMPLETED',
          workflowOutput: { result: '${check.output.r}' },
        }),
        simple('never'),
      ]),
    );
    run.complete('check', { r: 42 });
    expect(run.workflow).toMatchObject({ status: 'COMPLETED', output: { result: 42 } });
    expect(run.task('done')).toMatchObject({
      status: 'COMPLETED',
      taskType: 'TERMINATE',
      outputData: { result: 42 },
    });
    expect(run.has('never')).toBe(false);
    expect(run.workflow.failedReferenceTaskNames).toEqual([]);
  });

  it('ends the workflow FAILED with the termination reason, naming the TERMINATE task as the failed one', async () => {
    const run = await Scenario.start(
      workflowOf([terminate('stop', { terminationStatus: 'FAILED', terminationReason: 'out of stock' })]),
    );
    expect(run.workflow).toMatchObject({
      status: 'FAILED',
      reasonForIncompletion: 'out of stock',
      failedReferenceTaskNames: ['stop'],
      output: {},
    });
    expect(run.task('stop').status).toBe('COMPLETED');
  });

  it("gives Conductor's default reason when terminationReason is missing", async () => {
    const run = await Scenario.start(workflowOf([terminate('stop', { terminationStatus: 'TERMINATED' })]));
    expect(run.workflow.status).toBe('TERMINATED');
    expect(run.workflow.reasonForIncompletion).toBe(
      `Workflow is TERMINATED by TERMINATE task: ${run.task('stop').taskId}`,
    );
  });

  it('wraps a workflowOutput that is not a map as { output }', async () => {
    const run = await Scenario.start(
      workflowOf([terminate('stop', { terminationStatus: 'COMPLETED', workflowOutput: 'all done' })]),
    );
    expect(run.task('stop').outputData).toEqual({ output: 'all done' });
    expect(run.workflow.output).toEqual({ output: 'all done' });
  });

  it('takes its own output as the workflow output even when the definition has outputParameters', async () => {
    const run = await Scenario.start(
      workflowOf([terminate('stop', { terminationStatus: 'COMPLETED', workflowOutput: { a: 1 } })], {
        outputParameters: { b: 2 },
      }),
    );
    expect(run.workflow.output).toEqual({ a: 1 });
  });

  it('FAILED inside a fork cancels the other branches and the JOIN', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('FORK_JOIN', 'fork', {
          forkTasks: [
            [simple('slow')],
            [simple('check'), terminate('stop', { terminationStatus: 'FAILED' })],
          ],
        }),
        step('JOIN', 'join', { joinOn: ['slow', 'stop'] }),
        simple('after'),
      ]),
    );
    run.complete('check');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.statuses()).toEqual({
      fork: 'COMPLETED',
      slow: 'CANCELED',
      check: 'COMPLETED',
      join: 'CANCELED',
      stop: 'COMPLETED',
    });
    expect(run.effectsOf('cancelTask')).toEqual([
      { type: 'cancelTask', taskId: run.task('slow').taskId, taskType: 'slow' },
    ]);
    expect(run.has('after')).toBe(false);
  });

  it('fails itself and the workflow when terminationStatus is not a workflow ending', async () => {
    const run = await Scenario.start(workflowOf([terminate('stop', { terminationStatus: 'PAUSED' })]));
    expect(run.task('stop').status).toBe('FAILED');
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.reasonForIncompletion).toBe(
      'terminationStatus must be COMPLETED, FAILED or TERMINATED, not "PAUSED"',
    );
  });
});
