import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * JSON values ↔ DynamoDB attribute values, and item sizes as DynamoDB bills them.
 *
 * Hand-written rather than lib-dynamodb's marshaller for two reasons found in practice: the
 * DocumentClient stores its marshalling options on the shared DynamoDBClient's config (two
 * document clients over one client overwrite each other's options), and its unmarshaller throws
 * on any number beyond 2^53, so one worker output with a 20-digit id would make the execution
 * impossible to load. Everything Baton stores is JSON, so JSON's rules are the right ones here:
 * `undefined` members are dropped, non-finite numbers become null, numbers read back as JS numbers.
 */
export type Item = Record<string, AttributeValue>;

type JsonLike = { toJSON(): unknown };

const hasToJson = (value: object): value is JsonLike => typeof (value as JsonLike).toJSON === 'function';

/** A JSON-like value as an attribute value; undefined for what JSON would drop (undefined, functions). */
export const toAttribute = (value: unknown): AttributeValue | undefined => {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return Number.isFinite(value) ? { N: String(value) } : { NULL: true };
    case 'boolean':
      return { BOOL: value };
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new TypeError('cannot store a BigInt (JSON has no BigInt either)');
  }
  if (value === null || value === undefined) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map((element) => toAttribute(element) ?? { NULL: true }) };
  if (hasToJson(value)) return toAttribute(value.toJSON());
  return { M: toItem(value as Record<string, unknown>) };
};

/** An object as an item (or map attribute), dropping undefined members. */
export const toItem = (record: Record<string, unknown>): Item => {
  const item: Item = {};
  for (const [name, value] of Object.entries(record)) {
    const attribute = toAttribute(value);
    if (attribute) item[name] = attribute;
  }
  return item;
};

export const fromAttribute = (value: AttributeValue): unknown => {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return fromItem(value.M);
  if (value.L !== undefined) return value.L.map(fromAttribute);
  // Sets and binaries are never written by Baton; read them as the closest JSON.
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  return null;
};

export const fromItem = (item: Item): Record<string, unknown> => {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) record[name] = fromAttribute(value);
  return record;
};

/** Bytes of a string in UTF-8, as DynamoDB counts them, without encoding it. */
export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Significant digits, leading and trailing zeros trimmed, as DynamoDB sizes a number. */
const numberBytes = (text: string): number => {
  const mantissa = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '');
  const digits = mantissa.replace(/^0+/, '').replace(/0+$/, '').length || 1;
  return Math.ceil(digits / 2) + 1;
};

/** Bytes of one value (without its name), following DynamoDB's published sizing rules. */
export const valueSize = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8Length(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + valueSize(element) + 1, 0);
  if (value.B !== undefined) return value.B.length;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8Length(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberBytes(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  return 0;
};

/** Bytes of an item: every attribute's name plus its value. */
export const itemSize = (item: Item): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8Length(name) + valueSize(value), 0);
