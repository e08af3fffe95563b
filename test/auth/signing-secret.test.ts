import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixedSecret, refreshingSecret, signingSecretOf } from '../../lambdas/auth/signing-secret';
import { ManualClock } from '../fakes/in-memory-ports';

const LONG = 'x'.repeat(32);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the token signing secret', () => {
  it('takes BATON_TOKEN_SECRET as it is', async () => {
    expect(await signingSecretOf({ tokenSecret: LONG }, new ManualClock()).get()).toBe(LONG);
  });

  it('refuses a secret shorter than 32 characters, naming the variable', () => {
    expect(() => fixedSecret('short')).toThrow('BATON_TOKEN_SECRET must be at least 32 characters, got 5');
  });

  it('asks for one of the two variables when neither is set, and refuses both at once', () => {
    const clock = new ManualClock();
    expect(() => signingSecretOf({}, clock)).toThrow(/set BATON_TOKEN_SECRET_ARN .* or BATON_TOKEN_SECRET/);
    expect(() => signingSecretOf({ tokenSecret: LONG, tokenSecretArn: 'arn:x' }, clock)).toThrow(/not both/);
  });

  it('says what is missing when a secret ARN is set but nothing can read it', () => {
    expect(() => signingSecretOf({ tokenSecretArn: 'arn:x' }, new ManualClock())).toThrow(
      /BATON_TOKEN_SECRET_ARN is set, but this build has no Secrets Manager client/,
    );
  });

  it('reads a secret by its ARN once, and again only after the refresh interval', async () => {
    const clock = new ManualClock();
    const read = vi.fn(async () => LONG);
    const source = signingSecretOf({ tokenSecretArn: 'arn:secret' }, clock, read);
    await source.get();
    await source.get();
    expect(read).toHaveBeenCalledTimes(1);
    clock.advance(10 * 60_000);
    await source.get();
    expect(read).toHaveBeenCalledTimes(2);
    expect(read).toHaveBeenCalledWith('arn:secret');
  });

  it('keeps the secret it has when a re-read fails, and fails when it never had one', async () => {
    const clock = new ManualClock();
    const read = vi.fn(async () => LONG);
    const source = refreshingSecret('arn:secret', read, clock, 1_000);
    await source.get();
    clock.advance(1_000);
    read.mockRejectedValueOnce(new Error('throttled'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await source.get()).toBe(LONG);
    const failing = refreshingSecret('arn:other', async () => Promise.reject(new Error('no access')), clock);
    await expect(failing.get()).rejects.toThrow('no access');
  });

  it('refuses a stored secret that is too short, naming the secret', async () => {
    const source = refreshingSecret('arn:short', async () => 'short', new ManualClock());
    await expect(source.get()).rejects.toThrow('the secret arn:short must be at least 32 characters');
  });
});
