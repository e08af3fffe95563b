import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixedSecret } from '../../lambdas/auth/signing-secret';
import { claimsFor, signToken, TOKEN_LIFETIME_SECONDS } from '../../lambdas/auth/tokens';
import {
  type APIGatewayRequestAuthorizerEventV2,
  createAuthorizerHandler,
} from '../../lambdas/handlers/authorizer';
import { ManualClock } from '../fakes/in-memory-ports';

const SECRET = 'a-signing-secret-of-more-than-32-characters';

const eventWith = (headers: Record<string, string>): APIGatewayRequestAuthorizerEventV2 => ({
  version: '2.0',
  type: 'REQUEST',
  routeKey: 'ANY /api/{proxy+}',
  rawPath: '/api/tasks/poll/batch/work',
  headers,
  identitySource: Object.values(headers),
});

const setUp = () => {
  const clock = new ManualClock();
  const authorize = createAuthorizerHandler({ signingSecret: fixedSecret(SECRET), clock });
  const token = signToken(claimsFor('key-1', clock.now()), SECRET);
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  return { clock, authorize, token };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the authorizer', () => {
  it('authorizes a valid token in x-authorization and passes the key id on', async () => {
    const { authorize, token, clock } = setUp();
    expect(await authorize(eventWith({ 'x-authorization': token }))).toEqual({
      isAuthorized: true,
      context: { keyId: 'key-1', expiresAt: clock.now() / 1000 + TOKEN_LIFETIME_SECONDS },
    });
  });

  it('reads the header whatever its case, as a hand-made event may spell it', async () => {
    const { authorize, token } = setUp();
    expect((await authorize(eventWith({ 'X-Authorization': token }))).isAuthorized).toBe(true);
  });

  it('refuses a request without the header, or with an empty one', async () => {
    const { authorize } = setUp();
    expect(await authorize(eventWith({}))).toEqual({ isAuthorized: false });
    expect(await authorize(eventWith({ 'x-authorization': ' ' }))).toEqual({ isAuthorized: false });
  });

  it('refuses an expired token', async () => {
    const { authorize, token, clock } = setUp();
    clock.advance(TOKEN_LIFETIME_SECONDS * 1000);
    expect(await authorize(eventWith({ 'x-authorization': token }))).toEqual({ isAuthorized: false });
  });

  it('refuses a token signed with another secret, or a tampered one', async () => {
    const { authorize, token, clock } = setUp();
    const foreign = signToken(claimsFor('key-1', clock.now()), `${SECRET}!`);
    expect(await authorize(eventWith({ 'x-authorization': foreign }))).toEqual({ isAuthorized: false });
    expect(await authorize(eventWith({ 'x-authorization': `${token}x` }))).toEqual({ isAuthorized: false });
  });

  it('logs why a token was refused, without the token', async () => {
    const { authorize, token, clock } = setUp();
    clock.advance(TOKEN_LIFETIME_SECONDS * 1000);
    await authorize(eventWith({ 'x-authorization': token }));
    const logged = vi.mocked(console.warn).mock.calls.map(([line]) => String(line));
    expect(logged).toEqual([expect.stringContaining('"reason":"expired"')]);
    expect(logged.join()).not.toContain(token);
  });
});
