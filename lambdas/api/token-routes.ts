import { exchangeKeyForToken, type TokenExchangeDeps } from '../auth/token-exchange';
import type { Problem } from '../core/index';
import { NotFoundError, ValidationError } from '../shared/errors';
import { conductorError } from './errors';
import { objectBody } from './request';
import { json } from './responses';
import type { ApiDeps, Route } from './router';

/** The one route API Gateway serves without the authorizer: how a client gets its token. */
export const TOKEN_ROUTE = { method: 'POST', path: '/api/token' } as const;

/**
 * The API's dependencies with the token exchange switched on. Without `tokenExchange` the route
 * answers 404, which Conductor SDKs read as "this server has no auth" and carry on without a token.
 */
export type ApiDepsWithTokens = ApiDeps & { tokenExchange?: TokenExchangeDeps };

/** Generous for a UUID and a 43-character secret; a longer one is not a key Baton issued. */
const MAX_FIELD_CHARS = 256;

const credentialsOf = (body: Record<string, unknown>): { keyId: string; keySecret: string } => {
  const problems: Problem[] = [];
  for (const [name, meaning] of [
    ['keyId', 'the application key’s id'],
    ['keySecret', 'the application key’s secret'],
  ] as const) {
    const value = body[name];
    if (typeof value !== 'string' || value === '' || value.length > MAX_FIELD_CHARS) {
      problems.push({
        path: `$.${name}`,
        message: `${name} must be a non-empty string of at most ${MAX_FIELD_CHARS} characters: ${meaning}`,
      });
    }
  }
  if (problems.length > 0) {
    throw new ValidationError(
      `token request is not valid: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    );
  }
  return { keyId: body.keyId as string, keySecret: body.keySecret as string };
};

export const tokenRoutes: Route[] = [
  {
    ...TOKEN_ROUTE,
    handle: async (request, deps) => {
      const exchange = (deps as ApiDepsWithTokens).tokenExchange;
      if (!exchange) {
        throw new NotFoundError('this Baton runs with no authentication; send requests without a token');
      }
      const credentials = credentialsOf(objectBody(request, 'an object {keyId, keySecret}'));
      const outcome = await exchangeKeyForToken(exchange, credentials);
      if (outcome.kind === 'refused') {
        const { keyId } = credentials;
        console.warn(JSON.stringify({ message: 'token refused', keyId, reason: outcome.reason }));
        return conductorError(401, 'keyId and keySecret do not match an active application key');
      }
      return json({ token: outcome.token });
    },
  },
];
