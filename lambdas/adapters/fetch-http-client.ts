import { STATUS_CODES } from 'node:http';
import type { HttpClient, HttpExchange, HttpReply } from '../ports';

/**
 * HttpClient over Node's global fetch. fetch has no separate connect timeout, so the whole exchange
 * (connect, headers and body) must end within connectTimeoutMs + readTimeoutMs: bounded, which is
 * what the runner needs, though a slow connect leaves less time for reading than Conductor would.
 */
export class FetchHttpClient implements HttpClient {
  async send(request: HttpExchange): Promise<HttpReply> {
    const budget = request.connectTimeoutMs + request.readTimeoutMs;
    try {
      const response = await fetch(request.uri, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(budget),
        redirect: 'follow',
      });
      const headers: Record<string, string[]> = {};
      response.headers.forEach((value, name) => {
        // fetch joins repeated headers with ", " except Set-Cookie, which it keeps apart.
        headers[name] = name === 'set-cookie' ? response.headers.getSetCookie() : [value];
      });
      return {
        statusCode: response.status,
        reasonPhrase: response.statusText || STATUS_CODES[response.status] || '',
        headers,
        body: await response.text(),
      };
    } catch (error) {
      throw new Error(describeFailure(error, budget));
    }
  }
}

/** fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
const describeFailure = (error: unknown, budget: number): string => {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no complete response within ${budget} ms`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
};
