import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ReadSecret } from '../auth/signing-secret';

/** Reads a Secrets Manager secret's current string value, for a deployed installation's signing secret. */
export const secretsManagerReader = (endpoint?: string): ReadSecret => {
  const client = new SecretsManagerClient(endpoint ? { endpoint } : {});
  return async (secretId) => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`the secret ${secretId} has no string value`);
    return SecretString;
  };
};
