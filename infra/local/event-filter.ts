/**
 * Lambda's event filtering for the pattern subset Baton's event source mappings use: every key of
 * the pattern must be present in the record, an array lists the values allowed there, and an
 * object matches the record's object at that key field by field. The local runtime filters stream
 * records with it as the event source mapping would.
 */
export const matchesFilterPattern = (pattern: Record<string, unknown>, record: unknown): boolean =>
  Object.entries(pattern).every(([key, wanted]) => {
    const value = (record as Record<string, unknown> | null | undefined)?.[key];
    if (Array.isArray(wanted)) return wanted.includes(value);
    if (wanted !== null && typeof wanted === 'object') {
      return matchesFilterPattern(wanted as Record<string, unknown>, value);
    }
    throw new Error(`filter pattern at ${key}: only value lists and nested objects are supported`);
  });
