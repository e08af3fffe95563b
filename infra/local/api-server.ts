import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
} from '../../lambdas/handlers/authorizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from '../../lambdas/shared/api-gateway';

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface LocalAuthorizer {
  authorize: (event: APIGatewayRequestAuthorizerEventV2) => Promise<APIGatewaySimpleAuthorizerResult>;
  /** The header API Gateway requires before it calls the authorizer (its identity source). */
  identityHeader: string;
  /** Routes served without the authorizer, as `METHOD /path`. */
  openRoutes: readonly string[];
}

const gatewayAnswer = (statusCode: number, message: string): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
});

/**
 * Plays API Gateway's Lambda authorizer step in front of the handler, with its answers: a request
 * without the identity header is refused with 401 and the authorizer is not called; one the
 * authorizer refuses gets 403.
 */
export const behindAuthorizer =
  (handler: ApiHandler, authorizer: LocalAuthorizer): ApiHandler =>
  async (event) => {
    const route = `${event.requestContext.http.method.toUpperCase()} ${event.rawPath}`;
    if (authorizer.openRoutes.includes(route)) return handler(event);
    const identity = event.headers?.[authorizer.identityHeader];
    if (!identity) return gatewayAnswer(401, 'Unauthorized');
    const decision = await authorizer.authorize({
      version: '2.0',
      type: 'REQUEST',
      routeKey: route,
      rawPath: event.rawPath,
      headers: event.headers,
      identitySource: [identity],
    });
    return decision.isAuthorized ? handler(event) : gatewayAnswer(403, 'Forbidden');
  };

/** Requests larger than API Gateway accepts (10 MB) are cut off here as they would be there. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * Plays API Gateway's HTTP API in front of the api function: each request becomes a payload 2.0
 * event, and the function's result becomes the response, exactly as deployed.
 */
export const startApiServer = async (handler: ApiHandler, port: number, host = '127.0.0.1') => {
  const server = createServer((request, response) => {
    serve(handler, request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ message: 'local api error', error: String(error) }));
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Internal server error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`,
    port: address.port,
    close: () => closeServer(server),
  };
};

const serve = async (handler: ApiHandler, request: IncomingMessage, response: ServerResponse) => {
  const body = await readRequest(request);
  if (body === undefined) {
    response.writeHead(413, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'Request Entity Too Large' }));
    return;
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : value,
    ]),
  );
  const result = await handler({
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      requestId: randomUUID(),
      stage: '$default',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        sourceIp: request.socket.remoteAddress ?? '',
      },
    },
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  });
  response.writeHead(result.statusCode, result.headers ?? {});
  response.end(
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
  );
};

const readRequest = async (request: IncomingMessage): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
