import { describe, expect, it } from 'vitest';
import type { ApplicationKey, ApplicationKeyStore } from '../../lambdas/auth/application-keys';

const T0 = Date.UTC(2026, 10, 24, 9);

let keys = 0;
const aKey = (overrides: Partial<ApplicationKey> = {}): ApplicationKey => ({
  keyId: `key-${process.pid}-${++keys}`,
  secretHash: 'scrypt$16384$8$1$salt$hash',
  createdAt: T0,
  ...overrides,
});

/** What every ApplicationKeyStore must do, run against the in-memory fake and the DynamoDB adapter. */
export const describeApplicationKeyStoreContract = (
  name: string,
  freshStore: () => Promise<ApplicationKeyStore>,
) =>
  describe(name, () => {
    it('reads back a created key, name included', async () => {
      const store = await freshStore();
      const key = aKey({ name: 'billing' });
      await store.create(key);
      expect(await store.get(key.keyId)).toEqual(key);
    });

    it('answers undefined for a key it never stored', async () => {
      expect(await (await freshStore()).get('missing')).toBeUndefined();
    });

    it('refuses to create a key whose id is taken, keeping the first', async () => {
      const store = await freshStore();
      const key = aKey();
      await store.create(key);
      await expect(store.create({ ...key, secretHash: 'other' })).rejects.toThrow(/already exists/);
      expect((await store.get(key.keyId))?.secretHash).toBe(key.secretHash);
    });

    it('revokes a key once: revoking again keeps the first time', async () => {
      const store = await freshStore();
      const key = aKey();
      await store.create(key);
      expect(await store.revoke(key.keyId, T0 + 1_000)).toBe('revoked');
      expect(await store.revoke(key.keyId, T0 + 2_000)).toBe('revoked');
      expect(await store.get(key.keyId)).toEqual({ ...key, revokedAt: T0 + 1_000 });
    });

    it('answers missing when revoking a key it never stored, and creates nothing', async () => {
      const store = await freshStore();
      expect(await store.revoke('missing', T0)).toBe('missing');
      expect(await store.list()).toEqual([]);
    });

    it('lists every key', async () => {
      const store = await freshStore();
      const first = aKey();
      const second = aKey({ name: 'second' });
      await store.create(first);
      await store.create(second);
      const listed = await store.list();
      expect(listed.sort((a, b) => a.keyId.localeCompare(b.keyId))).toEqual(
        [first, second].sort((a, b) => a.keyId.localeCompare(b.keyId)),
      );
    });
  });
