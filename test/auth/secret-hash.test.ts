import { describe, expect, it } from 'vitest';
import { hashSecret, secretMatches } from '../../lambdas/auth/secret-hash';

describe('secret hashing', () => {
  it('stores a salted scrypt hash that names its parameters and never the secret', async () => {
    const stored = await hashSecret('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct');
  });

  it('salts every hash, so one secret hashed twice gives two different hashes', async () => {
    expect(await hashSecret('same secret')).not.toBe(await hashSecret('same secret'));
  });

  it('matches the secret that was hashed and nothing else', async () => {
    const stored = await hashSecret('s3cret');
    expect(await secretMatches('s3cret', stored)).toBe(true);
    expect(await secretMatches('s3cret ', stored)).toBe(false);
    expect(await secretMatches('', stored)).toBe(false);
  });

  it('refuses a stored hash in another format as a damaged record, not as a wrong secret', async () => {
    await expect(secretMatches('s3cret', 'sha256$abc')).rejects.toThrow(
      /not in the scrypt\$N\$r\$p\$salt\$hash/,
    );
    await expect(secretMatches('s3cret', 'scrypt$16384$8$1$c2FsdA$')).rejects.toThrow(/format/);
  });
});
