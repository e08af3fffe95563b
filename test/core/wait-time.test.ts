import { describe, expect, it } from 'vitest';
import { parseWaitDuration, parseWaitUntil } from '../../lambdas/core/wait-time';

describe('parseWaitDuration', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['2h', 7_200],
    ['1d', 86_400],
    ['1h 30m', 5_400],
    ['1h30m', 5_400],
    ['2 days 4 hours', 187_200],
    ['1 day 1 hour 1 minute 1 second', 90_061],
    ['10 mins 5 secs', 605],
    ['3 hrs', 10_800],
    ['  45 S  ', 45],
    ['0s', 0],
  ])('reads "%s" as %i seconds', (text, seconds) => {
    expect(parseWaitDuration(text)).toBe(seconds);
  });

  it('takes a non-negative number as seconds', () => {
    expect(parseWaitDuration(90)).toBe(90);
    expect(parseWaitDuration(0)).toBe(0);
  });

  it.each(['', 'soon', '10', '10x', '1.5h', '10s and more', '100ms'])(
    'rejects "%s" with a reason',
    (text) => {
      expect(parseWaitDuration(text)).toBe(`duration "${text}" is not of the form "1d 2h 30m 10s"`);
    },
  );

  it('rejects a negative number, NaN and values that are neither strings nor numbers', () => {
    for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, true, {}, []]) {
      expect(parseWaitDuration(value)).toMatch(/^duration must be a string such as "30s" or "1h 30m", not /);
    }
  });
});

describe('parseWaitUntil', () => {
  const tenOClock = Date.UTC(2026, 10, 24, 10, 0, 0);

  it.each([
    '2026-11-24 10:00 UTC',
    '2026-11-24 10:00',
    '2026-11-24 10:00:00',
    '2026-11-24T10:00:00Z',
    '2026-11-24T10:00:00.000Z',
    '2026-11-24 10:00 GMT',
    '2026-11-24 12:00 +02:00',
    '2026-11-24T05:00:00-0500',
  ])('reads "%s" as 10:00 UTC on 24 November 2026', (text) => {
    expect(parseWaitUntil(text)).toBe(tenOClock);
  });

  it('reads a date alone as midnight UTC', () => {
    expect(parseWaitUntil('2026-11-24')).toBe(Date.UTC(2026, 10, 24));
  });

  it('keeps milliseconds', () => {
    expect(parseWaitUntil('2026-11-24T10:00:00.5Z')).toBe(tenOClock + 500);
  });

  it.each(['tomorrow', '24/11/2026 10:00', '2026-11-24 10:00 CET', ''])(
    'rejects "%s" with a reason',
    (text) => {
      expect(parseWaitUntil(text)).toBe(
        `until must be a date such as "2026-11-24 10:00 UTC", not ${JSON.stringify(text)}`,
      );
    },
  );

  it('rejects a value that is not a string', () => {
    expect(parseWaitUntil(1_800_000_000_000)).toBe(
      'until must be a date such as "2026-11-24 10:00 UTC", not 1800000000000',
    );
  });

  it.each([
    '2026-02-30 10:00',
    '2026-04-31',
    '2027-02-29',
    '2100-02-29',
    '2026-13-01',
    '2026-11-24 25:00',
    '2026-11-24 10:60',
    '2026-00-10',
  ])('rejects the impossible date "%s" instead of rolling it over', (text) => {
    expect(parseWaitUntil(text)).toBe(`until "${text}" is not a valid date`);
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseWaitUntil('2028-02-29 00:00 UTC')).toBe(Date.UTC(2028, 1, 29));
    expect(parseWaitUntil('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
  });
});
