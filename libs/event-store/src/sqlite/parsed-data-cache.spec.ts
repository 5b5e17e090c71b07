import { ParsedDataCache } from './parsed-data-cache';

const large = (n: number) => JSON.stringify({ rows: Array.from({ length: n }, (_, i) => ({ line: i, fields: { name: `row ${i}` } })) });

describe('ParsedDataCache', () => {
  it('parses a large event once and gives every reader the same deeply frozen data', () => {
    const cache = new ParsedDataCache();
    const json = large(500);
    const first = cache.parse(7, json) as { rows: { fields: { name: string } }[] };
    expect(cache.parse(7, json)).toBe(first);
    expect(first).toEqual(JSON.parse(json));
    expect(Object.isFrozen(first.rows[3].fields)).toBe(true);
    expect(() => {
      'use strict';
      first.rows[3].fields.name = 'changed';
    }).toThrow(TypeError);
  });

  it('parses small events afresh: nothing shared, nothing frozen', () => {
    const cache = new ParsedDataCache();
    const a = cache.parse(1, '{"n":1}');
    expect(cache.parse(1, '{"n":1}')).not.toBe(a);
    expect(Object.isFrozen(a)).toBe(false);
  });

  it('lets the oldest entries go beyond its size, parsing them again when asked', () => {
    const cache = new ParsedDataCache();
    const json = large(300_000); // about 14 MB: the third one pushes the first out of 32 MB
    const first = cache.parse(1, json);
    const second = cache.parse(2, json);
    cache.parse(3, json);
    expect(cache.parse(2, json)).toBe(second);
    expect(cache.parse(1, json)).not.toBe(first);
  });
});
