import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt's cost parameters (Node's defaults: about 16 MiB and tens of milliseconds per hash).
 * They are written into every stored hash, so raising them later leaves older hashes readable.
 */
const COST = { N: 16_384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const SCHEME = 'scrypt';

type Cost = { N: number; r: number; p: number };

const derive = (secret: string, salt: Buffer, cost: Cost, length: number) =>
  new Promise<Buffer>((resolve, reject) => {
    // scrypt needs about 128·N·r bytes; Node refuses anything above `maxmem`, 32 MiB by default.
    scrypt(secret, salt, length, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });

/** A salted hash of the secret, as `scrypt$N$r$p$salt$hash` (salt and hash in base64url). */
export const hashSecret = async (secret: string): Promise<string> => {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, COST, HASH_BYTES);
  return [SCHEME, COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
};

/** Whether the secret is the one hashed, compared in constant time. */
export const secretMatches = async (secret: string, stored: string): Promise<boolean> => {
  const [scheme, n, r, p, salt = '', hash = '', ...rest] = stored.split('$');
  const cost: Cost = { N: Number(n), r: Number(r), p: Number(p) };
  const expected = Buffer.from(hash, 'base64url');
  const wellFormed =
    scheme === SCHEME &&
    rest.length === 0 &&
    salt !== '' &&
    expected.length >= HASH_BYTES &&
    Object.values(cost).every((value) => Number.isInteger(value) && value > 0);
  // A stored hash Baton did not write is a damaged record, not a wrong secret: say so loudly.
  if (!wellFormed) throw new Error(`stored secret hash is not in the ${SCHEME}$N$r$p$salt$hash format`);
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), cost, expected.length);
  return timingSafeEqual(actual, expected);
};
