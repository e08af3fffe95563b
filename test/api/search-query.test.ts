import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduledTaskTypesOf, workflowFilterOf } from '../../lambdas/api/search-filters';
import { parseSearchQuery, type QueryClause } from '../../lambdas/api/search-query';
import { ValidationError } from '../../lambdas/shared/errors';

const errorOf = (run: () => unknown): ValidationError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

const parseError = (query: string) => errorOf(() => parseSearchQuery(query)).message;
const workflowFilter = (query: string) => workflowFilterOf(parseSearchQuery(query));
const filterError = (query: string) => errorOf(() => workflowFilter(query)).message;
const taskTypes = (query: string) => scheduledTaskTypesOf(parseSearchQuery(query));
const taskError = (query: string) => errorOf(() => taskTypes(query)).message;

describe('parseSearchQuery', () => {
  it('reads clauses joined by AND, with quoted and bare values and IN lists', () => {
    expect(
      parseSearchQuery(
        `workflowType = 'order flow' AND status IN (RUNNING, FAILED) and startTime >= 1700000000000`,
      ),
    ).toEqual([
      { field: 'workflowType', operator: '=', values: ['order flow'], position: 1 },
      { field: 'status', operator: 'IN', values: ['RUNNING', 'FAILED'], position: 33 },
      { field: 'startTime', operator: '>=', values: ['1700000000000'], position: 65 },
    ]);
  });

  it('reads double quotes, escaped quotes and operators written without spaces', () => {
    expect(parseSearchQuery(`correlationId="c \\"1\\""AND startTime<5`)).toEqual([
      { field: 'correlationId', operator: '=', values: ['c "1"'], position: 1 },
      { field: 'startTime', operator: '<', values: ['5'], position: 28 },
    ]);
  });

  it('has no clauses for an empty or blank query', () => {
    expect(parseSearchQuery('')).toEqual([]);
    expect(parseSearchQuery('  \t ')).toEqual([]);
  });

  it('refuses OR, NOT, grouping, != and BETWEEN by name, saying where', () => {
    expect(parseError('status = RUNNING OR status = FAILED')).toBe(
      'query is not valid at position 18: OR is not supported: join clauses with AND (for several values of one field, use IN)',
    );
    expect(parseError('NOT status = RUNNING')).toBe('query is not valid at position 1: NOT is not supported');
    expect(parseError('(status = RUNNING)')).toMatch(
      /^query is not valid at position 1: parentheses around clauses/,
    );
    expect(parseError('status != RUNNING')).toBe(
      'query is not valid at position 8: the operator != is not supported: use = or IN',
    );
    expect(parseError('startTime BETWEEN 1 AND 2')).toBe(
      'query is not valid at position 11: BETWEEN is not supported: use =, IN, >, <, >= or <=',
    );
  });

  it('says what it expected and what it found instead', () => {
    expect(parseError('status =')).toBe(
      'query is not valid at position 9: expected a value after "=", found the end of the query',
    );
    expect(parseError('status RUNNING')).toBe(
      'query is not valid at position 8: expected an operator (=, IN, >, <, >= or <=) after status, found "RUNNING"',
    );
    expect(parseError('status IN RUNNING')).toBe(
      'query is not valid at position 11: expected "(" after IN, found "RUNNING"',
    );
    expect(parseError('status IN (RUNNING FAILED)')).toBe(
      'query is not valid at position 20: expected "," or ")" in the IN list, found "FAILED"',
    );
    expect(parseError('status = RUNNING status = FAILED')).toBe(
      'query is not valid at position 18: expected AND or the end of the query, found "status"',
    );
    expect(parseError("'status' = RUNNING")).toBe(
      'query is not valid at position 1: expected a field name, found the quoted value "status"',
    );
    expect(parseError('status = RUNNING AND')).toBe(
      'query is not valid at position 21: expected a field name, found the end of the query',
    );
    expect(parseError("workflowType = 'open")).toBe(
      "query is not valid at position 16: the quote ' opened here is never closed",
    );
    expect(parseError('status ! RUNNING')).toBe('query is not valid at position 8: unexpected character "!"');
  });

  it('names the query parameter in the problem list', () => {
    expect(errorOf(() => parseSearchQuery('status =')).problems).toEqual([
      { path: '$.query', message: 'at position 9: expected a value after "=", found the end of the query' },
    ]);
  });

  const FIELDS = ['workflowType', 'status', 'correlationId', 'startTime', 'x_1'];
  const OPERATORS = ['=', '>', '<', '>=', '<=', 'IN'] as const;
  const clauseArbitrary = fc.record({
    field: fc.constantFrom(...FIELDS),
    operator: fc.constantFrom(...OPERATORS),
    values: fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 4 }),
  });
  const quote = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  const render = (clauses: Omit<QueryClause, 'position'>[], spaces: string[], andWords: string[]) =>
    clauses
      .map(({ field, operator, values }, index) => {
        const space = spaces[index % spaces.length]!;
        const value = operator === 'IN' ? `(${values.map(quote).join(`,${space}`)})` : quote(values[0]!);
        return `${field}${space}${operator}${space}${value}`;
      })
      .join(` ${andWords[0]} `);

  it('reads back any clauses it is given, quoted values holding any characters', () => {
    fc.assert(
      fc.property(
        fc.array(clauseArbitrary, { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom(' ', '  ', '\t', ' \n '), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('AND', 'and', 'And'),
        (clauses, spaces, and) => {
          const normalised = clauses.map((clause) => ({
            ...clause,
            values: clause.operator === 'IN' ? clause.values : clause.values.slice(0, 1),
          }));
          const parsed = parseSearchQuery(render(normalised, spaces, [and]));
          expect(parsed.map(({ position: _position, ...clause }) => clause)).toEqual(normalised);
        },
      ),
    );
  });

  it('either parses or throws a ValidationError that names a position inside the query', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (query) => {
        try {
          parseSearchQuery(query);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          const position = Number(/at position (\d+)/.exec((error as Error).message)?.[1]);
          expect(position).toBeGreaterThanOrEqual(1);
          expect(position).toBeLessThanOrEqual(query.length + 1);
        }
      }),
    );
  });
});

describe('workflowFilterOf', () => {
  it('serves workflowType, status, correlationId and a startTime range', () => {
    expect(
      workflowFilter(
        "workflowType = 'x' AND status IN (RUNNING, FAILED) AND correlationId = 'c-1' AND startTime > 1700000000000 AND startTime <= 1800000000000",
      ),
    ).toEqual({
      workflowTypes: ['x'],
      statuses: ['RUNNING', 'FAILED'],
      correlationIds: ['c-1'],
      startedFrom: 1700000000001,
      startedTo: 1800000000000,
    });
    expect(workflowFilter('startTime = 5')).toEqual({ startedFrom: 5, startedTo: 5 });
    expect(workflowFilter('startTime < 5 AND startTime >= 2')).toEqual({ startedFrom: 2, startedTo: 4 });
  });

  it('narrows a field named twice, down to nothing when the clauses disagree', () => {
    expect(workflowFilter('status IN (RUNNING, FAILED) AND status = FAILED')).toEqual({
      statuses: ['FAILED'],
    });
    expect(workflowFilter('status = RUNNING AND status = FAILED')).toEqual({ statuses: [] });
    expect(workflowFilter('startTime > 10 AND startTime > 20')).toEqual({ startedFrom: 21 });
  });

  it('refuses fields no index serves, naming the ones that are served', () => {
    expect(filterError("workflowType = 'x' AND input = 'y'")).toBe(
      "query is not valid at position 24: workflows cannot be searched by input: Baton's indexes serve workflowType, status, correlationId, startTime",
    );
  });

  it('refuses comparisons on names, IN on times, unknown statuses and times that are not numbers', () => {
    expect(filterError("workflowType > 'x'")).toBe(
      'query is not valid at position 1: workflowType takes = or IN, not >',
    );
    expect(filterError('startTime IN (1, 2)')).toBe(
      'query is not valid at position 1: startTime takes =, >, <, >= or <=, not IN',
    );
    expect(filterError('status = DONE')).toBe(
      'query is not valid at position 1: "DONE" is not a workflow status: use one of RUNNING, COMPLETED, FAILED, TIMED_OUT, TERMINATED, PAUSED',
    );
    expect(filterError("startTime > '2026-01-01'")).toBe(
      'query is not valid at position 1: startTime compares with epoch milliseconds, got "2026-01-01"',
    );
  });

  it('caps the values of one field', () => {
    const many = Array.from({ length: 11 }, (_, i) => `t${i}`).join(', ');
    expect(filterError(`workflowType IN (${many})`)).toBe(
      'query is not valid at position 1: workflowType IN may list at most 10 values',
    );
  });
});

describe('scheduledTaskTypesOf', () => {
  it('serves SCHEDULED tasks of named types', () => {
    expect(taskTypes("taskType = 'encode' AND status = SCHEDULED")).toEqual(['encode']);
    expect(taskTypes('taskType IN (a, b) AND status IN (SCHEDULED)')).toEqual(['a', 'b']);
  });

  it('refuses other statuses, other fields, missing parts and system task types, saying why', () => {
    expect(taskError("taskType = 'a' AND status = IN_PROGRESS")).toMatch(
      /^query is not valid at position 20: tasks cannot be searched by status IN_PROGRESS: only SCHEDULED worker tasks are indexed, by type .*would add an index write to every task transition$/,
    );
    expect(taskError("workflowId = 'w' AND status = SCHEDULED")).toMatch(
      /at position 1: tasks cannot be searched by workflowId: only SCHEDULED/,
    );
    expect(taskError('status = SCHEDULED')).toMatch(/^query is not valid: name the task types/);
    expect(taskError("taskType = 'a'")).toMatch(/^query is not valid: add status = SCHEDULED/);
    expect(taskError("taskType = 'HTTP' AND status = SCHEDULED")).toMatch(
      /HTTP tasks are run by Baton, never queued for workers/,
    );
    expect(taskError("taskType = 'a' AND status = WAITING")).toMatch(/"WAITING" is not a task status/);
  });
});
