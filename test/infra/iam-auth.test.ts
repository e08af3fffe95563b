import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/shared/config';
import { synthesizeStack } from './synthesized-stack';

const { resourcesOf } = synthesizeStack({ authMode: 'iam' });

describe("the stack in 'iam' auth mode", () => {
  it('requires SigV4-signed requests on every route', () => {
    const routes = resourcesOf('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [, route] of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('has no token exchange: no open token route, no authorizer, no signing secret', () => {
    const routeKeys = resourcesOf('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routeKeys).toEqual(['ANY /api/{proxy+}']);
    expect(resourcesOf('AWS::ApiGatewayV2::Authorizer')).toEqual([]);
    expect(resourcesOf('AWS::SecretsManager::Secret')).toEqual([]);
    const functionNames = resourcesOf('AWS::Lambda::Function').map(([, f]) => f.Properties.FunctionName);
    expect(functionNames).not.toContain('baton-authorizer');
  });

  it('leaves the api function without an auth table, so it serves no token route', () => {
    for (const [, fn] of resourcesOf('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables).not.toHaveProperty(ENV.AUTH_TABLE);
      expect(fn.Properties.Environment.Variables).not.toHaveProperty(ENV.TOKEN_SECRET_ARN);
    }
  });
});
