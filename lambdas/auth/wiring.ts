import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../ports';
import type { AuthConfig } from '../shared/config';
import { DynamoApplicationKeyStore } from './dynamo-application-key-store';
import { type ReadSecret, signingSecretOf } from './signing-secret';
import type { TokenExchangeDeps } from './token-exchange';

const systemClock: Clock = { now: () => Date.now() };

/**
 * The token exchange of an installation whose configuration names an auth table, or undefined when
 * it names none: then `POST /api/token` answers 404, which Conductor SDKs read as "no auth here".
 */
export const createTokenExchange = (
  config: AuthConfig,
  dynamodb: DynamoDBClient,
  { clock = systemClock, readSecret }: { clock?: Clock; readSecret?: ReadSecret } = {},
): TokenExchangeDeps | undefined => {
  if (!config.authTable) return undefined;
  return {
    keys: new DynamoApplicationKeyStore({
      client: DynamoDBDocumentClient.from(dynamodb),
      tableName: config.authTable,
    }),
    signingSecret: signingSecretOf(config, clock, readSecret),
    clock,
  };
};
