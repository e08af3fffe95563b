/**
 * Lambda entry point of the HTTP API (Conductor's REST API behind API Gateway). With an auth table
 * configured (token auth) it also serves the token exchange, signing with the Secrets Manager secret.
 */
import type { ApiDepsWithTokens } from '../api/token-routes';
import { createTokenExchange } from '../auth/wiring';
import { createApiHandler } from '../handlers/api';
import { readAuthConfig, readConfig } from '../shared/config';
import { createAwsClients, createRuntimeDeps } from '../shared/wiring';
import { lazyHandler } from './lazy-handler';
import { secretsManagerReader } from './read-secret';

export const handler = lazyHandler(async () => {
  const config = readConfig(process.env);
  const clients = createAwsClients(config);
  const deps = await createRuntimeDeps(config, clients);
  const tokenExchange = createTokenExchange(readAuthConfig(process.env), clients.dynamodb, {
    clock: deps.clock,
    readSecret: secretsManagerReader(config.endpoint),
  });
  const apiDeps: ApiDepsWithTokens = { ...deps, tokenExchange };
  return createApiHandler(apiDeps);
});
