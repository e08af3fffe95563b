/** How problems are worded: JSON paths into the checked value, and short descriptions of values. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export const quote = (text: string): string =>
  JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/** What a value is, for "got ..." in messages; never prints more than a short string. */
export const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  switch (typeof value) {
    case 'string':
      return value.length === 0 ? 'an empty string' : `the string ${quote(value)}`;
    case 'number':
      return `the number ${String(value)}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof value}`;
  }
};

export const member = (path: string, key: string): string =>
  IDENTIFIER.test(key) ? `${path}.${key}` : `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
export const at = (path: string, index: number): string => `${path}[${index}]`;
