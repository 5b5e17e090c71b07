/**
 * What a client's string may be where it becomes a key: of a JSON object we keep, a CSV header's path, a field a
 * read store stores. These three reach or replace an object's prototype when used as a key.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const isPrototypeKey = (key: string): boolean => PROTOTYPE_KEYS.has(key);

/** The longest key any document of the three APIs has is far shorter; EVRYTHNG's custom field names take 256. */
export const MAX_KEY_LENGTH = 256;

/**
 * Why a client's key cannot be kept as a field name, or undefined when it can. Beyond the prototype's names: a
 * leading `$` is an operator to MongoDB (updates refuse such fields), a NUL cannot be in a BSON field name, and a
 * long one is no name. Dots are allowed: no key of a client is ever a path (only the gateway's own field names are).
 */
export function keyProblem(key: string): string | undefined {
  if (key.length > MAX_KEY_LENGTH) return `a field name takes at most ${MAX_KEY_LENGTH} characters`;
  if (PROTOTYPE_KEYS.has(key)) return `'${key}' cannot be a field name`;
  if (key.charCodeAt(0) === 0x24) return `'${key}' cannot be a field name: it starts with $`;
  if (key.includes('\0')) return 'a field name cannot contain NUL';
  return undefined;
}
