import type { EngineDeps } from '../engine/deps';
import type { ExecutionQueries, PollDataStore, TaskLogStore } from '../ports';
import type { APIGatewayProxyResultV2 } from '../shared/api-gateway';
import { ValidationError } from '../shared/errors';

/** The stores only the API uses: nothing on the decide path reads them. */
export interface ApiStores {
  taskLogs: TaskLogStore;
  pollData: PollDataStore;
  /** Searches and lists, served by indexes (search-routes.ts). */
  queries: ExecutionQueries;
}

/** What the routes run on: the engine and the API's own stores, plus a sleep for long polls and retried terminates. */
export type ApiDeps = EngineDeps & ApiStores & { sleep: (ms: number) => Promise<void> };

/** A request as the routes see it: path parameters decoded, body decoded and size-checked. */
export interface ApiRequest {
  method: string;
  path: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The body as text; undefined when none was sent. */
  body: string | undefined;
  requestId: string | undefined;
}

export type RouteHandler = (request: ApiRequest, deps: ApiDeps) => Promise<APIGatewayProxyResultV2>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Conductor's path, with `{name}` for a parameter that takes one whole segment. */
  path: string;
  handle: RouteHandler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

type Segment = { literal: string } | { param: string };

const compile = (path: string): Segment[] =>
  segmentsOf(path).map((part) => {
    const param = /^\{(\w+)\}$/.exec(part)?.[1];
    return param ? { param } : { literal: part };
  });

const segmentsOf = (path: string): string[] => {
  const parts = path.split('/');
  // A leading slash, and one trailing slash, leave empty parts that name nothing.
  if (parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
};

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ValidationError(`the path segment ${JSON.stringify(part)} is not valid percent-encoding`);
  }
};

/**
 * A table-driven matcher: the first route whose method and segments match wins, so the table lists
 * literal paths before parameterised ones of the same shape. Segments are compared after decoding,
 * so `/api/workflow/my%20flow` reaches `{name}` as "my flow" and an encoded slash stays inside its
 * segment.
 */
export const createRouter = (routes: readonly Route[]) => {
  const table = routes.map((route) => ({ route, segments: compile(route.path) }));
  return (method: string, rawPath: string): RouteMatch | undefined => {
    const parts = segmentsOf(rawPath).map(decode);
    for (const { route, segments } of table) {
      if (route.method !== method || segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matched = segments.every((segment, index) => {
        const part = parts[index]!;
        if ('literal' in segment) return segment.literal === part;
        params[segment.param] = part;
        return part !== '';
      });
      if (matched) return { route, params };
    }
    return undefined;
  };
};
