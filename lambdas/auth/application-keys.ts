import { randomBytes, randomUUID } from 'node:crypto';
import { hashSecret } from './secret-hash';

/**
 * An application key: what a client (an SDK, a worker) presents at `POST /api/token` to get a
 * token. The secret itself is shown once, when the key is issued; only its salted hash is kept.
 */
export interface ApplicationKey {
  keyId: string;
  /** A label for people: which worker or team the key is for. */
  name?: string;
  secretHash: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; a revoked key is refused at the token exchange. */
  revokedAt?: number;
}

/** Where application keys live: a DynamoDB table when deployed, an in-memory map in unit tests. */
export interface ApplicationKeyStore {
  /** Stores a new key; a key id already taken is an error, never an overwrite. */
  create(key: ApplicationKey): Promise<void>;
  /** Reads the key as last written, so a revocation is seen by the very next exchange. */
  get(keyId: string): Promise<ApplicationKey | undefined>;
  /** Marks the key revoked; revoking it again keeps the first revocation's time. */
  revoke(keyId: string, at: number): Promise<'revoked' | 'missing'>;
  list(): Promise<ApplicationKey[]>;
}

/** 256 random bits: far past guessing, so the slow hash guards a stolen table, not the login. */
const SECRET_BYTES = 32;

/** Creates a key and answers its id and secret; the secret cannot be read back afterwards. */
export const issueApplicationKey = async (
  store: ApplicationKeyStore,
  { name, now }: { name?: string; now: number },
): Promise<{ keyId: string; keySecret: string }> => {
  const keyId = randomUUID();
  const keySecret = randomBytes(SECRET_BYTES).toString('base64url');
  await store.create({ keyId, name, secretHash: await hashSecret(keySecret), createdAt: now });
  return { keyId, keySecret };
};
