import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiDepsWithTokens } from '../../lambdas/api/token-routes';
import { issueApplicationKey } from '../../lambdas/auth/application-keys';
import { fixedSecret } from '../../lambdas/auth/signing-secret';
import { verifyToken } from '../../lambdas/auth/tokens';
import { createApiHandler } from '../../lambdas/handlers/api';
import { conductorErrorOf, eventOf } from '../api/api-client';
import { InMemoryApplicationKeyStore } from '../fakes/in-memory-application-key-store';
import { makeEngine } from '../support/engine';

const SECRET = 'a-signing-secret-of-more-than-32-characters';

afterEach(() => {
  vi.restoreAllMocks();
});

const makeTokenApi = async () => {
  const engine = await makeEngine();
  const keys = new InMemoryApplicationKeyStore();
  const deps: ApiDepsWithTokens = {
    ...engine.deps,
    sleep: async () => {},
    tokenExchange: { keys, signingSecret: fixedSecret(SECRET), clock: engine.clock },
  };
  const handler = createApiHandler(deps);
  const issued = await issueApplicationKey(keys, { now: engine.clock.now() });
  const askForToken = async (body: unknown) => {
    const result = await handler(eventOf('POST', '/api/token', { body }));
    return { status: result.statusCode, json: JSON.parse(result.body ?? '') };
  };
  return { engine, keys, issued, askForToken };
};

describe('POST /api/token', () => {
  it('answers {token} for a valid key id and secret, as Conductor does', async () => {
    const { issued, askForToken, engine } = await makeTokenApi();
    const response = await askForToken(issued);
    expect(response).toEqual({ status: 200, json: { token: expect.any(String) } });
    expect(verifyToken(response.json.token, SECRET, engine.clock.now())).toMatchObject({
      valid: true,
      claims: { sub: issued.keyId },
    });
  });

  it('answers 401 in Conductor’s error shape for a wrong secret, an unknown key or a revoked key', async () => {
    const { issued, askForToken, keys, engine } = await makeTokenApi();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const refused = {
      status: 401,
      json: conductorErrorOf(401, 'keyId and keySecret do not match an active application key'),
    };
    expect(await askForToken({ ...issued, keySecret: 'wrong' })).toEqual(refused);
    expect(await askForToken({ ...issued, keyId: 'unknown' })).toEqual(refused);
    await keys.revoke(issued.keyId, engine.clock.now());
    expect(await askForToken(issued)).toEqual(refused);
  });

  it('logs why a token was refused, naming the key but never the secret', async () => {
    const { issued, askForToken } = await makeTokenApi();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await askForToken({ ...issued, keySecret: 'wrong-secret' });
    const [line] = warn.mock.calls[0] as [string];
    expect(JSON.parse(line)).toEqual({
      message: 'token refused',
      keyId: issued.keyId,
      reason: 'wrong secret',
    });
    expect(line).not.toContain('wrong-secret');
  });

  it('answers 400 naming each missing or malformed field', async () => {
    const { askForToken } = await makeTokenApi();
    const response = await askForToken({ keyId: 42 });
    expect(response.status).toBe(400);
    expect(response.json.message).toMatch(/^token request is not valid: keyId must be .*; keySecret must be/);
    expect(response.json.validationErrors.map((problem: { path: string }) => problem.path)).toEqual([
      '$.keyId',
      '$.keySecret',
    ]);
  });

  it('answers 400 for a body that is not an object, and for an overlong secret', async () => {
    const { askForToken, issued } = await makeTokenApi();
    expect((await askForToken(['k', 's'])).json.message).toBe(
      'request body must be an object {keyId, keySecret}, got a list',
    );
    const overlong = await askForToken({ ...issued, keySecret: 'x'.repeat(257) });
    expect(overlong.json.validationErrors).toEqual([
      { path: '$.keySecret', message: expect.stringContaining('at most 256 characters') },
    ]);
  });

  it('answers 404 when the installation runs without auth, which SDKs read as "no auth here"', async () => {
    const engine = await makeEngine();
    const handler = createApiHandler({ ...engine.deps, sleep: async () => {} });
    const result = await handler(eventOf('POST', '/api/token', { body: { keyId: 'k', keySecret: 's' } }));
    expect(result.statusCode).toBe(404);
  });
});
