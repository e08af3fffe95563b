// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.

import { beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../../lambdas/core/decide';
import { childWorkflowIdFor } from '../../../lambdas/core/ids';
import type { Workflow, WorkflowDef } from '../../../lambdas/core/model';
import { loadScriptRuntime } from '../../../lambdas/core/scripting/index';
import type { ScriptRuntime } from '../../../lambdas/core/scripting/script-runtime';
import { createWorkflow } from '../../../lambdas/core/start';
import { applyTaskResult } from '../../../lambdas/core/task-result';
import { Scenario, START_TIME } from '../../support/scenario';
import { simple, step, workflowOf } from '../../support/steps';

const parent = workflowOf([
  step('SUB_WORKFLOW', 'child', {
    subWorkflowParam: { name: 'child_flow', version: 2 },
    inputParameters: { order: '${workflow.input.order}' },
  }),
  simple('after', { inputParameters: { receipt: '${child.output.receipt}' } }),
]);

describe('SUB_WORKFLOW', () => {
  it('starts the child with its input and waits IN_PROGRESS under the id it gave the child', async () => {
    const run = await Scenario.start(parent, { input: { order: 7 }, workflowId: 'parent-1' });
    const task = run.task('child');
    const [start] = run.effectsOf('startChildWorkflow');
    expect(task).toMatchObject({
      status: 'IN_PROGRESS',
      taskType: 'SUB_WORKFLOW',
      subWorkflowId: start?.workflowId,
    });
    expect(start).toEqual({
      type: 'startChildWorkflow',
      taskId: task.taskId,
      workflowId: childWorkflowIdFor(task.taskId),
      request: {
        name: 'child_flow',
        version: 2,
        workflowDef: undefined,
        input: { order: 7 },
        correlationId: undefined,
        taskToDomain: undefined,
        priority: 0,
        parentWorkflowId: 'parent-1',
        parentWorkflowTaskId: task.taskId,
      },
    });
  });

  it('passes an inline workflowDefinition and takes its name', async () => {
    const inline = workflowOf([simple('inner')], { name: 'inline_child' });
    const run = await Scenario.start(
      workflowOf([step('SUB_WORKFLOW', 'child', { subWorkflowParam: { workflowDefinition: inline } })]),
    );
    const [start] = run.effectsOf('startChildWorkflow');
    expect(start?.request).toMatchObject({ name: 'inline_child', workflowDef: inline });
  });

  it("completes with the child's output and carries on", async () => {
    const run = await Scenario.start(parent);
    run.complete('child', { receipt: 'r-7' });
    expect(run.task('child')).toMatchObject({ status: 'COMPLETED', outputData: { receipt: 'r-7' } });
    expect(run.task('after').inputData).toEqual({ receipt: 'r-7' });
  });

  it('fails the workflow when the child fails', async () => {
    const run = await Scenario.start(parent);
    run.fail('child', 'payment declined');
    expect(run.workflow).toMatchObject({ status: 'FAILED', reasonForIncompletion: 'payment declined' });
  });

  it('starts a new child for each retry when the step asks for retries', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('SUB_WORKFLOW', 'child', { subWorkflowParam: { name: 'child_flow' }, retryCount: 1 }),
      ]),
      { taskDefs: [{ name: 'child', retryDelaySeconds: 0 }] },
    );
    run.fail('child', 'first child failed');
    const starts = run.effectsOf('startChildWorkflow');
    expect(starts).toHaveLength(2);
    expect(starts[1]?.workflowId).not.toBe(starts[0]?.workflowId);
    expect(run.task('child')).toMatchObject({
      status: 'IN_PROGRESS',
      retryCount: 1,
      subWorkflowId: starts[1]?.workflowId,
    });
  });

  it('terminates the child when the parent ends while the child is still running', async () => {
    const run = await Scenario.start(
      workflowOf([
        step('FORK_JOIN', 'fork', {
          forkTasks: [
            [step('SUB_WORKFLOW', 'child', { subWorkflowParam: { name: 'child_flow' } })],
            [simple('other')],
          ],
        }),
        step('JOIN', 'join', { joinOn: ['child', 'other'] }),
      ]),
      { taskDefs: [{ name: 'other', retryCount: 0 }] },
    );
    run.fail('other', 'boom');
    expect(run.task('child').status).toBe('CANCELED');
    expect(run.effectsOf('terminateWorkflow')).toEqual([
      {
        type: 'terminateWorkflow',
        workflowId: run.task('child').subWorkflowId,
        reason: 'parent workflow wf-1 ended',
      },
    ]);
  });
});

describe('a child workflow started by a SUB_WORKFLOW task', () => {
  let scripts: ScriptRuntime;
  beforeAll(async () => {
    scripts = await loadScriptRuntime();
  });

  const childDef: WorkflowDef = workflowOf([simple('work')], {
    name: 'child_flow',
    outputParameters: { receipt: '${work.output.id}' },
  });

  const startChild = (): Workflow => {
    const workflow = createWorkflow(
      childDef,
      {
        name: 'child_flow',
        input: { order: 7 },
        parentWorkflowId: 'parent-1',
        parentWorkflowTaskId: 'parent-1:child:0:0',
      },
      { workflowId: 'parent-1:child:0:0:child', now: START_TIME },
    );
    return decide({ workflow, definition: childDef }, { now: START_TIME, taskDefs: () => undefined, scripts })
      .next;
  };

  const report = (workflow: Workflow, status: string, outputData = {}, reasonForIncompletion?: string) => {
    const task = workflow.tasks[0]!;
    const now = START_TIME + 1_000;
    const update = applyTaskResult(
      workflow,
      task,
      {
        workflowInstanceId: workflow.workflowId,
        taskId: task.taskId,
        status,
        outputData,
        reasonForIncompletion,
      },
      now,
    );
    if (update.kind !== 'updated') throw new Error(update.reason);
    const updated = { ...workflow, tasks: [update.task] };
    return decide(
      { workflow: updated, definition: childDef },
      { now, taskDefs: () => ({ name: 'work', retryCount: 0 }), scripts },
    );
  };

  it('knows its parent', () => {
    const child = startChild();
    expect(child).toMatchObject({ parentWorkflowId: 'parent-1', parentWorkflowTaskId: 'parent-1:child:0:0' });
    expect(child.tasks.map((task) => task.referenceTaskName)).toEqual(['work']);
  });

  it('tells its parent its output when it completes', () => {
    const result = report(startChild(), 'COMPLETED', { id: 'r-7' });
    expect(result.next.status).toBe('COMPLETED');
    expect(result.effects.filter((effect) => effect.type === 'notifyParent')).toEqual([
      {
        type: 'notifyParent',
        parentWorkflowId: 'parent-1',
        parentWorkflowTaskId: 'parent-1:child:0:0',
        workflowId: 'parent-1:child:0:0:child',
        status: 'COMPLETED',
        output: { receipt: 'r-7' },
        reasonForIncompletion: undefined,
      },
    ]);
  });

  it('tells its parent when it fails, with the reason', () => {
    const result = report(startChild(), 'FAILED', {}, 'payment declined');
    expect(result.next.status).toBe('FAILED');
    expect(result.effects.filter((effect) => effect.type === 'notifyParent')).toMatchObject([
      { status: 'FAILED', reasonForIncompletion: 'payment declined', workflowId: 'parent-1:child:0:0:child' },
    ]);
  });

  it('does not notify anyone while it is still running, nor when it has no parent', () => {
    expect(startChild().status).toBe('RUNNING');
    const orphan = createWorkflow(
      childDef,
      { name: 'child_flow' },
      { workflowId: 'orphan', now: START_TIME },
    );
    const first = decide(
      { workflow: orphan, definition: childDef },
      { now: START_TIME, taskDefs: () => undefined, scripts },
    );
    const task = first.next.tasks[0]!;
    const update = applyTaskResult(
      first.next,
      task,
      { workflowInstanceId: 'orphan', taskId: task.taskId, status: 'COMPLETED', outputData: { id: 1 } },
      START_TIME,
    );
    if (update.kind !== 'updated') throw new Error(update.reason);
    const done = decide(
      { workflow: { ...first.next, tasks: [update.task] }, definition: childDef },
      { now: START_TIME, taskDefs: () => undefined, scripts },
    );
    expect(done.next.status).toBe('COMPLETED');
    expect(done.effects.filter((effect) => effect.type === 'notifyParent')).toEqual([]);
  });

  it('looks at its child a minute after the start, then at doubling intervals, to repeat a lost start or notification', async () => {
    const run = await Scenario.start(parent, { input: { order: 7 } });
    const task = run.task('child');
    const [start] = run.effectsOf('startChildWorkflow');
    expect(run.effectsOf('setTimer').at(-1)?.at).toBe(task.startTime + 60_000);
    run.advance(60);
    expect(run.effectsOf('checkChildWorkflow')).toEqual([
      {
        type: 'checkChildWorkflow',
        taskId: task.taskId,
        workflowId: task.subWorkflowId,
        request: start?.request,
      },
    ]);
    expect(run.effectsOf('setTimer').at(-1)?.at).toBe(task.startTime + 180_000);
  });
});
