import { randomBytes } from 'node:crypto';
import type { Clock } from '../ports';
import type { ApplicationKeyStore } from './application-keys';
import { hashSecret, secretMatches } from './secret-hash';
import type { SecretSource } from './signing-secret';
import { claimsFor, signToken } from './tokens';

/** What `POST /api/token` runs on. */
export interface TokenExchangeDeps {
  keys: ApplicationKeyStore;
  signingSecret: SecretSource;
  clock: Clock;
}

export type ExchangeOutcome =
  | { kind: 'issued'; token: string; expiresAt: number }
  /** Why, for the server's log only: the client is told no more than "refused". */
  | { kind: 'refused'; reason: 'unknown key' | 'revoked key' | 'wrong secret' };

/**
 * A hash of nothing anyone holds, checked against when the key id is unknown, so that an unknown
 * id takes as long to refuse as a wrong secret and response times do not reveal which ids exist.
 */
let decoyHash: Promise<string> | undefined;
const decoy = () => {
  decoyHash ??= hashSecret(randomBytes(32).toString('base64url'));
  return decoyHash;
};

/** Trades an application key's id and secret for a signed token, if the key exists and is not revoked. */
export const exchangeKeyForToken = async (
  deps: TokenExchangeDeps,
  { keyId, keySecret }: { keyId: string; keySecret: string },
): Promise<ExchangeOutcome> => {
  const key = await deps.keys.get(keyId);
  const matches = await secretMatches(keySecret, key?.secretHash ?? (await decoy()));
  if (!key) return { kind: 'refused', reason: 'unknown key' };
  if (!matches) return { kind: 'refused', reason: 'wrong secret' };
  if (key.revokedAt !== undefined) return { kind: 'refused', reason: 'revoked key' };
  const claims = claimsFor(key.keyId, deps.clock.now());
  return { kind: 'issued', token: signToken(claims, await deps.signingSecret.get()), expiresAt: claims.exp };
};
