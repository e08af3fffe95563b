import { NotFoundError } from '../shared/errors';
import { metadataRoutes } from './metadata-routes';
import type { Route } from './router';
import { taskRoutes } from './task-routes';
import { workflowRoutes } from './workflow-routes';

/**
 * Authentication is a later milestone. An SDK given no key never calls this; one that does reads a
 * 404 here as "this server has no auth" and carries on without a token.
 */
const tokenRoute: Route = {
  method: 'POST',
  path: '/api/token',
  handle: async () => {
    throw new NotFoundError('Baton has no authentication yet; send requests without a token');
  },
};

/** Every endpoint Baton serves, with Conductor's paths; a request matching none is a 404. */
export const apiRoutes: readonly Route[] = [...metadataRoutes, ...workflowRoutes, ...taskRoutes, tokenRoute];
