import { metadataRoutes } from './metadata-routes';
import type { Route } from './router';
import { taskRoutes } from './task-routes';
import { tokenRoutes } from './token-routes';
import { workflowRoutes } from './workflow-routes';

/** Every endpoint Baton serves, with Conductor's paths; a request matching none is a 404. */
export const apiRoutes: readonly Route[] = [
  ...metadataRoutes,
  ...workflowRoutes,
  ...taskRoutes,
  ...tokenRoutes,
];
