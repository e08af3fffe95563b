/**
 * WAIT's time formats, as Conductor accepts them: durations such as "30s", "5m", "1h 30m",
 * "2 days 4 hours", and instants such as "2026-11-24 10:00 UTC", "2026-11-24 10:00" (UTC) or ISO 8601.
 * Errors are returned as strings (the reason the WAIT task fails with), never thrown.
 */

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };
const DURATION_PART = /(\d+)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)/gi;

/** Seconds to wait, or a message saying why the value is not a duration. */
export const parseWaitDuration = (value: unknown): number | string => {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string')
    return `duration must be a string such as "30s" or "1h 30m", not ${JSON.stringify(value)}`;
  let seconds = 0;
  let matched = '';
  for (const part of value.matchAll(DURATION_PART)) {
    const unit = part[2]!.toLowerCase();
    const key = unit.startsWith('mi') ? 'm' : unit[0]!;
    seconds += Number(part[1]) * UNIT_SECONDS[key]!;
    matched += part[0];
  }
  const leftover = value.replace(DURATION_PART, '').trim();
  if (!matched || leftover) return `duration "${value}" is not of the form "1d 2h 30m 10s"`;
  return seconds;
};

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;

/** Epoch milliseconds of the instant, or a message saying why the value is not one. */
export const parseWaitUntil = (value: unknown): number | string => {
  const match = typeof value === 'string' ? INSTANT.exec(value.trim()) : null;
  if (!match) return `until must be a date such as "2026-11-24 10:00 UTC", not ${JSON.stringify(value)}`;
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', zone] = match;
  const utc = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(ms.padEnd(3, '0')),
  );
  // Date.UTC rolls impossible fields over (Feb 30 becomes Mar 2), so they are checked first.
  const exact =
    Number(mo) >= 1 &&
    Number(mo) <= 12 &&
    Number(d) >= 1 &&
    Number(d) <= daysInMonth(Number(y), Number(mo)) &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(s) <= 59;
  if (Number.isNaN(utc) || !exact) return `until "${value}" is not a valid date`;
  return utc - zoneOffsetMinutes(zone) * 60_000;
};

const daysInMonth = (year: number, month: number): number => {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
};

const zoneOffsetMinutes = (zone: string | undefined): number => {
  if (!zone || /^(z|utc|gmt)$/i.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
};
