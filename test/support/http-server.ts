import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (request: IncomingMessage & { body: string }, response: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 and a free port, counting the requests each path received. */
export const startHttpServer = async (routes: Record<string, Route>) => {
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const route = routes[path];
      if (route) route(Object.assign(request, { body }), response);
      else response.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    hits: (path: string) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        // Slow routes may still hold sockets; do not wait for them.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
