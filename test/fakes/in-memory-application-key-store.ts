import type { ApplicationKey, ApplicationKeyStore } from '../../lambdas/auth/application-keys';

export class InMemoryApplicationKeyStore implements ApplicationKeyStore {
  private readonly keys = new Map<string, ApplicationKey>();

  async create(key: ApplicationKey) {
    if (this.keys.has(key.keyId)) throw new Error(`application key ${key.keyId} already exists`);
    this.keys.set(key.keyId, { ...key });
  }

  async get(keyId: string) {
    const key = this.keys.get(keyId);
    return key ? { ...key } : undefined;
  }

  async revoke(keyId: string, at: number) {
    const key = this.keys.get(keyId);
    if (!key) return 'missing' as const;
    key.revokedAt ??= at;
    return 'revoked' as const;
  }

  async list() {
    return [...this.keys.values()].map((key) => ({ ...key }));
  }
}
