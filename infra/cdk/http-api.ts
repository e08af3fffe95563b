import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpIamAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { TOKEN_ROUTE } from '../../lambdas/api/token-routes';
import type { AuthMode } from './engine-props';

/** Conductor's whole REST API lives under /api; the handler routes within it. */
export const API_PROXY_PATH = '/api/{proxy+}';
/** Conductor's SDKs send their token in this header. */
export const TOKEN_HEADER = 'X-Authorization';
/** A token checked once is trusted for this long, which spares an authorizer call per request. */
const AUTHORIZER_CACHE_TTL = Duration.minutes(5);

export interface ConductorApiProps {
  apiName: string;
  apiFunction: IFunction;
  authMode: AuthMode;
  /** Required in `token` mode: the function answering `{ isAuthorized }` for a token. */
  authorizerFunction?: IFunction;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
}

export interface ConductorApi {
  api: HttpApi;
  stage: HttpStage;
  /** Conductor's token exchange, the one route open without a token; `token` mode only. */
  tokenRoutes: HttpRoute[];
}

/**
 * The HTTP API serving Conductor's REST API from the api function. Its routes are matched on the raw
 * path, so it is deployed on the `$default` stage, which adds no prefix. Every route requires
 * authentication except, in `token` mode, the token exchange itself.
 */
export const conductorApi = (scope: Construct, props: ConductorApiProps): ConductorApi => {
  const api = new HttpApi(scope, 'HttpApi', { apiName: props.apiName, createDefaultStage: false });
  const accessLogs = new LogGroup(scope, 'HttpApiAccessLogs', {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stage = api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    throttle: props.throttle,
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
    },
  });
  const integration = new HttpLambdaIntegration('ApiIntegration', props.apiFunction);
  api.addRoutes({
    path: API_PROXY_PATH,
    methods: [HttpMethod.ANY],
    integration,
    authorizer: routeAuthorizer(props),
  });
  const tokenRoutes =
    props.authMode === 'token'
      ? api.addRoutes({
          path: TOKEN_ROUTE.path,
          methods: [HttpMethod[TOKEN_ROUTE.method]],
          integration,
          authorizer: new HttpNoneAuthorizer(),
        })
      : [];
  return { api, stage, tokenRoutes };
};

const routeAuthorizer = (props: ConductorApiProps): IHttpRouteAuthorizer => {
  if (props.authMode === 'iam') return new HttpIamAuthorizer();
  if (!props.authorizerFunction) {
    throw new Error(
      "token auth needs an authorizer function (resources.functions.authorizer); or use authMode 'iam'",
    );
  }
  return new HttpLambdaAuthorizer('TokenAuthorizer', props.authorizerFunction, {
    responseTypes: [HttpLambdaResponseType.SIMPLE],
    identitySource: [`$request.header.${TOKEN_HEADER}`],
    resultsCacheTtl: AUTHORIZER_CACHE_TTL,
  });
};

const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  sourceIp: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};
