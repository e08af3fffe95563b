import { describe, expect, it } from 'vitest';
import { validateWorkflowDef } from '../../lambdas/core/index';
import { MAX_PAYLOAD_BYTES } from '../../lambdas/core/payload-limits';
import { startWorkflow } from '../../lambdas/engine/start-workflow';
import { makeEngine } from '../support/engine';
import { Scenario } from '../support/scenario';
import { simple, step, workflowOf } from '../support/steps';

/** A string of `kib` KiB: as JSON, a value of that size plus its quotes. */
const blob = (kib: number) => 'x'.repeat(kib * 1024);
const LIMIT = /larger than 120 KiB, the most a payload may be/;

describe('payload limits', () => {
  it('fails a task terminally when its worker reports an output over the limit, and the workflow with it', async () => {
    const run = await Scenario.start(workflowOf([simple('a'), simple('b')]));
    run.complete('a', { data: blob(121) });
    expect(run.task('a')).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', outputData: {} });
    expect(run.task('a').reasonForIncompletion).toMatch(/the task output is larger than 120 KiB/);
    expect(run.workflow.status).toBe('FAILED');
    expect(run.has('b')).toBe(false);
  });

  it('accepts an output just under the limit', async () => {
    const run = await Scenario.start(workflowOf([simple('a')]));
    run.complete('a', { data: 'x'.repeat(MAX_PAYLOAD_BYTES - 100) });
    expect(run.workflow.status).toBe('COMPLETED');
  });

  it('fails a JOIN whose output, the outputs of all its branches, is over the limit', async () => {
    const branches = ['a', 'b', 'c'].map((ref) => [simple(ref)]);
    const run = await Scenario.start(
      workflowOf([
        step('FORK_JOIN', 'fork', { forkTasks: branches }),
        step('JOIN', 'join', { joinOn: ['a', 'b', 'c'] }),
        simple('after'),
      ]),
    );
    for (const ref of ['a', 'b', 'c']) run.complete(ref, { data: blob(50) });
    expect(run.task('join').status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(run.task('join').reasonForIncompletion).toMatch(LIMIT);
    expect(run.workflow.status).toBe('FAILED');
    expect(run.has('after')).toBe(false);
  });

  it('fails a task whose resolved input is over the limit without handing it to a worker', async () => {
    const run = await Scenario.start(
      workflowOf([
        simple('a', { inputParameters: { one: '${workflow.input.x}', two: '${workflow.input.x}' } }),
      ]),
      { input: { x: blob(70) } },
    );
    expect(run.task('a')).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', inputData: {} });
    expect(run.task('a').reasonForIncompletion).toMatch(/the task input is larger than 120 KiB/);
    expect(run.workflow.status).toBe('FAILED');
  });

  it('fails a SET_VARIABLE that would make the workflow variables larger than the limit', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('SET_VARIABLE', 'v1', { inputParameters: { a: '${workflow.input.x}' } }),
        step('SET_VARIABLE', 'v2', { inputParameters: { b: '${workflow.input.x}' } }),
      ]),
      { input: { x: blob(70) } },
    );
    expect(run.task('v1').status).toBe('COMPLETED');
    expect(run.task('v2').status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(run.task('v2').reasonForIncompletion).toMatch(
      /the set of workflow variables is larger than 120 KiB/,
    );
    expect(Object.keys(run.workflow.variables)).toEqual(['a']);
  });

  it('fails a workflow whose output would be over the limit', async () => {
    const run = await Scenario.start(
      workflowOf([simple('a'), simple('b')], {
        outputParameters: { one: '${a.output.data}', two: '${b.output.data}' },
      }),
    );
    run.complete('a', { data: blob(70) });
    run.complete('b', { data: blob(70) });
    expect(run.workflow.status).toBe('FAILED');
    expect(run.workflow.output).toEqual({});
    expect(run.workflow.reasonForIncompletion).toMatch(/the workflow output is larger than 120 KiB/);
  });

  it('refuses to start a workflow whose input is over the limit, storing nothing', async () => {
    const engine = await makeEngine();
    await engine.metadata.putWorkflowDef(workflowOf([simple('a')]));
    await expect(startWorkflow(engine.deps, { name: 'wf', input: { x: blob(121) } })).rejects.toMatchObject({
      name: 'PayloadTooLargeError',
      message: expect.stringMatching(LIMIT),
    });
    expect(engine.decideQueue.requests).toEqual([]);
    // A created execution is due at once, so the reconcile index would list it.
    expect(await engine.store.findOverdue(engine.clock.now() + 3_600_000, 0, 10)).toEqual([]);
  });

  it('refuses at registration a step over 64 KiB, so a task item always fits in DynamoDB', () => {
    const problems = validateWorkflowDef(
      workflowOf([simple('big', { inputParameters: { constant: blob(65) } }), simple('small')]),
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: '$.tasks[0]', message: expect.stringMatching(/more than 64 KiB/) }),
    ]);
  });
});
