import { errorResponse } from '../api/errors';
import { readBody } from '../api/request';
import { type ApiDeps, type ApiRequest, createRouter } from '../api/router';
import { apiRoutes } from '../api/routes';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from '../shared/api-gateway';
import { NotFoundError } from '../shared/errors';

export type { ApiDeps } from '../api/router';

/** rawQueryString keeps repeated parameters apart; the parsed map is the fallback for hand-made events. */
const queryOf = (event: APIGatewayProxyEventV2): URLSearchParams => {
  if (event.rawQueryString !== undefined) return new URLSearchParams(event.rawQueryString);
  const pairs = Object.entries(event.queryStringParameters ?? {}).filter(
    (pair): pair is [string, string] => pair[1] !== undefined,
  );
  return new URLSearchParams(pairs);
};

/**
 * The HTTP API's Lambda (payload format 2.0), serving Conductor's REST API: match the route, parse,
 * call the engine, format; every error becomes Conductor's error JSON in one place. Routes match
 * rawPath, so the API is deployed on the `$default` stage (a named stage would prefix the path).
 */
export const createApiHandler = (deps: ApiDeps) => {
  const match = createRouter(apiRoutes);
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    const requestId = event.requestContext.requestId;
    try {
      const found = match(method, path);
      if (!found) throw new NotFoundError(`No endpoint ${method} ${path}`);
      const request: ApiRequest = {
        method,
        path,
        params: found.params,
        query: queryOf(event),
        body: readBody(event),
        requestId,
      };
      return await found.route.handle(request, deps);
    } catch (error) {
      return errorResponse(error, { method, path, requestId });
    }
  };
};
