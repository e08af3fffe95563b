import { describe, expect, it, vi } from 'vitest';
import { behindAuthorizer } from '../../infra/local/api-server';
import type { APIGatewayProxyEventV2 } from '../../lambdas/shared/api-gateway';
import { eventOf } from '../api/api-client';

const withHeader = (event: APIGatewayProxyEventV2, value: string): APIGatewayProxyEventV2 => ({
  ...event,
  headers: { ...event.headers, 'x-authorization': value },
});

const setUp = (isAuthorized: boolean) => {
  const handler = vi.fn(async () => ({ statusCode: 200, body: 'served' }));
  const authorize = vi.fn(async () => ({ isAuthorized }));
  const guarded = behindAuthorizer(handler, {
    authorize,
    identityHeader: 'x-authorization',
    openRoutes: ['POST /api/token'],
  });
  return { handler, authorize, guarded };
};

describe('the local runtime’s authorizer step', () => {
  it('answers 401 without calling the authorizer when the header is missing, as API Gateway does', async () => {
    const { guarded, authorize, handler } = setUp(true);
    const result = await guarded(eventOf('GET', '/api/metadata/workflow'));
    expect(result).toMatchObject({ statusCode: 401, body: JSON.stringify({ message: 'Unauthorized' }) });
    expect(authorize).not.toHaveBeenCalled();
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 403 when the authorizer refuses the token', async () => {
    const { guarded, handler } = setUp(false);
    const result = await guarded(withHeader(eventOf('GET', '/api/metadata/workflow'), 'forged'));
    expect(result).toMatchObject({ statusCode: 403, body: JSON.stringify({ message: 'Forbidden' }) });
    expect(handler).not.toHaveBeenCalled();
  });

  it('passes an authorized request on, after giving the authorizer the header and route', async () => {
    const { guarded, authorize } = setUp(true);
    const result = await guarded(withHeader(eventOf('GET', '/api/metadata/workflow'), 'good'));
    expect(result).toEqual({ statusCode: 200, body: 'served' });
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        type: 'REQUEST',
        routeKey: 'GET /api/metadata/workflow',
        identitySource: ['good'],
        headers: expect.objectContaining({ 'x-authorization': 'good' }),
      }),
    );
  });

  it('serves the token exchange without a token', async () => {
    const { guarded, authorize } = setUp(false);
    expect((await guarded(eventOf('POST', '/api/token', { body: {} }))).statusCode).toBe(200);
    expect(authorize).not.toHaveBeenCalled();
  });

  it('guards other methods on the token path', async () => {
    const { guarded } = setUp(true);
    expect((await guarded(eventOf('GET', '/api/token'))).statusCode).toBe(401);
  });
});
