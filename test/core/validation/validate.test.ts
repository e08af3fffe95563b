// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are plain strings that contain ${...}.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkflowDef, WorkflowTask } from '../../../lambdas/core/model';
import {
  MAX_DEFINITION_BYTES,
  MAX_NESTING_DEPTH,
  type Problem,
  validateTaskDef,
  validateWorkflowDef,
} from '../../../lambdas/core/validation/index';
import { arbitraryMutatedWorkflowDef, arbitraryWorkflowDef } from '../../support/workflow-arbitraries';

const ALLOWED_TYPES =
  'SIMPLE, FORK_JOIN, FORK_JOIN_DYNAMIC, JOIN, EXCLUSIVE_JOIN, SWITCH, DECISION, DO_WHILE, SET_VARIABLE, ' +
  'TERMINATE, WAIT, HUMAN, SUB_WORKFLOW, START_WORKFLOW, DYNAMIC, INLINE, JSON_JQ_TRANSFORM, NOOP, HTTP, EVENT';

type Loose = Record<string, unknown>;

const simple = (ref: string, extra: Loose = {}): Loose => ({
  name: 'task_a',
  taskReferenceName: ref,
  ...extra,
});
const workflow = (tasks: unknown[], extra: Loose = {}): Loose => ({
  name: 'wf',
  version: 1,
  tasks,
  ...extra,
});
/** The problems of a definition holding just these tasks. */
const problemsOf = (...tasks: unknown[]): Problem[] => validateWorkflowDef(workflow(tasks));
const fork = (ref: string, forkTasks: unknown, extra: Loose = {}): Loose => ({
  name: 'fork',
  taskReferenceName: ref,
  type: 'FORK_JOIN',
  forkTasks,
  ...extra,
});
const join = (ref: string, joinOn: unknown): Loose => ({
  name: 'join',
  taskReferenceName: ref,
  type: 'JOIN',
  joinOn,
});
const switchOn = (ref: string, decisionCases: unknown, extra: Loose = {}): Loose => ({
  name: 'switch',
  taskReferenceName: ref,
  type: 'SWITCH',
  evaluatorType: 'value-param',
  expression: 'choice',
  inputParameters: { choice: '${workflow.input.choice}' },
  decisionCases,
  ...extra,
});
const loop = (ref: string, loopOver: unknown, extra: Loose = {}): Loose => ({
  name: 'loop',
  taskReferenceName: ref,
  type: 'DO_WHILE',
  loopCondition: `$.${ref}['iteration'] < 3`,
  loopOver,
  ...extra,
});
const one = (path: string, message: string): Problem[] => [{ path, message }];

// ---------------------------------------------------------------------------------------------
// Conductor's scenarios, which must all be accepted

const scenarios: Record<string, Loose> = {
  'fan-in/out fork': workflow([
    fork('fork', [[simple('t1'), simple('t3')], [simple('t2')]]),
    join('join', ['t3', 't2']),
    simple('t4'),
  ]),
  'dynamic fork': workflow([
    simple('generate'),
    {
      name: 'dynamic_fork',
      taskReferenceName: 'dynamic_fork',
      type: 'FORK_JOIN_DYNAMIC',
      inputParameters: {
        dynamicTasks: '${generate.output.dynamicTasks}',
        dynamicTasksInput: '${generate.output.dynamicTasksInput}',
      },
      dynamicForkTasksParam: 'dynamicTasks',
      dynamicForkTasksInputParamName: 'dynamicTasksInput',
    },
    join('dynamic_join', []),
  ]),
  'nested fork/join three levels deep': workflow([
    fork('f1', [
      [
        fork('f2', [
          [fork('f3', [[simple('a')], [simple('b')], [simple('c')]]), join('j3', ['a', 'b', 'c'])],
          [simple('d')],
        ]),
        join('j2', ['j3', 'd']),
      ],
      [simple('e')],
    ]),
    join('j1', ['j2', 'e']),
  ]),
  'DO_WHILE of three iterations': workflow([
    loop('loop', [simple('step'), { name: 'double', taskReferenceName: 'double', type: 'NOOP' }], {
      inputParameters: { limit: 3 },
      keepLastN: 2,
    }),
  ]),
  'SWITCH with javascript and a default case': workflow([
    switchOn(
      'route',
      { big: [simple('big_task')], small: [] },
      {
        evaluatorType: 'javascript',
        expression: '$.amount > 100 ? "big" : "small"',
        inputParameters: { amount: '${workflow.input.amount}' },
        defaultCase: [simple('fallback')],
      },
    ),
  ]),
  'SUB_WORKFLOW with an inline definition': workflow([
    {
      name: 'child',
      taskReferenceName: 'child',
      type: 'SUB_WORKFLOW',
      inputParameters: { x: '${workflow.input.x}' },
      subWorkflowParam: {
        name: 'child_workflow',
        version: 1,
        workflowDefinition: workflow([simple('child')], { name: 'child_workflow' }),
      },
    },
  ]),
  'TERMINATE with a failure workflow': workflow(
    [
      simple('check'),
      {
        name: 'stop',
        taskReferenceName: 'stop',
        type: 'TERMINATE',
        inputParameters: {
          terminationStatus: 'FAILED',
          terminationReason: 'check failed',
          workflowOutput: { at: '${check.output}' },
        },
      },
    ],
    { failureWorkflow: 'cleanup', timeoutPolicy: 'TIME_OUT_WF', timeoutSeconds: 60 },
  ),
  'every other task type': workflow(
    [
      { name: 'vars', taskReferenceName: 'vars', type: 'SET_VARIABLE', inputParameters: { n: 1 } },
      { name: 'pause', taskReferenceName: 'pause', type: 'WAIT', inputParameters: { duration: '10s' } },
      { name: 'approve', taskReferenceName: 'approve', type: 'HUMAN' },
      { name: 'noop', taskReferenceName: 'noop', type: 'NOOP' },
      {
        name: 'inline',
        taskReferenceName: 'inline',
        type: 'INLINE',
        inputParameters: { evaluatorType: 'graaljs', expression: '$.value * 2', value: 1 },
      },
      {
        name: 'jq',
        taskReferenceName: 'jq',
        type: 'JSON_JQ_TRANSFORM',
        inputParameters: { queryExpression: '.a', a: 1 },
      },
      {
        name: 'http',
        taskReferenceName: 'http',
        type: 'HTTP',
        inputParameters: { http_request: { uri: 'https://example.com', method: 'POST', body: { a: 1 } } },
      },
      {
        name: 'http2',
        taskReferenceName: 'http2',
        type: 'HTTP',
        inputParameters: { uri: '${workflow.input.url}' },
      },
      { name: 'event', taskReferenceName: 'event', type: 'EVENT', sink: 'sqs:queue-name' },
      { name: 'dyn', taskReferenceName: 'dyn', type: 'DYNAMIC', dynamicTaskNameParam: 'taskToRun' },
      {
        name: 'start',
        taskReferenceName: 'start',
        type: 'START_WORKFLOW',
        inputParameters: { startWorkflow: { name: 'other', input: {} } },
      },
      {
        name: 'decide',
        taskReferenceName: 'decide',
        type: 'DECISION',
        caseValueParam: 'c',
        inputParameters: { c: '${workflow.input.c}' },
        decisionCases: { x: [simple('x_task')], y: [simple('y_task')] },
      },
      {
        name: 'exclusive',
        taskReferenceName: 'exclusive',
        type: 'EXCLUSIVE_JOIN',
        joinOn: ['x_task', 'y_task'],
        defaultExclusiveJoinTask: ['x_task'],
      },
      simple('worker', {
        type: 'SIMPLE',
        optional: true,
        retryCount: 2,
        startDelay: 0,
        asyncComplete: false,
        taskDefinition: { retryCount: 1, timeoutSeconds: 120, responseTimeoutSeconds: 60 },
      }),
    ],
    {
      description: 'all the types',
      inputParameters: ['c', 'url'],
      outputParameters: { a: '${inline.output.result}' },
      variables: {},
      inputTemplate: { c: 'x' },
      schemaVersion: 2,
      restartable: true,
      ownerEmail: 'a@example.com',
    },
  ),
};

describe('validateWorkflowDef on Conductor scenarios', () => {
  it.each(Object.entries(scenarios))('accepts the %s scenario', (_, definition) => {
    expect(validateWorkflowDef(definition)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The definition itself

describe('the definition', () => {
  it('must be an object', () => {
    expect(validateWorkflowDef(null)).toEqual(
      one('$', 'a workflow definition must be a JSON object, got null'),
    );
    expect(validateWorkflowDef([])).toEqual(
      one('$', 'a workflow definition must be a JSON object, got an empty array'),
    );
    expect(validateWorkflowDef(undefined)).toEqual(
      one('$', 'a workflow definition must be a JSON object, got nothing'),
    );
  });

  it('needs a non-empty string name', () => {
    expect(validateWorkflowDef({ tasks: [simple('a')] })).toEqual(
      one('$.name', 'a workflow definition needs name (a non-empty string)'),
    );
    expect(validateWorkflowDef(workflow([simple('a')], { name: '' }))).toEqual(
      one('$.name', 'name must be a non-empty string, got an empty string'),
    );
  });

  it('needs a non-empty list of tasks', () => {
    expect(validateWorkflowDef({ name: 'wf' })).toEqual(
      one('$.tasks', 'a workflow definition needs tasks (a non-empty list of tasks)'),
    );
    expect(validateWorkflowDef(workflow([]))).toEqual(
      one('$.tasks', 'tasks must be a non-empty list of tasks, got an empty array'),
    );
    expect(validateWorkflowDef({ name: 'wf', tasks: {} })).toEqual(
      one('$.tasks', 'tasks must be a non-empty list of tasks, got an object'),
    );
  });

  it('takes a positive integer version', () => {
    expect(validateWorkflowDef(workflow([simple('a')], { version: 0 }))).toEqual(
      one('$.version', 'version must be a positive integer, got the number 0'),
    );
    expect(validateWorkflowDef(workflow([simple('a')], { version: '2' }))).toEqual(
      one('$.version', 'version must be a positive integer, got the string "2"'),
    );
  });

  it('takes only TIME_OUT_WF or ALERT_ONLY as timeoutPolicy', () => {
    expect(validateWorkflowDef(workflow([simple('a')], { timeoutPolicy: 'RETRY' }))).toEqual(
      one('$.timeoutPolicy', 'timeoutPolicy must be one of TIME_OUT_WF | ALERT_ONLY, got the string "RETRY"'),
    );
  });

  it('takes a non-negative timeoutSeconds', () => {
    expect(validateWorkflowDef(workflow([simple('a')], { timeoutSeconds: -5 }))).toEqual(
      one('$.timeoutSeconds', 'timeoutSeconds must be a non-negative number, got the number -5'),
    );
  });

  it('takes inputParameters as a list of strings', () => {
    expect(validateWorkflowDef(workflow([simple('a')], { inputParameters: { a: 1 } }))).toEqual(
      one('$.inputParameters', 'inputParameters must be a list of strings, got an object'),
    );
    expect(validateWorkflowDef(workflow([simple('a')], { inputParameters: ['a', 7] }))).toEqual(
      one('$.inputParameters[1]', 'inputParameters[1] must be a string, got the number 7'),
    );
  });

  it('takes outputParameters, variables and inputTemplate as objects', () => {
    expect(
      validateWorkflowDef(
        workflow([simple('a')], { outputParameters: [], variables: 'v', inputTemplate: null }),
      ),
    ).toEqual([
      { path: '$.outputParameters', message: 'outputParameters must be an object, got an empty array' },
      { path: '$.variables', message: 'variables must be an object, got the string "v"' },
      { path: '$.inputTemplate', message: 'inputTemplate must be an object, got null' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Every task

describe('every task', () => {
  it('must be an object', () => {
    expect(problemsOf(simple('a'), 'b')).toEqual(
      one('$.tasks[1]', 'a task must be a JSON object, got the string "b"'),
    );
  });

  it('needs a non-empty name and taskReferenceName', () => {
    expect(problemsOf({ type: 'SIMPLE' })).toEqual([
      { path: '$.tasks[0].name', message: 'every task needs name (a non-empty string)' },
      {
        path: '$.tasks[0].taskReferenceName',
        message: 'every task needs taskReferenceName (a non-empty string)',
      },
    ]);
    expect(problemsOf({ name: 'a', taskReferenceName: '' })).toEqual(
      one(
        '$.tasks[0].taskReferenceName',
        'taskReferenceName must be a non-empty string, got an empty string',
      ),
    );
  });

  it('is SIMPLE when it has no type', () => {
    expect(problemsOf({ name: 'a', taskReferenceName: 'a' })).toEqual([]);
  });

  it('must have a known type, and the message lists the allowed ones', () => {
    expect(problemsOf(simple('a', { type: 'KAFKA_PUBLISH' }))).toEqual(
      one('$.tasks[0].type', `unknown task type "KAFKA_PUBLISH"; the allowed types are ${ALLOWED_TYPES}`),
    );
    expect(problemsOf(simple('a', { type: 42 }))).toEqual(
      one('$.tasks[0].type', 'type must be a string naming a task type, got the number 42'),
    );
  });

  it('takes inputParameters as an object', () => {
    expect(problemsOf(simple('a', { inputParameters: ['x'] }))).toEqual(
      one('$.tasks[0].inputParameters', 'inputParameters must be an object, got an array'),
    );
  });

  it('takes retryCount and startDelay as non-negative integers', () => {
    expect(problemsOf(simple('a', { retryCount: -1, startDelay: 1.5 }))).toEqual([
      {
        path: '$.tasks[0].retryCount',
        message: 'retryCount must be a non-negative integer, got the number -1',
      },
      {
        path: '$.tasks[0].startDelay',
        message: 'startDelay must be a non-negative integer, got the number 1.5',
      },
    ]);
  });

  it('takes optional as a boolean', () => {
    expect(problemsOf(simple('a', { optional: 'yes' }))).toEqual(
      one('$.tasks[0].optional', 'optional must be true or false, got the string "yes"'),
    );
  });

  it('checks an inline taskDefinition by the TaskDef rules', () => {
    expect(problemsOf(simple('a', { taskDefinition: { timeoutSeconds: 60, retryLogic: 'RANDOM' } }))).toEqual(
      [
        {
          path: '$.tasks[0].taskDefinition.retryLogic',
          message:
            'retryLogic must be one of FIXED | EXPONENTIAL_BACKOFF | LINEAR_BACKOFF, got the string "RANDOM"',
        },
        {
          path: '$.tasks[0].taskDefinition.responseTimeoutSeconds',
          message: 'responseTimeoutSeconds 3600 (the default) must not exceed timeoutSeconds 60',
        },
      ],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// References

describe('taskReferenceName', () => {
  it('must be unique at the top level', () => {
    expect(problemsOf(simple('b'), simple('b'))).toEqual(
      one(
        '$.tasks[1].taskReferenceName',
        'taskReferenceName "b" is used twice (first at $.tasks[0].taskReferenceName)',
      ),
    );
  });

  it('counts further uses', () => {
    expect(problemsOf(simple('b'), simple('b'), simple('b'))[1]).toEqual({
      path: '$.tasks[2].taskReferenceName',
      message: 'taskReferenceName "b" is used 3 times (first at $.tasks[0].taskReferenceName)',
    });
  });

  it.each([
    [
      'fork branches',
      [fork('f', [[simple('x')], [simple('x')]]), join('j', ['x'])],
      '$.tasks[0].forkTasks[1][0]',
    ],
    [
      'switch cases',
      [switchOn('s', { a: [simple('x')], b: [simple('x')] })],
      '$.tasks[0].decisionCases.b[0]',
    ],
    [
      'the default case',
      [switchOn('s', { a: [simple('x')] }, { defaultCase: [simple('x')] })],
      '$.tasks[0].defaultCase[0]',
    ],
    ['loopOver', [simple('x'), loop('l', [simple('x')])], '$.tasks[1].loopOver[0]'],
  ])('must be unique across %s', (_, tasks, secondPath) => {
    const problems = problemsOf(...tasks);
    expect(problems).toContainEqual({
      path: `${secondPath}.taskReferenceName`,
      message: expect.stringMatching(/^taskReferenceName "x" is used twice \(first at \$\.tasks\[0\]/),
    });
    expect(problems).toHaveLength(1);
  });

  it('may repeat a parent reference inside an inline sub-workflow, which is a separate workflow', () => {
    const child = workflow([simple('a')], { name: 'child' });
    const task = {
      name: 'sub',
      taskReferenceName: 'sub',
      type: 'SUB_WORKFLOW',
      subWorkflowParam: { workflowDefinition: child },
    };
    expect(problemsOf(simple('a'), task)).toEqual([]);
  });

  it('may not end in __ and digits inside a loop, as Baton names iterations that way', () => {
    expect(problemsOf(loop('l', [simple('step__2')]))).toEqual(
      one(
        '$.tasks[0].loopOver[0].taskReferenceName',
        'taskReferenceName "step__2" ends in __ and digits, which Baton reserves inside DO_WHILE ' +
          '(iteration N of a task "x" is named "x__N"); rename it (the loop is at $.tasks[0])',
      ),
    );
  });

  it('may end in __ and digits outside loops unless it collides with a loop iteration', () => {
    expect(problemsOf(simple('step__2'))).toEqual([]);
    expect(problemsOf(loop('l', [simple('step')]), simple('step__2'))).toEqual(
      one(
        '$.tasks[1].taskReferenceName',
        'taskReferenceName "step__2" is the name Baton gives iteration 2 of "step" in the DO_WHILE at $.tasks[0]; rename one of them',
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// FORK_JOIN and JOIN

describe('FORK_JOIN', () => {
  it('needs forkTasks', () => {
    expect(problemsOf(fork('f', undefined), join('j', ['x']))).toContainEqual({
      path: '$.tasks[0].forkTasks',
      message: 'a FORK_JOIN task needs forkTasks (a list of branches, each a non-empty list of tasks)',
    });
  });

  it('refuses an empty fork', () => {
    expect(problemsOf(fork('f', []), join('j', ['x']))).toContainEqual({
      path: '$.tasks[0].forkTasks',
      message: 'forkTasks is empty; a FORK_JOIN needs at least one branch',
    });
  });

  it('refuses an empty branch and a branch that is not a list', () => {
    expect(problemsOf(fork('f', [[simple('a')], [], simple('b')]), join('j', ['a']))).toEqual([
      {
        path: '$.tasks[0].forkTasks[1]',
        message: 'branch 1 of forkTasks is empty; every branch needs at least one task',
      },
      {
        path: '$.tasks[0].forkTasks[2]',
        message: 'branch 2 of forkTasks must be a list of tasks, got an object',
      },
    ]);
  });

  it('must be immediately followed by a JOIN', () => {
    expect(problemsOf(fork('f', [[simple('a')]]), simple('b'), join('j', ['a']))).toEqual([
      {
        path: '$.tasks[0]',
        message:
          'FORK_JOIN must be immediately followed by a JOIN in the same task list, but it is followed by SIMPLE task "b"',
      },
      {
        path: '$.tasks[2]',
        message:
          'a JOIN must come immediately after a FORK_JOIN or FORK_JOIN_DYNAMIC in the same task list, but it follows SIMPLE task "b"',
      },
    ]);
    expect(problemsOf(fork('f', [[simple('a')]]))).toEqual(
      one(
        '$.tasks[0]',
        'FORK_JOIN must be immediately followed by a JOIN in the same task list, but it is the last task of its list',
      ),
    );
  });

  it('does not count a JOIN in another list as its JOIN', () => {
    const problems = problemsOf(switchOn('s', { a: [fork('f', [[simple('a')]])] }), join('j', ['a']));
    expect(problems.map((problem) => problem.path)).toEqual(['$.tasks[0].decisionCases.a[0]', '$.tasks[1]']);
  });
});

describe('JOIN', () => {
  it('takes joinOn as a list of strings', () => {
    expect(problemsOf(fork('f', [[simple('a')]]), join('j', 'a'))).toEqual(
      one('$.tasks[1].joinOn', 'joinOn must be a list of strings, got the string "a"'),
    );
    expect(problemsOf(fork('f', [[simple('a')]]), join('j', ['a', 3]))).toEqual(
      one('$.tasks[1].joinOn[1]', 'joinOn[1] must be a string, got the number 3'),
    );
  });

  it('refuses a reference that names no task', () => {
    expect(problemsOf(fork('f', [[simple('a')]]), join('j', ['a', 'ghost']))).toEqual(
      one('$.tasks[1].joinOn[1]', 'joinOn entry "ghost" does not name any task in this workflow'),
    );
  });

  it('refuses a reference to a task outside its fork, even one defined later', () => {
    expect(
      problemsOf(
        simple('before'),
        fork('f', [[simple('a')]]),
        join('j', ['a', 'before', 'after']),
        simple('after'),
      ),
    ).toEqual([
      {
        path: '$.tasks[2].joinOn[1]',
        message:
          'joinOn entry "before" names a task outside the fork this JOIN closes (the task is at $.tasks[0].taskReferenceName; the fork is at $.tasks[1])',
      },
      {
        path: '$.tasks[2].joinOn[2]',
        message:
          'joinOn entry "after" names a task outside the fork this JOIN closes (the task is at $.tasks[3].taskReferenceName; the fork is at $.tasks[1])',
      },
    ]);
  });

  it('may wait for tasks nested anywhere inside its fork', () => {
    const branch = [switchOn('s', { a: [loop('l', [simple('deep')])] }), simple('last')];
    expect(
      problemsOf(fork('f', [branch, [simple('b')]]), join('j', ['deep', 's', 'l', 'last', 'b'])),
    ).toEqual([]);
  });

  it('may not wait for the fork itself', () => {
    expect(problemsOf(fork('f', [[simple('a')]]), join('j', ['f']))[0]?.message).toMatch(
      /^joinOn entry "f" names a task outside the fork this JOIN closes/,
    );
  });

  it('after a FORK_JOIN must wait for something', () => {
    expect(problemsOf(fork('f', [[simple('a')]]), join('j', []))).toEqual(
      one(
        '$.tasks[1].joinOn',
        'joinOn is empty; a JOIN after a FORK_JOIN must wait for at least one task of the fork at $.tasks[0]',
      ),
    );
    expect(problemsOf(fork('f', [[simple('a')]]), join('j', undefined))).toEqual(
      one(
        '$.tasks[1].joinOn',
        "a JOIN after a FORK_JOIN needs joinOn, the references of the fork's tasks it waits for",
      ),
    );
  });

  it('after a FORK_JOIN_DYNAMIC may have an empty or missing joinOn', () => {
    const dynamic = {
      name: 'dyn',
      taskReferenceName: 'dyn',
      type: 'FORK_JOIN_DYNAMIC',
      dynamicForkTasksParam: 'tasks',
      dynamicForkTasksInputParamName: 'inputs',
    };
    expect(problemsOf(dynamic, join('j', []))).toEqual([]);
    expect(problemsOf(dynamic, join('j', undefined))).toEqual([]);
  });

  it('must follow a fork', () => {
    expect(problemsOf(join('j', []))).toEqual(
      one(
        '$.tasks[0]',
        'a JOIN must come immediately after a FORK_JOIN or FORK_JOIN_DYNAMIC in the same task list, but it is the first task of its list',
      ),
    );
  });
});

describe('EXCLUSIVE_JOIN', () => {
  const exclusive = (joinOn: unknown, extra: Loose = {}): Loose => ({
    name: 'x',
    taskReferenceName: 'x',
    type: 'EXCLUSIVE_JOIN',
    joinOn,
    ...extra,
  });

  it('needs joinOn naming known tasks', () => {
    expect(problemsOf(simple('a'), exclusive(['a', 'nope'], { defaultExclusiveJoinTask: ['gone'] }))).toEqual(
      [
        {
          path: '$.tasks[1].joinOn[1]',
          message: 'joinOn entry "nope" does not name any task in this workflow',
        },
        {
          path: '$.tasks[1].defaultExclusiveJoinTask[0]',
          message: 'defaultExclusiveJoinTask entry "gone" does not name any task in this workflow',
        },
      ],
    );
    expect(problemsOf(exclusive(undefined))).toEqual(
      one('$.tasks[0].joinOn', 'an EXCLUSIVE_JOIN task needs joinOn (a list of strings)'),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// FORK_JOIN_DYNAMIC

describe('FORK_JOIN_DYNAMIC', () => {
  const dynamic = (extra: Loose): Loose => ({
    name: 'd',
    taskReferenceName: 'd',
    type: 'FORK_JOIN_DYNAMIC',
    ...extra,
  });

  it('needs dynamicForkTasksParam and dynamicForkTasksInputParamName', () => {
    expect(problemsOf(dynamic({}), join('j', []))).toEqual([
      {
        path: '$.tasks[0].dynamicForkTasksParam',
        message: 'a FORK_JOIN_DYNAMIC task needs dynamicForkTasksParam (a non-empty string)',
      },
      {
        path: '$.tasks[0].dynamicForkTasksInputParamName',
        message: 'a FORK_JOIN_DYNAMIC task needs dynamicForkTasksInputParamName (a non-empty string)',
      },
    ]);
  });

  it('accepts the legacy dynamicForkJoinTasksParam on its own', () => {
    expect(problemsOf(dynamic({ dynamicForkJoinTasksParam: 'tasks' }), join('j', []))).toEqual([]);
    expect(problemsOf(dynamic({ dynamicForkJoinTasksParam: 5 }), join('j', []))).toEqual(
      one(
        '$.tasks[0].dynamicForkJoinTasksParam',
        'dynamicForkJoinTasksParam must be a non-empty string, got the number 5',
      ),
    );
  });

  it('refuses a mix of the legacy and current parameters, as Conductor does', () => {
    expect(
      problemsOf(dynamic({ dynamicForkJoinTasksParam: 'a', dynamicForkTasksParam: 'b' }), join('j', [])),
    ).toEqual(
      one(
        '$.tasks[0].dynamicForkJoinTasksParam',
        'use either dynamicForkJoinTasksParam (legacy) or dynamicForkTasksParam with dynamicForkTasksInputParamName, not both',
      ),
    );
  });

  it('must be immediately followed by a JOIN', () => {
    expect(problemsOf(dynamic({ dynamicForkJoinTasksParam: 'a' }))).toEqual(
      one(
        '$.tasks[0]',
        'FORK_JOIN_DYNAMIC must be immediately followed by a JOIN in the same task list, but it is the last task of its list',
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// SWITCH and DECISION

describe('SWITCH', () => {
  it('needs a known evaluatorType and an expression', () => {
    expect(problemsOf(switchOn('s', { a: [] }, { evaluatorType: 'python', expression: '' }))).toEqual([
      {
        path: '$.tasks[0].evaluatorType',
        message: 'evaluatorType must be one of value-param | javascript | graaljs, got the string "python"',
      },
      {
        path: '$.tasks[0].expression',
        message: 'expression must be a non-empty string, got an empty string',
      },
    ]);
    expect(problemsOf(switchOn('s', { a: [] }, { evaluatorType: undefined, expression: undefined }))).toEqual(
      [
        {
          path: '$.tasks[0].evaluatorType',
          message: 'a SWITCH task needs evaluatorType (one of value-param | javascript | graaljs)',
        },
        { path: '$.tasks[0].expression', message: 'a SWITCH task needs expression (a non-empty string)' },
      ],
    );
  });

  it('needs decisionCases mapping values to lists of tasks', () => {
    expect(problemsOf(switchOn('s', undefined))).toEqual(
      one('$.tasks[0].decisionCases', 'a SWITCH task needs decisionCases (an object)'),
    );
    expect(problemsOf(switchOn('s', {}))).toEqual(
      one('$.tasks[0].decisionCases', 'decisionCases is empty; a SWITCH task needs at least one case'),
    );
    expect(problemsOf(switchOn('s', { a: simple('x'), 'two words': 'y' }))).toEqual([
      { path: '$.tasks[0].decisionCases.a', message: 'case "a" must be a list of tasks, got an object' },
      {
        path: "$.tasks[0].decisionCases['two words']",
        message: 'case "two words" must be a list of tasks, got the string "y"',
      },
    ]);
  });

  it('takes defaultCase as a list of tasks', () => {
    expect(problemsOf(switchOn('s', { a: [] }, { defaultCase: {} }))).toEqual(
      one('$.tasks[0].defaultCase', 'defaultCase must be a list of tasks, got an object'),
    );
  });

  it('checks the tasks inside its cases', () => {
    expect(
      problemsOf(switchOn('s', { a: [{ name: 'n' }] }, { defaultCase: [simple('d', { type: 'NOPE' })] })),
    ).toEqual([
      {
        path: '$.tasks[0].decisionCases.a[0].taskReferenceName',
        message: 'every task needs taskReferenceName (a non-empty string)',
      },
      {
        path: '$.tasks[0].defaultCase[0].type',
        message: `unknown task type "NOPE"; the allowed types are ${ALLOWED_TYPES}`,
      },
    ]);
  });
});

describe('DECISION', () => {
  const decision = (extra: Loose): Loose => ({
    name: 'd',
    taskReferenceName: 'd',
    type: 'DECISION',
    decisionCases: { a: [simple('a')] },
    ...extra,
  });

  it('needs caseValueParam or caseExpression', () => {
    expect(problemsOf(decision({}))).toEqual(
      one(
        '$.tasks[0].caseValueParam',
        'a DECISION task needs caseValueParam or caseExpression (a non-empty string)',
      ),
    );
    expect(problemsOf(decision({ caseExpression: '$.x' }))).toEqual([]);
  });

  it('checks its cases like SWITCH', () => {
    expect(problemsOf(decision({ caseValueParam: 'x', decisionCases: [] }))).toEqual(
      one('$.tasks[0].decisionCases', 'decisionCases must be an object, got an empty array'),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// DO_WHILE

describe('DO_WHILE', () => {
  it('needs a loopCondition and a non-empty loopOver', () => {
    expect(problemsOf(loop('l', [], { loopCondition: undefined }))).toEqual([
      {
        path: '$.tasks[0].loopCondition',
        message: 'a DO_WHILE task needs loopCondition (a non-empty string)',
      },
      {
        path: '$.tasks[0].loopOver',
        message: 'loopOver must be a non-empty list of tasks, got an empty array',
      },
    ]);
  });

  it('takes keepLastN as a positive integer', () => {
    expect(problemsOf(loop('l', [simple('a')], { keepLastN: 0 }))).toEqual(
      one('$.tasks[0].keepLastN', 'keepLastN must be a positive integer, got the number 0'),
    );
  });

  it('refuses a DO_WHILE inside another, saying Baton does not support nested loops', () => {
    expect(problemsOf(loop('outer', [loop('inner', [simple('a')])]))).toEqual(
      one(
        '$.tasks[0].loopOver[0]',
        'a DO_WHILE cannot be nested inside another DO_WHILE (the outer loop is at $.tasks[0]); Baton does not support nested loops',
      ),
    );
  });

  it('refuses a DO_WHILE nested anywhere inside another, through forks and switches', () => {
    const deep = switchOn('s', { a: [fork('f', [[loop('inner', [simple('a')])]]), join('j', ['inner'])] });
    expect(problemsOf(loop('outer', [deep]))).toEqual(
      one(
        '$.tasks[0].loopOver[0].decisionCases.a[0].forkTasks[0][0]',
        'a DO_WHILE cannot be nested inside another DO_WHILE (the outer loop is at $.tasks[0]); Baton does not support nested loops',
      ),
    );
  });

  it('allows a loop inside an inline sub-workflow started from a loop', () => {
    const child = workflow([loop('inner', [simple('a')])], { name: 'child' });
    const sub = {
      name: 's',
      taskReferenceName: 's',
      type: 'SUB_WORKFLOW',
      subWorkflowParam: { workflowDefinition: child },
    };
    expect(problemsOf(loop('outer', [sub]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// SUB_WORKFLOW and START_WORKFLOW

describe('SUB_WORKFLOW', () => {
  const sub = (subWorkflowParam: unknown): Loose => ({
    name: 's',
    taskReferenceName: 's',
    type: 'SUB_WORKFLOW',
    subWorkflowParam,
  });

  it('needs subWorkflowParam with a name or an inline definition', () => {
    expect(problemsOf(sub(undefined))).toEqual(
      one(
        '$.tasks[0].subWorkflowParam',
        'a SUB_WORKFLOW task needs subWorkflowParam (an object with the name of the workflow to start, or an inline workflowDefinition)',
      ),
    );
    expect(problemsOf(sub({ version: 2 }))).toEqual(
      one(
        '$.tasks[0].subWorkflowParam.name',
        'subWorkflowParam without an inline workflowDefinition needs name (a non-empty string)',
      ),
    );
    expect(problemsOf(sub({ name: 'child', version: -1 }))).toEqual(
      one('$.tasks[0].subWorkflowParam.version', 'version must be a positive integer, got the number -1'),
    );
  });

  it('checks an inline definition and reports its problems under its path', () => {
    const child = { name: 'child', tasks: [simple('a'), simple('a', { type: 'BOGUS' })] };
    const path = '$.tasks[0].subWorkflowParam.workflowDefinition';
    expect(problemsOf(sub({ workflowDefinition: child }))).toEqual([
      {
        path: `${path}.tasks[1].taskReferenceName`,
        message: `taskReferenceName "a" is used twice (first at ${path}.tasks[0].taskReferenceName)`,
      },
      {
        path: `${path}.tasks[1].type`,
        message: `unknown task type "BOGUS"; the allowed types are ${ALLOWED_TYPES}`,
      },
    ]);
    expect(problemsOf(sub({ workflowDefinition: [] }))).toEqual(
      one(`${path}`, 'workflowDefinition must be a workflow definition object, got an empty array'),
    );
  });

  it('accepts an expression that yields the definition at run time', () => {
    expect(problemsOf(sub({ name: 'child', workflowDefinition: '${workflow.input.definition}' }))).toEqual(
      [],
    );
  });
});

describe('START_WORKFLOW', () => {
  const start = (inputParameters: unknown): Loose => ({
    name: 's',
    taskReferenceName: 's',
    type: 'START_WORKFLOW',
    inputParameters,
  });

  it('needs inputParameters.startWorkflow with a name', () => {
    expect(problemsOf(start(undefined))).toEqual(
      one(
        '$.tasks[0].inputParameters.startWorkflow',
        'a START_WORKFLOW task needs inputParameters.startWorkflow (an object with the name of the workflow to start)',
      ),
    );
    expect(problemsOf(start({ startWorkflow: { version: 1 } }))).toEqual(
      one(
        '$.tasks[0].inputParameters.startWorkflow.name',
        'inputParameters.startWorkflow needs startWorkflow.name (a non-empty string)',
      ),
    );
    expect(problemsOf(start({ startWorkflow: 'other' }))).toEqual(
      one(
        '$.tasks[0].inputParameters.startWorkflow',
        'inputParameters.startWorkflow must be an object with the name of the workflow to start, got the string "other"',
      ),
    );
    expect(problemsOf(start({ startWorkflow: '${workflow.input.request}' }))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The simple system tasks

describe('system tasks', () => {
  const task = (type: string, extra: Loose = {}): Loose => ({
    name: 't',
    taskReferenceName: 't',
    type,
    ...extra,
  });

  it('DYNAMIC needs dynamicTaskNameParam', () => {
    expect(problemsOf(task('DYNAMIC'))).toEqual(
      one(
        '$.tasks[0].dynamicTaskNameParam',
        'a DYNAMIC task needs dynamicTaskNameParam (a non-empty string)',
      ),
    );
  });

  it('INLINE needs a JavaScript evaluatorType and an expression', () => {
    expect(problemsOf(task('INLINE', { inputParameters: {} }))).toEqual([
      {
        path: '$.tasks[0].inputParameters.evaluatorType',
        message:
          'an INLINE task needs inputParameters.evaluatorType (one of value-param | javascript | graaljs)',
      },
      {
        path: '$.tasks[0].inputParameters.expression',
        message: 'an INLINE task needs inputParameters.expression (a non-empty string)',
      },
    ]);
    expect(
      problemsOf(task('INLINE', { inputParameters: { evaluatorType: 'python', expression: 1 } })),
    ).toEqual([
      {
        path: '$.tasks[0].inputParameters.evaluatorType',
        message:
          'inputParameters.evaluatorType must be one of value-param | javascript | graaljs, got the string "python"',
      },
      {
        path: '$.tasks[0].inputParameters.expression',
        message: 'inputParameters.expression must be a non-empty string, got the number 1',
      },
    ]);
    expect(
      problemsOf(task('INLINE', { evaluatorType: 'javascript', inputParameters: { expression: '1' } })),
    ).toEqual([]);
  });

  it('JSON_JQ_TRANSFORM needs inputParameters.queryExpression', () => {
    expect(problemsOf(task('JSON_JQ_TRANSFORM'))).toEqual(
      one(
        '$.tasks[0].inputParameters.queryExpression',
        'a JSON_JQ_TRANSFORM task needs inputParameters.queryExpression (a non-empty string)',
      ),
    );
    expect(
      problemsOf(task('JSON_JQ_TRANSFORM', { taskDefinition: { inputTemplate: { queryExpression: '.' } } })),
    ).toEqual([]);
  });

  it('TERMINATE needs terminationStatus COMPLETED or FAILED and cannot be optional', () => {
    expect(
      problemsOf(task('TERMINATE', { optional: true, inputParameters: { terminationStatus: 'DONE' } })),
    ).toEqual([
      {
        path: '$.tasks[0].inputParameters.terminationStatus',
        message: 'inputParameters.terminationStatus must be one of COMPLETED | FAILED, got the string "DONE"',
      },
      { path: '$.tasks[0].optional', message: 'a TERMINATE task cannot be optional' },
    ]);
    expect(problemsOf(task('TERMINATE'))).toEqual(
      one(
        '$.tasks[0].inputParameters.terminationStatus',
        'a TERMINATE task needs inputParameters.terminationStatus (one of COMPLETED | FAILED)',
      ),
    );
  });

  it('EVENT needs a sink', () => {
    expect(problemsOf(task('EVENT', { sink: '' }))).toEqual(
      one('$.tasks[0].sink', 'sink must be a non-empty string, got an empty string'),
    );
  });

  it('HTTP needs http_request with a uri, or a uri of its own', () => {
    expect(problemsOf(task('HTTP'))).toEqual(
      one(
        '$.tasks[0].inputParameters.http_request',
        'an HTTP task needs inputParameters.http_request (an object with a uri) or inputParameters.uri',
      ),
    );
    expect(problemsOf(task('HTTP', { inputParameters: { http_request: { method: 'FETCH' } } }))).toEqual([
      {
        path: '$.tasks[0].inputParameters.http_request.uri',
        message: 'inputParameters.http_request needs http_request.uri (a non-empty string)',
      },
      {
        path: '$.tasks[0].inputParameters.http_request.method',
        message:
          'http_request.method must be one of GET | HEAD | POST | PUT | PATCH | DELETE | OPTIONS | TRACE (GET when left out), got the string "FETCH"',
      },
    ]);
    expect(
      problemsOf(task('HTTP', { inputParameters: { http_request: '${workflow.input.request}' } })),
    ).toEqual([]);
    expect(
      problemsOf(task('HTTP', { inputParameters: { http_request: { uri: 'https://x', method: 'get' } } })),
    ).toEqual([]);
  });

  it('WAIT takes duration or until, not both', () => {
    expect(
      problemsOf(task('WAIT', { inputParameters: { duration: '5m', until: '2026-11-24 10:00 UTC' } })),
    ).toEqual(
      one(
        '$.tasks[0].inputParameters',
        'a WAIT task takes inputParameters.duration or inputParameters.until, not both',
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Limits

/** `levels` SWITCH tasks, each nested in the previous one's case, built without recursion. */
const nestedSwitches = (levels: number): Loose => {
  let inner: Loose = simple('leaf');
  for (let level = levels; level >= 1; level--) inner = switchOn(`s${level}`, { a: [inner] });
  return workflow([inner]);
};

describe('limits', () => {
  it(`accepts ${MAX_NESTING_DEPTH} nested containers`, () => {
    expect(validateWorkflowDef(nestedSwitches(MAX_NESTING_DEPTH))).toEqual([]);
  });

  it('reports one problem for nesting deeper than the limit, at the container too deep to enter', () => {
    const path = `$.tasks[0]${'.decisionCases.a[0]'.repeat(MAX_NESTING_DEPTH)}`;
    expect(validateWorkflowDef(nestedSwitches(MAX_NESTING_DEPTH + 1))).toEqual(
      one(
        path,
        'tasks are nested more than 32 levels deep (each FORK_JOIN, SWITCH, DECISION, DO_WHILE and inline SUB_WORKFLOW adds a level); ' +
          'nothing below this task was checked',
      ),
    );
  });

  it('reports the nesting limit once, not once per branch', () => {
    const deep = nestedSwitches(MAX_NESTING_DEPTH + 1).tasks as unknown[];
    const twice = switchOn('top', { a: deep, b: structuredClone(deep) });
    const problems = validateWorkflowDef(workflow([twice])).filter((problem) =>
      problem.message.startsWith('tasks are nested'),
    );
    expect(problems).toHaveLength(1);
  });

  it('counts inline sub-workflow definitions as a level of nesting', () => {
    let definition: Loose = workflow([simple('leaf')]);
    for (let level = 0; level <= MAX_NESTING_DEPTH; level++) {
      const sub = {
        name: 's',
        taskReferenceName: 's',
        type: 'SUB_WORKFLOW',
        subWorkflowParam: { workflowDefinition: definition },
      };
      definition = workflow([sub]);
    }
    expect(validateWorkflowDef(definition).map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^tasks are nested more than 32 levels deep/),
    ]);
  });

  it('survives 100,000 levels of nested forks and reports only the size and the nesting limit', () => {
    let body: Loose[] = [simple('leaf')];
    for (let level = 100_000; level >= 1; level--) {
      const last = body[body.length - 1]!.taskReferenceName as string;
      body = [fork(`f${level}`, [body]), join(`j${level}`, [last])];
    }
    expect(validateWorkflowDef(workflow(body))).toEqual([
      {
        path: '$',
        message: `the definition is more than ${16 * MAX_DEFINITION_BYTES} bytes as JSON; the limit is 262144 bytes (256 KiB)`,
      },
      {
        path: `$.tasks[0]${'.forkTasks[0][0]'.repeat(MAX_NESTING_DEPTH)}`,
        message: expect.stringMatching(/^tasks are nested more than 32 levels deep/),
      },
    ]);
  });

  it('survives 100,000 levels of nested plain JSON inside inputParameters', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 100_000; level++) deep = level % 2 === 0 ? [deep] : { x: deep };
    expect(() => validateWorkflowDef(workflow([simple('a', { inputParameters: { deep } })]))).not.toThrow();
  });

  it('reports a definition over the size limit with its exact UTF-8 JSON size, and its other problems too', () => {
    const text = 'é€😀"\\\n\u0001\ud800 plain '.repeat(20_000);
    const definition = workflow([simple('a'), simple('a')], { description: text });
    const size = Buffer.byteLength(JSON.stringify(definition), 'utf8');
    expect(size).toBeGreaterThan(300 * 1024);
    expect(validateWorkflowDef(definition)).toEqual([
      { path: '$', message: `the definition is ${size} bytes as JSON; the limit is 262144 bytes (256 KiB)` },
      {
        path: '$.tasks[1].taskReferenceName',
        message: 'taskReferenceName "a" is used twice (first at $.tasks[0].taskReferenceName)',
      },
    ]);
  });

  it('measures the size exactly as the UTF-8 bytes of JSON.stringify, for any JSON', () => {
    const padding = 'x'.repeat(MAX_DEFINITION_BYTES);
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }), (extra) => {
        const definition = workflow([simple('a')], { padding, extra });
        const size = Buffer.byteLength(JSON.stringify(definition), 'utf8');
        expect(validateWorkflowDef(definition)[0]).toEqual({
          path: '$',
          message: `the definition is ${size} bytes as JSON; the limit is 262144 bytes (256 KiB)`,
        });
      }),
      { numRuns: 60 },
    );
  });

  it('stops after a bounded amount of work on objects shared many times over', () => {
    // Not JSON: each level refers to the same branch twice, so there are 2^40 paths to the bottom.
    let branch: unknown[] = [simple('leaf')];
    for (let level = 0; level < 40; level++) {
      const shared = branch;
      branch = [fork(`f${level}`, [shared, shared]), join(`j${level}`, ['leaf'])];
    }
    const started = performance.now();
    const problems = validateWorkflowDef(workflow(branch));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(problems).toContainEqual({
      path: '$',
      message: 'the definition has more than 200000 tasks and list entries; checking stopped there',
    });
  });

  it('accepts a definition of exactly the size limit and refuses one a byte larger', () => {
    // Padded at the workflow level: a single step has a smaller limit of its own.
    const definition = workflow([simple('a')], { description: '' });
    const padding = MAX_DEFINITION_BYTES - Buffer.byteLength(JSON.stringify(definition), 'utf8');
    definition.description = 'x'.repeat(padding);
    expect(validateWorkflowDef(definition)).toEqual([]);
    definition.description += 'x';
    expect(validateWorkflowDef(definition)).toEqual(
      one(
        '$',
        `the definition is ${MAX_DEFINITION_BYTES + 1} bytes as JSON; the limit is 262144 bytes (256 KiB)`,
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// All problems, and never a throw

describe('reporting', () => {
  it('reports every problem, not only the first', () => {
    const definition = {
      name: '',
      version: 0,
      tasks: [
        simple('a', { type: 'NOPE' }),
        simple('a'),
        fork('f', [[simple('b')], []]),
        loop('l', [loop('l2', [simple('c__1')])], { loopCondition: '' }),
        join('j', ['zzz']),
      ],
    };
    expect(validateWorkflowDef(definition).map((problem) => problem.path)).toEqual([
      '$.name',
      '$.version',
      '$.tasks[0].type',
      '$.tasks[1].taskReferenceName',
      '$.tasks[2].forkTasks[1]',
      '$.tasks[3].loopCondition',
      '$.tasks[3].loopOver[0]',
      '$.tasks[3].loopOver[0].loopOver[0].taskReferenceName',
      '$.tasks[2]',
      '$.tasks[4]',
    ]);
  });

  it('never throws on values JSON cannot hold', () => {
    const cyclic: Loose = { name: 'wf', tasks: [] };
    (cyclic.tasks as unknown[]).push(fork('f', [[cyclic]]), cyclic);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    const getter = Object.defineProperty({ name: 'wf' }, 'tasks', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    for (const value of [10n, () => 1, Symbol('s'), cyclic, hostile, getter, { name: 'wf', tasks: [10n] }]) {
      expect(Array.isArray(validateWorkflowDef(value))).toBe(true);
      expect(Array.isArray(validateTaskDef(value))).toBe(true);
    }
    expect(validateWorkflowDef(getter)).toContainEqual({
      path: '$',
      message: 'the value could not be read as JSON data (reading it threw an exception)',
    });
  });
});

describe('properties', () => {
  const noCrash = (value: unknown): boolean => {
    const problems = validateWorkflowDef(value);
    return problems.every(
      (problem) => typeof problem.path === 'string' && typeof problem.message === 'string',
    );
  };

  it('never throws for fc.anything()', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(fc.property(anything, noCrash), { numRuns: 1000 });
  });

  it('never throws for fc.jsonValue(), as a definition or as one of its tasks', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => noCrash(value) && noCrash(workflow([value]))),
      { numRuns: 1000 },
    );
  });

  it('never throws for mutated valid definitions, and never reports reading trouble for JSON', () => {
    fc.assert(
      fc.property(arbitraryMutatedWorkflowDef(), (definition) => {
        const problems = validateWorkflowDef(definition);
        return problems.every((problem) => !problem.message.startsWith('the value could not be read'));
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts every generated valid definition', () => {
    fc.assert(
      fc.property(arbitraryWorkflowDef(), (definition) => {
        expect(validateWorkflowDef(definition)).toEqual([]);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(arbitraryWorkflowDef({ maxDepth: 8, maxWidth: 2 }), (definition: WorkflowDef) => {
        expect(validateWorkflowDef(definition)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('finds a problem whenever a generated definition gets a duplicate reference', () => {
    fc.assert(
      fc.property(arbitraryWorkflowDef(), fc.nat(), (definition, n) => {
        const tasks: WorkflowTask[] = [];
        const pending: unknown[] = [definition.tasks];
        while (pending.length > 0) {
          const value = pending.pop();
          if (Array.isArray(value)) pending.push(...value);
          else if (value && typeof value === 'object') {
            const task = value as WorkflowTask;
            tasks.push(task);
            pending.push(
              task.forkTasks,
              task.loopOver,
              task.defaultCase,
              ...Object.values(task.decisionCases ?? {}),
            );
          }
        }
        const copy = {
          ...definition,
          tasks: [...definition.tasks, simple(tasks[n % tasks.length]!.taskReferenceName)],
        };
        expect(validateWorkflowDef(copy).some((problem) => problem.message.includes('is used twice'))).toBe(
          true,
        );
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Task definitions

describe('validateTaskDef', () => {
  it('accepts a full task definition', () => {
    expect(
      validateTaskDef({
        name: 'encode',
        retryCount: 3,
        retryLogic: 'EXPONENTIAL_BACKOFF',
        retryDelaySeconds: 10,
        backoffScaleFactor: 2,
        maxRetryDelaySeconds: 300,
        timeoutSeconds: 600,
        totalTimeoutSeconds: 3600,
        responseTimeoutSeconds: 600,
        pollTimeoutSeconds: 60,
        timeoutPolicy: 'RETRY',
        concurrentExecLimit: 5,
        inputKeys: ['a'],
        outputKeys: ['b'],
        inputTemplate: { a: 1 },
        ownerEmail: 'a@example.com',
      }),
    ).toEqual([]);
  });

  it('must be an object with a name', () => {
    expect(validateTaskDef('x')).toEqual(
      one('$', 'a task definition must be a JSON object, got the string "x"'),
    );
    expect(validateTaskDef({})).toEqual(one('$.name', 'a task definition needs name (a non-empty string)'));
  });

  it('takes non-negative numbers for counts and durations', () => {
    const fields = [
      'retryCount',
      'retryDelaySeconds',
      'timeoutSeconds',
      'responseTimeoutSeconds',
      'pollTimeoutSeconds',
      'totalTimeoutSeconds',
      'backoffScaleFactor',
      'maxRetryDelaySeconds',
    ];
    const problems = validateTaskDef({ name: 't', ...Object.fromEntries(fields.map((name) => [name, -1])) });
    expect(problems).toEqual(
      fields.map((name) => ({
        path: `$.${name}`,
        message: `${name} must be a non-negative number, got the number -1`,
      })),
    );
    expect(validateTaskDef({ name: 't', retryDelaySeconds: '10' })).toEqual(
      one('$.retryDelaySeconds', 'retryDelaySeconds must be a non-negative number, got the string "10"'),
    );
  });

  it('takes a known retryLogic and timeoutPolicy', () => {
    expect(validateTaskDef({ name: 't', retryLogic: 'RANDOM', timeoutPolicy: 'IGNORE' })).toEqual([
      {
        path: '$.retryLogic',
        message:
          'retryLogic must be one of FIXED | EXPONENTIAL_BACKOFF | LINEAR_BACKOFF, got the string "RANDOM"',
      },
      {
        path: '$.timeoutPolicy',
        message: 'timeoutPolicy must be one of TIME_OUT_WF | ALERT_ONLY | RETRY, got the string "IGNORE"',
      },
    ]);
  });

  it('refuses a responseTimeoutSeconds longer than a set timeoutSeconds, counting the default of 3600', () => {
    expect(validateTaskDef({ name: 't', timeoutSeconds: 60, responseTimeoutSeconds: 61 })).toEqual(
      one('$.responseTimeoutSeconds', 'responseTimeoutSeconds 61 must not exceed timeoutSeconds 60'),
    );
    expect(validateTaskDef({ name: 't', timeoutSeconds: 60 })).toEqual(
      one(
        '$.responseTimeoutSeconds',
        'responseTimeoutSeconds 3600 (the default) must not exceed timeoutSeconds 60',
      ),
    );
    expect(validateTaskDef({ name: 't', timeoutSeconds: 60, responseTimeoutSeconds: 60 })).toEqual([]);
    expect(validateTaskDef({ name: 't', timeoutSeconds: 0, responseTimeoutSeconds: 7200 })).toEqual([]);
  });
});
