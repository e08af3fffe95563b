import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How long a token is accepted. The Conductor JavaScript SDK assumes a token lives at least 45
 * minutes: it refreshes on its own every 36 minutes and, before a request, once a token is 45
 * minutes old. It fetches a new token on a 401/403 only when the body names EXPIRED_TOKEN or
 * INVALID_TOKEN, which API Gateway's authorizer answers cannot carry. A shorter life would leave
 * workers refused until their next scheduled refresh, so an hour it is; it also bounds how long a
 * revoked key's last token keeps working.
 */
export const TOKEN_LIFETIME_SECONDS = 3_600;

/** Longer than any token Baton issues; anything longer is refused before any hashing. */
const MAX_TOKEN_CHARS = 2_048;

/** What a token says: whose key it was issued for, and when (epoch seconds, as in a JWT). */
export interface TokenClaims {
  sub: string;
  iat: number;
  exp: number;
}

export type TokenCheck =
  | { valid: true; claims: TokenClaims }
  | { valid: false; reason: 'malformed' | 'bad signature' | 'expired' };

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/**
 * A JWT's shape (HS256), so that tools that print tokens can read it. The header is fixed: a token
 * whose header differs was not issued here, which also rules out any algorithm switch.
 */
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const signatureOf = (signedPart: string, secret: string) =>
  createHmac('sha256', secret).update(signedPart).digest('base64url');

/** Claims for a token issued now (epoch milliseconds) to the given key. */
export const claimsFor = (keyId: string, now: number): TokenClaims => {
  const iat = Math.floor(now / 1000);
  return { sub: keyId, iat, exp: iat + TOKEN_LIFETIME_SECONDS };
};

export const signToken = (claims: TokenClaims, secret: string): string => {
  const signedPart = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signedPart}.${signatureOf(signedPart, secret)}`;
};

const isClaims = (value: unknown): value is TokenClaims => {
  const claims = value as Partial<TokenClaims> | null;
  return (
    typeof claims === 'object' &&
    claims !== null &&
    typeof claims.sub === 'string' &&
    claims.sub !== '' &&
    Number.isInteger(claims.iat) &&
    Number.isInteger(claims.exp)
  );
};

/** Checks signature, then shape, then expiry against `now` (epoch milliseconds); reads no storage. */
export const verifyToken = (token: string, secret: string, now: number): TokenCheck => {
  const parts = token.length <= MAX_TOKEN_CHARS ? token.split('.') : [];
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || header !== HEADER || !BASE64URL.test(payload!) || !BASE64URL.test(signature!)) {
    return { valid: false, reason: 'malformed' };
  }
  // Compared as text, not as decoded bytes: the last base64url character has spare bits, so two
  // spellings of one signature would both pass, and each is a fresh entry in the authorizer cache.
  const expected = Buffer.from(signatureOf(`${header}.${payload}`, secret));
  const given = Buffer.from(signature!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { valid: false, reason: 'bad signature' };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { valid: false, reason: 'malformed' };
  if (claims.exp * 1000 <= now) return { valid: false, reason: 'expired' };
  return { valid: true, claims };
};
