import { ValidationError } from '../shared/errors';

/**
 * Conductor's search `query` syntax, the part of it Baton's indexes can answer: clauses joined by
 * AND, each `field = value`, `field IN (value, …)` or a comparison (`>`, `<`, `>=`, `<=`). Values
 * are bare words (`RUNNING`, `1700000000000`, `c-1`) or quoted with ' or " (a backslash escapes
 * the next character). OR, NOT, parentheses around clauses, `!=`, BETWEEN, LIKE and IS are refused
 * by name. Errors say where (counting characters from 1) and what was expected there.
 */

type ClauseOperator = '=' | '>' | '<' | '>=' | '<=' | 'IN';

export interface QueryClause {
  field: string;
  operator: ClauseOperator;
  /** One value, or the IN list's. */
  values: string[];
  /** Where the field name starts, counting from 1. */
  position: number;
}

type TokenKind = 'word' | 'string' | 'operator' | 'open' | 'close' | 'comma' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  position: number;
}

/** Longest first, so that `>=` is not read as `>` then `=`. */
const OPERATORS = ['>=', '<=', '!=', '<>', '=', '>', '<'] as const;
const PUNCTUATION: Record<string, TokenKind> = { '(': 'open', ')': 'close', ',': 'comma' };
const WORD_CHARACTER = /[^\s()=<>!,'"]/;
const KEYWORDS = new Set(['AND', 'OR', 'IN', 'NOT', 'BETWEEN', 'LIKE', 'IS']);

/** A query error at a position; the message says what was expected. */
export const queryError = (position: number, message: string): ValidationError =>
  new ValidationError(`query is not valid at position ${position}: ${message}`, [
    { path: '$.query', message: `at position ${position}: ${message}` },
  ]);

const describe = (token: Token): string => {
  if (token.kind === 'end') return 'the end of the query';
  if (token.kind === 'string') return `the quoted value ${JSON.stringify(token.text)}`;
  return `"${token.text}"`;
};

const keywordOf = (token: Token): string | undefined => {
  const upper = token.text.toUpperCase();
  return token.kind === 'word' && KEYWORDS.has(upper) ? upper : undefined;
};

const readQuoted = (query: string, start: number): { text: string; end: number } => {
  const quote = query[start];
  let text = '';
  for (let i = start + 1; i < query.length; i++) {
    const character = query[i]!;
    if (character === quote) return { text, end: i + 1 };
    if (character === '\\' && i + 1 < query.length) {
      i += 1;
      text += query[i];
    } else {
      text += character;
    }
  }
  throw queryError(start + 1, `the quote ${quote} opened here is never closed`);
};

const tokenize = (query: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const character = query[i]!;
    const position = i + 1;
    if (/\s/.test(character)) {
      i += 1;
      continue;
    }
    const punctuation = PUNCTUATION[character];
    const operator = OPERATORS.find((candidate) => query.startsWith(candidate, i));
    if (punctuation) {
      tokens.push({ kind: punctuation, text: character, position });
      i += 1;
    } else if (operator) {
      tokens.push({ kind: 'operator', text: operator, position });
      i += operator.length;
    } else if (character === "'" || character === '"') {
      const { text, end } = readQuoted(query, i);
      tokens.push({ kind: 'string', text, position });
      i = end;
    } else if (WORD_CHARACTER.test(character)) {
      let end = i;
      while (end < query.length && WORD_CHARACTER.test(query[end]!)) end += 1;
      tokens.push({ kind: 'word', text: query.slice(i, end), position });
      i = end;
    } else {
      throw queryError(position, `unexpected character "${character}"`);
    }
  }
  tokens.push({ kind: 'end', text: '', position: query.length + 1 });
  return tokens;
};

/** Recursive descent over `clause (AND clause)*`. */
class ClauseParser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): QueryClause[] {
    if (this.peek().kind === 'end') return [];
    const clauses = [this.clause()];
    for (;;) {
      const token = this.next();
      const keyword = keywordOf(token);
      if (token.kind === 'end') return clauses;
      if (keyword === 'AND') clauses.push(this.clause());
      else if (keyword === 'OR') {
        throw queryError(
          token.position,
          'OR is not supported: join clauses with AND (for several values of one field, use IN)',
        );
      } else {
        throw queryError(token.position, `expected AND or the end of the query, found ${describe(token)}`);
      }
    }
  }

  private clause(): QueryClause {
    const field = this.next();
    const keyword = keywordOf(field);
    if (field.kind === 'open') {
      throw queryError(field.position, 'parentheses around clauses are not supported: join clauses with AND');
    }
    if (keyword === 'NOT') throw queryError(field.position, 'NOT is not supported');
    if (field.kind !== 'word' || keyword) {
      throw queryError(field.position, `expected a field name, found ${describe(field)}`);
    }
    const operator = this.next();
    const operatorKeyword = keywordOf(operator);
    const clause = { field: field.text, position: field.position };
    if (operatorKeyword === 'IN') return { ...clause, operator: 'IN', values: this.list() };
    if (operator.kind === 'operator') {
      if (operator.text === '!=' || operator.text === '<>') {
        throw queryError(operator.position, `the operator ${operator.text} is not supported: use = or IN`);
      }
      return { ...clause, operator: operator.text as ClauseOperator, values: [this.value(operator)] };
    }
    if (operatorKeyword && operatorKeyword !== 'AND' && operatorKeyword !== 'OR') {
      throw queryError(operator.position, `${operatorKeyword} is not supported: use =, IN, >, <, >= or <=`);
    }
    throw queryError(
      operator.position,
      `expected an operator (=, IN, >, <, >= or <=) after ${field.text}, found ${describe(operator)}`,
    );
  }

  private value(after: Token): string {
    const token = this.next();
    if (token.kind === 'string' || (token.kind === 'word' && !keywordOf(token))) return token.text;
    throw queryError(token.position, `expected a value after ${describe(after)}, found ${describe(token)}`);
  }

  private list(): string[] {
    const open = this.next();
    if (open.kind !== 'open')
      throw queryError(open.position, `expected "(" after IN, found ${describe(open)}`);
    const values = [this.value(open)];
    for (;;) {
      const token = this.next();
      if (token.kind === 'close') return values;
      if (token.kind !== 'comma') {
        throw queryError(token.position, `expected "," or ")" in the IN list, found ${describe(token)}`);
      }
      values.push(this.value(token));
    }
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    // The end token is never passed: every later call sees it again.
    if (token.kind !== 'end') this.index += 1;
    return token;
  }
}

/** The clauses of a query; an empty or blank query has none (everything matches). */
export const parseSearchQuery = (query: string): QueryClause[] => new ClauseParser(tokenize(query)).parse();
