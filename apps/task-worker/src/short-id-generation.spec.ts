import { randomBytes } from 'node:crypto';
import { SHORT_ID_ALPHABET, SHORT_ID_VERSION, type ShortIdGenerationInput, type ShortIdTemplate, type ShortIdVersion } from '@batchyard/contracts';
import { KeyedPermutation, shortIdCodes } from './short-id-generation';

const key = () => randomBytes(32).toString('base64url');
const codesOf =
  (version: ShortIdVersion) =>
  (shortIdTemplate: ShortIdTemplate, first: number, count: number, k = key()) =>
    shortIdCodes({ quantity: first + count, shortIdTemplate } as ShortIdGenerationInput, k, version)(first, count);
const codes = codesOf(SHORT_ID_VERSION);
const CORE = /^[abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0-9]+$/;

/** Pearson's chi-square of symbol counts against a uniform draw over the 50 symbols (49 degrees of freedom: mean 49, sd 10). */
function chiSquare(symbols: readonly string[]): number {
  const counts = new Map<string, number>([...SHORT_ID_ALPHABET].map((c) => [c, 0]));
  for (const c of symbols) counts.set(c, counts.get(c)! + 1);
  const expected = symbols.length / SHORT_ID_ALPHABET.length;
  return [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
}

describe('SEQUENTIAL short IDs', () => {
  it('counts from start by increment, padded with zeros to the full length (prefix, suffix and separators included)', () => {
    const template: ShortIdTemplate = { type: 'SEQUENTIAL', length: 14, start: 7, increment: 5, prefix: 'AB', suffix: 'Z', separator: '-' };
    expect(codes(template, 0, 3)).toEqual(['AB-000000007-Z', 'AB-000000012-Z', 'AB-000000017-Z']);
    expect(codes(template, 1_000, 1)).toEqual(['AB-000005007-Z']);
    expect(codes(template, 0, 50).every((c) => c.length === 14)).toBe(true);
  });

  it('pads with the padding character, and puts a separator only beside a prefix or suffix that is there', () => {
    expect(codes({ type: 'SEQUENTIAL', length: 6, padding: 'CHAR', paddingChar: 'x', separator: '_', suffix: 'q' }, 0, 2)).toEqual(['xxx1_q', 'xxx2_q']);
    expect(codes({ type: 'SEQUENTIAL', length: 4, padding: 'ZERO', prefix: 'P' }, 98, 2)).toEqual(['P099', 'P100']);
  });

  it('writes numbers as they come without a length, starting at 1', () => {
    expect(codes({ type: 'SEQUENTIAL', prefix: 'lot' }, 0, 3)).toEqual(['lot1', 'lot2', 'lot3']);
    expect(codes({ type: 'SEQUENTIAL' }, 9, 2)).toEqual(['10', '11']);
  });
});

describe('PSEUDO_RANDOM short IDs', () => {
  it("makes 100,000 distinct codes of the full length from EVRYTHNG's 50 symbols, chunk by chunk the same as at once", () => {
    const k = key();
    const template: ShortIdTemplate = { type: 'PSEUDO_RANDOM', length: 11, prefix: 'X', separator: '-' };
    const all = codes(template, 0, 100_000, k);
    expect(new Set(all).size).toBe(100_000);
    expect(all.every((c) => /^X-[abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0-9]{9}$/.test(c))).toBe(true);
    expect(codes(template, 40_000, 1_000, k)).toEqual(all.slice(40_000, 41_000));
    expect(codes(template, 0, 1_000)).not.toEqual(all.slice(0, 1_000));
  });

  it('shows no simple increment pattern between neighbours', () => {
    const all = codes({ type: 'PSEUDO_RANDOM' }, 0, 10_000);
    expect(all.every((c) => c.length === 8)).toBe(true);
    const value = (code: string) => [...code].reduce((n, ch) => n * 50n + BigInt(SHORT_ID_ALPHABET.indexOf(ch)), 0n);
    const steps = all.slice(1).map((c, i) => value(c) - value(all[i]));
    expect(new Set(steps).size).toBeGreaterThan(9_990);
    // Neighbours share their first character about once in 50 times (200 of 10,000), as random codes do.
    const samePrefix = all.slice(1).filter((c, i) => c[0] === all[i][0]).length;
    expect(samePrefix).toBeLessThan(400);
    // Every position uses the whole alphabet.
    for (let position = 0; position < 8; position++) expect(new Set(all.map((c) => c[position])).size).toBe(50);
  });

  it('draws every symbol as often as the others, at every position, for lengths 8 to 10 (no modulo bias)', () => {
    for (const length of [8, 9, 10]) {
      const all = codes({ type: 'PSEUDO_RANDOM', length }, 0, 20_000);
      expect(all.every((c) => c.length === length && CORE.test(c))).toBe(true);
      // Above 100 is a chance of about 1 in 50,000 for a uniform draw.
      expect(chiSquare(all.join('').split(''))).toBeLessThan(100);
      for (let position = 0; position < length; position++) expect(chiSquare(all.map((c) => c[position]))).toBeLessThan(100);
    }
  });

  it('makes the codes it made before version 2 for a task queued without one (62 symbols)', () => {
    const k = Buffer.alloc(32, 7).toString('base64url');
    const legacy = (template: ShortIdTemplate, first: number, count: number) => codesOf(undefined)(template, first, count, k);
    // Pinned from the permutation as it was before version 2.
    expect(legacy({ type: 'PSEUDO_RANDOM', length: 10, prefix: 'X' }, 0, 3)).toEqual(['XyX8Qlea25', 'XBkNUNmYBg', 'XOwqhnMpPX']);
    expect(legacy({ type: 'PSEUDO_RANDOM', length: 20 }, 5, 2)).toEqual(['4K3aJKVKE67msbCnfZPp', 'mQVHYvtFT9LpKfqE7JfP']);
    expect(codes({ type: 'PSEUDO_RANDOM', length: 10, prefix: 'X' }, 0, 3, k)).not.toEqual(['XyX8Qlea25', 'XBkNUNmYBg', 'XOwqhnMpPX']);
  });

  it('is a permutation of every core of its width, with one, two and three limbs', () => {
    // The whole domain of one, two and three characters (50, 2,500, 125,000); the first 20,000 indices of eleven.
    for (const digits of [1, 2, 3, 11]) {
      const size = Math.min(50 ** digits, digits === 3 ? 125_000 : 20_000);
      const cores = new KeyedPermutation(randomBytes(32), digits, SHORT_ID_VERSION).cores(Array.from({ length: size }, (_, i) => i));
      expect(new Set(cores).size).toBe(size);
      expect(cores.every((core) => core.length === digits && CORE.test(core))).toBe(true);
    }
    // And so it stays before version 2, over 62 symbols.
    const legacy = new KeyedPermutation(randomBytes(32), 2).cores(Array.from({ length: 62 ** 2 }, (_, i) => i));
    expect(new Set(legacy).size).toBe(62 ** 2);
    expect(legacy.every((core) => /^[A-Za-z0-9]{2}$/.test(core))).toBe(true);
  });

  it('stays a permutation when a round draws its block again (all four words rejected)', () => {
    // Five-character limbs (50^5) reject a word 5.4% of the time, all four about once in 120,000 blocks.
    const permutation = new KeyedPermutation(Buffer.alloc(32, 7), 10, SHORT_ID_VERSION);
    const cipher = (permutation as unknown as { cipher: { update(b: Uint8Array): Buffer } }).cipher;
    const update = cipher.update.bind(cipher);
    let calls = 0;
    cipher.update = (b: Uint8Array) => (calls++, update(b));
    const cores = permutation.cores(Array.from({ length: 60_000 }, (_, i) => i));
    // 12 rounds (two limbs, six each), plus the draws again: this fixed key has some.
    expect(calls).toBeGreaterThan(12);
    expect(new Set(cores).size).toBe(60_000);
    expect(cores.every((core) => core.length === 10 && CORE.test(core))).toBe(true);
  });

  it('makes the widest cores (20 characters) too', () => {
    const all = codes({ type: 'PSEUDO_RANDOM', length: 24, prefix: 'abc', separator: '-' }, 999_000, 1_000);
    expect(new Set(all).size).toBe(1_000);
    expect(all.every((c) => /^abc-[abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0-9]{20}$/.test(c))).toBe(true);
  });
});
