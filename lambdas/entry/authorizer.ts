/**
 * Lambda entry point of the HTTP API's authorizer. It needs only the signing secret: no tables, no
 * queues, so it reads just the auth part of the configuration.
 */
import { signingSecretOf } from '../auth/signing-secret';
import { createAuthorizerHandler } from '../handlers/authorizer';
import { ENV, readAuthConfig } from '../shared/config';
import { lazyHandler } from './lazy-handler';
import { secretsManagerReader } from './read-secret';

export const handler = lazyHandler(async () => {
  const clock = { now: () => Date.now() };
  return createAuthorizerHandler({
    signingSecret: signingSecretOf(
      readAuthConfig(process.env),
      clock,
      secretsManagerReader(process.env[ENV.AWS_ENDPOINT_URL] || undefined),
    ),
    clock,
  });
});
