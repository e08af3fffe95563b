/** Object.entries that keeps a record's key type. */
export const entries = <K extends string, V>(record: Record<K, V>): [K, V][] =>
  Object.entries(record) as [K, V][];

/** A record with the same keys and each value mapped. */
export const mapRecord = <K extends string, V, R>(
  record: Record<K, V>,
  map: (value: V, key: K) => R,
): Record<K, R> =>
  Object.fromEntries(entries(record).map(([key, value]) => [key, map(value, key)])) as Record<K, R>;

/** `systemTask` → `SystemTask`, for construct ids. */
export const pascal = (id: string): string => id.charAt(0).toUpperCase() + id.slice(1);

/** `systemTask` → `system-task`, for resource names. */
export const kebab = (id: string): string => id.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
