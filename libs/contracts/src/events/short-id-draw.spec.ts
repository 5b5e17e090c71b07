import { createHash } from 'node:crypto';
import { LEGACY_SHORT_ID_ALPHABET, SHORT_ID_ALPHABET, SHORT_ID_VERSION, shortIdAlphabet, unbiasedSymbols } from './short-id-template';
import { chunkItems, taskItem } from './task-events';

/** Pearson's chi-square of symbol counts against a uniform draw over the alphabet. */
function chiSquare(texts: readonly string[], alphabet: string): number {
  const counts = new Map<string, number>([...alphabet].map((c) => [c, 0]));
  let total = 0;
  for (const text of texts) {
    for (const c of text) {
      counts.set(c, counts.get(c)! + 1);
      total++;
    }
  }
  const expected = total / alphabet.length;
  return [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
}
/** 49 degrees of freedom: mean 49, standard deviation about 10; above 100 is a chance of about 1 in 50,000. */
const CHI_SQUARE_LIMIT = 100;

describe('short ID alphabet', () => {
  it("is EVRYTHNG's 50 symbols, with no look-alikes, and version 2 picks it", () => {
    expect(SHORT_ID_ALPHABET).toBe('abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0123456789');
    expect(new Set(SHORT_ID_ALPHABET).size).toBe(50);
    for (const c of 'ijlouvzIJLOZ') expect(SHORT_ID_ALPHABET).not.toContain(c);
    expect(shortIdAlphabet(SHORT_ID_VERSION)).toBe(SHORT_ID_ALPHABET);
    expect(shortIdAlphabet(undefined)).toBe(LEGACY_SHORT_ID_ALPHABET);
  });
});

describe('unbiasedSymbols', () => {
  it('draws the configured length (8 to 10) of alphabet symbols only, the same for the same seed', () => {
    for (const length of [8, 9, 10]) {
      const draws = Array.from({ length: 2_000 }, (_, i) => unbiasedSymbols(`seed:${i}`, length));
      expect(draws.every((d) => d.length === length && [...d].every((c) => SHORT_ID_ALPHABET.includes(c)))).toBe(true);
      expect(new Set(draws).size).toBe(2_000);
      expect(unbiasedSymbols('seed:7', length)).toBe(draws[7]);
    }
    expect(unbiasedSymbols('a', 10)).not.toBe(unbiasedSymbols('b', 10));
  });

  it('goes on hashing with a counter when one digest has too few accepted bytes', () => {
    // 100 symbols need about 103 bytes: four digests.
    const long = unbiasedSymbols('long', 100);
    expect(long).toHaveLength(100);
    expect(long.startsWith(unbiasedSymbols('long', 10))).toBe(true);
  });

  it('has no modulo bias: every symbol as often as the others (chi-square), where byte mod 50 favours the first six', () => {
    const draws = Array.from({ length: 40_000 }, (_, i) => unbiasedSymbols(`bias:${i}`, 8));
    expect(chiSquare(draws, SHORT_ID_ALPHABET)).toBeLessThan(CHI_SQUARE_LIMIT);
    // The same check catches the biased draw: 256 = 5 × 50 + 6, so a to f come 6 times in 256, the rest 5.
    const modulo = Array.from({ length: 40_000 }, (_, i) => [...createHash('sha256').update(`bias:${i}`).digest().subarray(0, 8)].map((b) => SHORT_ID_ALPHABET[b % 50]).join(''));
    expect(chiSquare(modulo, SHORT_ID_ALPHABET)).toBeGreaterThan(5 * CHI_SQUARE_LIMIT);
    // And position by position.
    for (let position = 0; position < 8; position++) {
      expect(
        chiSquare(
          draws.map((d) => d[position]),
          SHORT_ID_ALPHABET,
        ),
      ).toBeLessThan(CHI_SQUARE_LIMIT);
    }
  });
});

describe('derived short IDs (taskItem)', () => {
  it('at version 2: 8 unbiased symbols of the alphabet, the Thng id unchanged', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => taskItem('T1', 1, i, SHORT_ID_VERSION));
    expect(items.every(({ shortId }) => /^[abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0-9]{8}$/.test(shortId))).toBe(true);
    expect(
      chiSquare(
        items.map((i) => i.shortId),
        SHORT_ID_ALPHABET,
      ),
    ).toBeLessThan(CHI_SQUARE_LIMIT);
    expect(items[5]).toEqual(taskItem('T1', 1, 5, SHORT_ID_VERSION));
    expect(items[5].thngId).toBe(taskItem('T1', 1, 5).thngId);
  });

  it('without a version (events recorded before it): the short IDs they always gave', () => {
    // Pinned from the derivation as it was before version 2.
    expect([0, 1, 2].map((i) => taskItem('T1', 1, 1_000 + i))).toEqual([
      { thngId: 'xMVyM4HrhYeQW3MY2kCNVc3s', shortId: 'p86tqErd' },
      { thngId: '4Y6E8RsBEkaVerkxfdPKAe4H', shortId: 'UWB4Cd6E' },
      { thngId: 'CmTxMemK6D4WXheQfQQmFaYV', shortId: 'ASTrFafD' },
    ]);
  });

  it("chunkItems follows the chunk's version", () => {
    const chunk = { chunk: 1, first: 1_000, count: 2 };
    expect([...chunkItems('T1', chunk)].map((i) => i.shortId)).toEqual(['p86tqErd', 'UWB4Cd6E']);
    expect([...chunkItems('T1', { ...chunk, shortIdVersion: SHORT_ID_VERSION })].map((i) => i.shortId)).toEqual(
      [1_000, 1_001].map((i) => taskItem('T1', 1, i, SHORT_ID_VERSION).shortId),
    );
  });
});
