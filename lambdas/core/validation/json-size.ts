/** The size of a value as JSON, counted without building the JSON. */

import type { Obj } from './rules';

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * The UTF-8 byte length of `JSON.stringify(value)`, counted without building the string and without
 * recursion (JSON.stringify itself overflows the stack on very deep input). Counting stops once the
 * total passes `cap`. `toJSON` methods are not called: definitions are parsed JSON, which has none.
 */
export const jsonByteLength = (value: unknown, cap: number): number => {
  const omitted = (item: unknown): boolean =>
    item === undefined || typeof item === 'function' || typeof item === 'symbol';
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && total <= cap) {
    const item = pending.pop();
    if (typeof item === 'string') total += stringBytes(item, cap - total);
    else if (typeof item === 'number') total += Number.isFinite(item) ? String(item).length : 4;
    else if (typeof item === 'boolean') total += item ? 4 : 5;
    else if (typeof item === 'bigint') total += String(item).length;
    else if (item === null) total += 4;
    else if (Array.isArray(item)) {
      total += 2 + Math.max(item.length - 1, 0);
      for (let i = 0; i < item.length && total <= cap; i++) {
        const element: unknown = item[i];
        if (omitted(element)) total += 4;
        else pending.push(element);
      }
    } else if (typeof item === 'object') {
      total += 2;
      let entries = 0;
      for (const key of Object.keys(item)) {
        if (total > cap) break;
        const entry = (item as Obj)[key];
        if (omitted(entry)) continue;
        total += (entries > 0 ? 1 : 0) + stringBytes(key, cap) + 1;
        entries += 1;
        pending.push(entry);
      }
    }
    // undefined, functions and symbols at the top level: JSON.stringify writes nothing.
  }
  return total;
};

/** Bytes of a JSON string literal: quotes, escapes, UTF-8; lone surrogates are written as \uXXXX. */
const stringBytes = (text: string, limit: number): number => {
  // Most strings are plain printable ASCII: one byte a character, nothing escaped.
  if (PLAIN_ASCII.test(text)) return text.length + 2;
  let bytes = 2;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c) bytes += 2;
    else if (code < 0x20)
      bytes += code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? 2 : 6;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 6;
    } else if (code >= 0xdc00 && code <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
};
