import { metadataRoutes } from './metadata-routes';
import type { Route } from './router';
import { searchRoutes } from './search-routes';
import { taskAdminRoutes } from './task-admin-routes';
import { taskRoutes } from './task-routes';
import { tokenRoutes } from './token-routes';
import { workflowOperationRoutes } from './workflow-operation-routes';
import { workflowRoutes } from './workflow-routes';

/** Every endpoint Baton serves, with Conductor's paths; a request matching none is a 404. */
export const apiRoutes: readonly Route[] = [
  ...searchRoutes,
  ...metadataRoutes,
  ...workflowRoutes,
  ...workflowOperationRoutes,
  ...taskRoutes,
  ...taskAdminRoutes,
  ...tokenRoutes,
];
