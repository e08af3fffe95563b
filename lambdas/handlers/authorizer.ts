import type { SecretSource } from '../auth/signing-secret';
import { verifyToken } from '../auth/tokens';
import type { Clock } from '../ports';

/**
 * The parts of API Gateway's HTTP API REQUEST authorizer event (payload format 2.0) that Baton
 * reads, named as in @types/aws-lambda.
 */
export interface APIGatewayRequestAuthorizerEventV2 {
  version?: string;
  type?: 'REQUEST';
  routeArn?: string;
  routeKey?: string;
  rawPath?: string;
  /** Lower-case names, as API Gateway passes them. */
  headers?: Record<string, string | undefined>;
  identitySource?: string[];
}

/** The "simple response" an HTTP API authorizer may answer with; `context` reaches the integration. */
export interface APIGatewaySimpleAuthorizerResult {
  isAuthorized: boolean;
  context?: Record<string, string | number | boolean>;
}

/** Where Conductor's SDKs put the token (HTTP header names are case-insensitive). */
export const TOKEN_HEADER = 'x-authorization';

export interface AuthorizerDeps {
  signingSecret: SecretSource;
  clock: Clock;
}

const tokenOf = (event: APIGatewayRequestAuthorizerEventV2): string | undefined => {
  const headers = event.headers ?? {};
  const name = Object.keys(headers).find((header) => header.toLowerCase() === TOKEN_HEADER);
  return name === undefined ? undefined : headers[name]?.trim() || undefined;
};

/**
 * Decides from the token alone (signature and expiry) with no storage read, so every decision is
 * cheap and may be cached against the header's value. A revoked key's tokens therefore keep
 * working until they expire: revocation stops new exchanges, the token lifetime bounds the rest.
 */
export const createAuthorizerHandler =
  (deps: AuthorizerDeps) =>
  async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerResult> => {
    const token = tokenOf(event);
    if (!token) return { isAuthorized: false };
    const check = verifyToken(token, await deps.signingSecret.get(), deps.clock.now());
    if (!check.valid) {
      console.warn(JSON.stringify({ message: 'token refused', reason: check.reason, route: event.routeKey }));
      return { isAuthorized: false };
    }
    return { isAuthorized: true, context: { keyId: check.claims.sub, expiresAt: check.claims.exp } };
  };
