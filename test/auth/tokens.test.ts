import { describe, expect, it } from 'vitest';
import { claimsFor, signToken, TOKEN_LIFETIME_SECONDS, verifyToken } from '../../lambdas/auth/tokens';

const SECRET = 'a-signing-secret-of-more-than-32-characters';
const NOW = Date.UTC(2026, 10, 24, 9);

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe('tokens', () => {
  it('is a JWT (HS256) naming the key, issued now and expiring after the token lifetime', () => {
    const token = signToken(claimsFor('key-1', NOW), SECRET);
    const [header, payload] = token.split('.') as [string, string];
    expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decode(payload)).toEqual({
      sub: 'key-1',
      iat: NOW / 1000,
      exp: NOW / 1000 + TOKEN_LIFETIME_SECONDS,
    });
  });

  it('verifies a token signed with the same secret until it expires', () => {
    const token = signToken(claimsFor('key-1', NOW), SECRET);
    const lastMoment = NOW + TOKEN_LIFETIME_SECONDS * 1000 - 1;
    expect(verifyToken(token, SECRET, lastMoment)).toEqual({
      valid: true,
      claims: { sub: 'key-1', iat: NOW / 1000, exp: NOW / 1000 + TOKEN_LIFETIME_SECONDS },
    });
    expect(verifyToken(token, SECRET, lastMoment + 1)).toEqual({ valid: false, reason: 'expired' });
  });

  it('outlives the 45 minutes the Conductor SDK assumes before it refreshes', () => {
    expect(TOKEN_LIFETIME_SECONDS).toBeGreaterThan(45 * 60);
  });

  it('refuses a token signed with another secret', () => {
    const token = signToken(claimsFor('key-1', NOW), `${SECRET}-rotated`);
    expect(verifyToken(token, SECRET, NOW)).toEqual({ valid: false, reason: 'bad signature' });
  });

  it('refuses a token whose claims were changed after signing', () => {
    const [header, , signature] = signToken(claimsFor('key-1', NOW), SECRET).split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'key-1', iat: NOW / 1000, exp: 9_999_999_999 }),
    ).toString('base64url');
    expect(verifyToken(`${header}.${forged}.${signature}`, SECRET, NOW)).toEqual({
      valid: false,
      reason: 'bad signature',
    });
  });

  it('refuses a signature spelled differently, even where it would decode to the same bytes', () => {
    const token = signToken(claimsFor('key-1', NOW), SECRET);
    const signature = token.split('.')[2]!;
    // The last of a 43-character signature's characters carries two spare bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = signature.slice(0, -1) + alphabet[alphabet.indexOf(signature.at(-1)!) ^ 1];
    expect(Buffer.from(sibling, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(verifyToken(token.slice(0, -signature.length) + sibling, SECRET, NOW)).toEqual({
      valid: false,
      reason: 'bad signature',
    });
    expect(verifyToken(`${token}=`, SECRET, NOW)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('refuses a token with another header, so no algorithm can be swapped in', () => {
    const [, payload] = signToken(claimsFor('key-1', NOW), SECRET).split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(verifyToken(`${none}.${payload}.`, SECRET, NOW)).toEqual({ valid: false, reason: 'malformed' });
  });

  it.each([
    ['an empty string', ''],
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['a bearer prefix', `Bearer ${signToken(claimsFor('key-1', NOW), SECRET)}`],
    ['something huge', 'x'.repeat(10_000)],
  ])('refuses %s as malformed', (_what, token) => {
    expect(verifyToken(token, SECRET, NOW)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('refuses a correctly signed token whose claims lack a key id', () => {
    const token = signToken({ sub: '', iat: NOW / 1000, exp: NOW / 1000 + 60 }, SECRET);
    expect(verifyToken(token, SECRET, NOW)).toEqual({ valid: false, reason: 'malformed' });
  });
});
