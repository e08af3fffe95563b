import type { Clock } from '../ports';
import type { AuthConfig } from '../shared/config';
import { ENV } from '../shared/config';

/** The secret tokens are signed with: a fixed value, or one read from a secret store and cached. */
export interface SecretSource {
  get(): Promise<string>;
}

/** Reads a secret's current value by its id (Secrets Manager's GetSecretValue, say). */
export type ReadSecret = (secretId: string) => Promise<string>;

/** Short secrets make HMAC signatures guessable offline; 32 characters is the floor. */
export const MIN_SECRET_LENGTH = 32;

/** How long a fetched secret is used before it is fetched again, so that a rotation reaches every container. */
export const SECRET_REFRESH_MS = 10 * 60_000;

const checked = (secret: string, origin: string): string => {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`${origin} must be at least ${MIN_SECRET_LENGTH} characters, got ${secret.length}`);
  }
  return secret;
};

export const fixedSecret = (value: string, origin = ENV.TOKEN_SECRET): SecretSource => {
  const secret = checked(value, origin);
  return { get: async () => secret };
};

/**
 * A secret read through `read` and kept for `refreshMs`. A failed re-read keeps the value it had:
 * a secret store outage should not lock every client out while the old secret is still good.
 */
export const refreshingSecret = (
  secretId: string,
  read: ReadSecret,
  clock: Clock,
  refreshMs = SECRET_REFRESH_MS,
): SecretSource => {
  let cached: { value: string; readAt: number } | undefined;
  return {
    get: async () => {
      if (cached && clock.now() - cached.readAt < refreshMs) return cached.value;
      try {
        cached = { value: checked(await read(secretId), `the secret ${secretId}`), readAt: clock.now() };
      } catch (error) {
        if (!cached) throw error;
        console.error(
          JSON.stringify({ message: 'token secret not re-read; using the cached one', secretId }),
        );
      }
      return cached.value;
    },
  };
};

/**
 * The signing secret an installation is configured with: BATON_TOKEN_SECRET_ARN when deployed,
 * BATON_TOKEN_SECRET locally; exactly one of them. `readSecret` is how a secret ARN is read.
 */
export const signingSecretOf = (
  config: Pick<AuthConfig, 'tokenSecret' | 'tokenSecretArn'>,
  clock: Clock,
  readSecret?: ReadSecret,
): SecretSource => {
  const { tokenSecret, tokenSecretArn } = config;
  if (tokenSecret && tokenSecretArn) {
    throw new Error(`set one of ${ENV.TOKEN_SECRET} and ${ENV.TOKEN_SECRET_ARN}, not both`);
  }
  if (tokenSecret) return fixedSecret(tokenSecret);
  if (!tokenSecretArn) {
    throw new Error(
      `token auth needs a signing secret: set ${ENV.TOKEN_SECRET_ARN} (a Secrets Manager secret) ` +
        `or ${ENV.TOKEN_SECRET} (the value itself, for local runs)`,
    );
  }
  if (!readSecret) {
    throw new Error(
      `${ENV.TOKEN_SECRET_ARN} is set, but this build has no Secrets Manager client to read it; ` +
        `set ${ENV.TOKEN_SECRET} instead (see docs/auth.md)`,
    );
  }
  return refreshingSecret(tokenSecretArn, readSecret, clock);
};
