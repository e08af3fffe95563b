import { describe, expect, it } from 'vitest';
import { secretMatches } from '../../lambdas/auth/secret-hash';
import { runKeysCommand } from '../../scripts/keys';
import { InMemoryApplicationKeyStore } from '../fakes/in-memory-application-key-store';

const NOW = Date.UTC(2026, 10, 24, 9);

const run = async (args: string[], store = new InMemoryApplicationKeyStore()) => {
  const lines: string[] = [];
  await runKeysCommand(args, { store, print: (line) => lines.push(line), now: () => NOW });
  return { lines, store };
};

const printed = (lines: string[], label: string) =>
  lines.find((line) => line.startsWith(`${label}:`))?.split(/\s+/)[1] ?? '';

describe('the keys command', () => {
  it('creates a named key and prints its id and secret, storing only the hash', async () => {
    const { lines, store } = await run(['create', '--name', 'billing']);
    const keyId = printed(lines, 'keyId');
    const keySecret = printed(lines, 'keySecret');
    const stored = await store.get(keyId);
    expect(stored).toMatchObject({ keyId, name: 'billing', createdAt: NOW });
    expect(await secretMatches(keySecret, stored!.secretHash)).toBe(true);
  });

  it('revokes a key and lists it as revoked, never printing a secret or hash', async () => {
    const store = new InMemoryApplicationKeyStore();
    const { lines: created } = await run(['create'], store);
    const keyId = printed(created, 'keyId');
    expect((await run(['revoke', keyId], store)).lines).toEqual([
      `revoked ${keyId}: it gets no new tokens; tokens it already has work until they expire`,
    ]);
    const { lines } = await run(['list'], store);
    expect(lines).toEqual([`${keyId}\t2026-11-24T09:00:00.000Z\trevoked 2026-11-24T09:00:00.000Z`]);
    expect(lines.join()).not.toContain('scrypt');
  });

  it('says so when the key to revoke does not exist', async () => {
    await expect(run(['revoke', 'nope'])).rejects.toThrow('no application key nope');
  });

  it('lists nothing as "no application keys"', async () => {
    expect((await run(['list'])).lines).toEqual(['no application keys']);
  });

  it.each([
    [[], 'no command given'],
    [['rotate'], 'unknown command "rotate"'],
    [['create', '--name'], 'create takes only --name <label>'],
    [['create', '--label', 'x'], 'create takes only --name <label>'],
    [['revoke'], 'revoke takes exactly one key id'],
    [['list', 'all'], 'list takes no arguments'],
  ])('refuses %j with a usage error: %s', async (args, message) => {
    await expect(run(args)).rejects.toMatchObject({
      name: 'UsageError',
      message: expect.stringContaining(message),
    });
  });
});
