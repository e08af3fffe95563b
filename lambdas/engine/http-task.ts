import type { TaskResult } from '../core/index';
import { type JsonMap, TaskStatus } from '../core/index';
import type { HttpClient, HttpExchange, HttpReply } from '../ports';

/** Conductor's HttpTask.Input defaults. */
const DEFAULT_TIMEOUT_MS = 3_000;
/** A cap per timeout, so that no definition makes the runner (a Lambda) wait longer than it may run. */
export const MAX_HTTP_TIMEOUT_MS = 120_000;
const BODYLESS = new Set(['GET', 'HEAD']);

type Outcome = Pick<TaskResult, 'status' | 'outputData' | 'reasonForIncompletion'>;

const isObject = (value: unknown): value is JsonMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const timeout = (value: unknown): number =>
  typeof value === 'number' && value > 0 ? Math.min(value, MAX_HTTP_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;

/**
 * The request an HTTP task's input describes: `http_request {…}`, or (newer Conductor) the same
 * fields directly in the input. Undefined when there is no uri.
 */
export const httpExchangeOf = (input: JsonMap): HttpExchange | undefined => {
  const raw = isObject(input.http_request) ? input.http_request : input;
  if (typeof raw.uri !== 'string' || raw.uri === '') return undefined;
  const method = typeof raw.method === 'string' ? raw.method.toUpperCase() : 'GET';
  // fetch refuses a body on GET and HEAD; Conductor's definitions sometimes carry one anyway.
  const hasBody = raw.body !== undefined && raw.body !== null && !BODYLESS.has(method);
  const headers: Record<string, string> = { accept: String(raw.accept ?? 'application/json') };
  if (hasBody) headers['content-type'] = String(raw.contentType ?? 'application/json');
  // Lower-cased, so that a definition's "Accept" replaces the default instead of joining it.
  for (const [name, value] of Object.entries(isObject(raw.headers) ? raw.headers : {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  return {
    uri: raw.uri,
    method,
    headers,
    body: hasBody ? (typeof raw.body === 'string' ? raw.body : JSON.stringify(raw.body)) : undefined,
    connectTimeoutMs: timeout(raw.connectionTimeOut),
    readTimeoutMs: timeout(raw.readTimeOut),
  };
};

/** The longest an HTTP task's call may take. */
export const httpBudgetMs = (input: JsonMap): number => {
  const exchange = httpExchangeOf(input);
  return exchange ? exchange.connectTimeoutMs + exchange.readTimeoutMs : 0;
};

/** Calls the endpoint: 2xx completes the task, any other answer or no answer fails it (retryable). */
export const runHttpTask = async (http: HttpClient, input: JsonMap): Promise<Outcome> => {
  const exchange = httpExchangeOf(input);
  if (!exchange) {
    return {
      status: TaskStatus.FAILED_WITH_TERMINAL_ERROR,
      reasonForIncompletion: 'an HTTP task needs http_request.uri (or uri in its input)',
    };
  }
  const target = `${exchange.method} ${exchange.uri}`;
  let reply: HttpReply;
  try {
    reply = await http.send(exchange);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: TaskStatus.FAILED, reasonForIncompletion: `${target} failed: ${message}` };
  }
  const { statusCode, reasonPhrase, headers } = reply;
  const response = { statusCode, reasonPhrase, headers, body: parseBody(reply) };
  if (statusCode >= 200 && statusCode < 300) {
    return { status: TaskStatus.COMPLETED, outputData: { response } };
  }
  const excerpt = reply.body.length > 200 ? `${reply.body.slice(0, 200)}…` : reply.body;
  return {
    status: TaskStatus.FAILED,
    outputData: { response },
    reasonForIncompletion: `${target} answered ${statusCode} ${reasonPhrase}${excerpt ? `: ${excerpt}` : ''}`,
  };
};

/**
 * JSON bodies become values, anything else stays text. Like Conductor, a body that looks like a JSON
 * object or array is parsed whatever its content type, since many servers label JSON as text/plain.
 */
const parseBody = (reply: HttpReply): unknown => {
  if (reply.body === '') return null;
  const type = reply.headers['content-type']?.[0] ?? '';
  if (/[/+]json\b/i.test(type) || /^\s*[[{]/.test(reply.body)) {
    try {
      return JSON.parse(reply.body);
    } catch {
      // Labelled JSON but not JSON: the text is still worth keeping.
    }
  }
  return reply.body;
};
