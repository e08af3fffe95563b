import { describe, expect, it } from 'vitest';
import { issueApplicationKey } from '../../lambdas/auth/application-keys';
import { fixedSecret } from '../../lambdas/auth/signing-secret';
import { exchangeKeyForToken } from '../../lambdas/auth/token-exchange';
import { TOKEN_LIFETIME_SECONDS, verifyToken } from '../../lambdas/auth/tokens';
import { InMemoryApplicationKeyStore } from '../fakes/in-memory-application-key-store';
import { ManualClock } from '../fakes/in-memory-ports';

const SECRET = 'a-signing-secret-of-more-than-32-characters';

const setUp = async () => {
  const clock = new ManualClock();
  const keys = new InMemoryApplicationKeyStore();
  const deps = { keys, signingSecret: fixedSecret(SECRET), clock };
  const issued = await issueApplicationKey(keys, { name: 'billing workers', now: clock.now() });
  return { clock, keys, deps, issued };
};

describe('application keys and the token exchange', () => {
  it('issues a key whose secret is stored only as a hash', async () => {
    const { keys, issued, clock } = await setUp();
    const [stored] = await keys.list();
    expect(stored).toEqual({
      keyId: issued.keyId,
      name: 'billing workers',
      secretHash: expect.stringMatching(/^scrypt\$/),
      createdAt: clock.now(),
    });
    expect(JSON.stringify(stored)).not.toContain(issued.keySecret);
    expect(issued.keySecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('trades a key id and its secret for a token the authorizer accepts', async () => {
    const { deps, issued, clock } = await setUp();
    const outcome = await exchangeKeyForToken(deps, issued);
    expect(outcome).toEqual({
      kind: 'issued',
      token: expect.any(String),
      expiresAt: clock.now() / 1000 + TOKEN_LIFETIME_SECONDS,
    });
    const token = (outcome as { token: string }).token;
    expect(verifyToken(token, SECRET, clock.now())).toMatchObject({
      valid: true,
      claims: { sub: issued.keyId },
    });
  });

  it('refuses a wrong secret, an unknown key id and a revoked key', async () => {
    const { deps, issued, keys, clock } = await setUp();
    expect(await exchangeKeyForToken(deps, { ...issued, keySecret: 'guess' })).toEqual({
      kind: 'refused',
      reason: 'wrong secret',
    });
    expect(await exchangeKeyForToken(deps, { ...issued, keyId: 'no-such-key' })).toEqual({
      kind: 'refused',
      reason: 'unknown key',
    });
    await keys.revoke(issued.keyId, clock.now());
    expect(await exchangeKeyForToken(deps, issued)).toEqual({ kind: 'refused', reason: 'revoked key' });
  });
});
