import { createHash, randomBytes, randomInt } from 'node:crypto';

/** EVRYTHNG's id alphabet: 50 symbols without look-alikes (no i, j, l, o, u, v, z, I, J, L, O, Z). */
export const EVRYTHNG_ID_ALPHABET = 'abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0123456789';
export const EVRYTHNG_ID_PATTERN = /^[abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0123456789]{24}$/;

export function newEvrythngId(): string {
  let id = '';
  for (let i = 0; i < 24; i++) id += EVRYTHNG_ID_ALPHABET[randomInt(EVRYTHNG_ID_ALPHABET.length)];
  return id;
}

/** `length` (at most 32) characters of EVRYTHNG's alphabet derived from a seed. */
function alphabetCharsFrom(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = '';
  for (let i = 0; i < length; i++) id += EVRYTHNG_ID_ALPHABET[digest[i] % EVRYTHNG_ID_ALPHABET.length];
  return id;
}

/** A deterministic EVRYTHNG-style id from a seed (for ids that a retry must reproduce). */
export function evrythngIdFrom(seed: string): string {
  return alphabetCharsFrom(seed, 24);
}

const SEQUENCE_DIGITS = 8;

/**
 * Deterministic EVRYTHNG-style ids that sort in sequence order: 16 characters derived from the seed, then the
 * sequence number as 8 zero-padded digits. Ids made in sequence land next to each other in a key index, where
 * hashed ids would each land on a random page. The seed is hashed once, not per id.
 */
export function sequentialIdsFrom(seed: string): (sequence: number) => string {
  const prefix = alphabetCharsFrom(seed, 24 - SEQUENCE_DIGITS);
  return (sequence) => {
    if (!Number.isInteger(sequence) || sequence < 0 || sequence >= 10 ** SEQUENCE_DIGITS) throw new RangeError(`sequence ${sequence} out of range`);
    return prefix + String(sequence).padStart(SEQUENCE_DIGITS, '0');
  };
}

/** A UUID derived from a seed (v5-shaped, SHA-256 based), so retries of one command yield the same event ids. */
export function uuidFrom(seed: string): string {
  const b = createHash('sha256').update(seed).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new API key: a recognisable prefix and 32 random bytes. */
export function newApiKey(): string {
  return `byk_${randomBytes(32).toString('base64url')}`;
}
