import { fileRow, inputColumns } from './file-rows';

describe('FILE_BASED columns and rows', () => {
  it('takes a shortId column, one identifiers.<key> column, or both, in any order', () => {
    expect(inputColumns(['shortId'], false)).toEqual({ width: 1, shortId: 0 });
    expect(inputColumns(['identifiers.ser', 'shortId'], true)).toEqual({ width: 2, shortId: 1, identifier: { key: 'ser', index: 0 } });
    expect(inputColumns(['identifiers.gs1_21'], true)).toEqual({ width: 1, identifier: { key: 'gs1_21', index: 0 } });
  });

  it("takes a result file's SHORT_ID column as the shortId column", () => {
    expect(inputColumns(['SHORT_ID'], false)).toEqual({ width: 1, shortId: 0 });
    expect(inputColumns(['SHORT_ID', 'shortId'], false)).toEqual({ error: expect.stringMatching(/second column 'shortId'/) });
  });

  it('refuses a header with an unknown or repeated column, none of its columns, or identifiers without Thngs', () => {
    expect(inputColumns(['shortId', 'colour'], true)).toEqual({ error: expect.stringMatching(/unknown column 'colour'/) });
    expect(inputColumns(['shortId', 'shortId'], true)).toEqual({ error: expect.stringMatching(/second column 'shortId'/) });
    expect(inputColumns(['identifiers.a', 'identifiers.b'], true)).toEqual({ error: expect.stringMatching(/second column 'identifiers.b'/) });
    expect(inputColumns([], true)).toEqual({ error: expect.stringMatching(/no shortId/) });
    expect(inputColumns(['shortId', 'identifiers.a'], false)).toEqual({ error: expect.stringMatching(/needs generateThngs/) });
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(inputColumns(['shortId', `identifiers.${key}`], true)).toEqual({ error: expect.stringMatching(/cannot name an identifier/) });
    }
  });

  it('reads a row, or says why it makes no item', () => {
    const columns = { width: 2, shortId: 0, identifier: { key: 'ser', index: 1 } };
    expect(fileRow(['abc', 'S1'], columns)).toEqual({ shortId: 'abc', identifier: 'S1' });
    expect(fileRow(['abc'], columns)).toEqual({ error: 'The row has 1 cells; the header has 2', shortId: 'abc' });
    expect(fileRow(['a b', 'S1'], columns)).toEqual({ error: expect.stringMatching(/Invalid short ID 'a b'/), shortId: 'a b' });
    expect(fileRow(['', 'S1'], columns)).toEqual({ error: expect.stringMatching(/Invalid short ID ''/) });
    expect(fileRow(['abc', ''], columns)).toEqual({ error: expect.stringMatching(/identifiers.ser must be/), shortId: 'abc' });
    expect(fileRow(['S1'], { width: 1, identifier: { key: 'ser', index: 0 } })).toEqual({ shortId: undefined, identifier: 'S1' });
  });

  it('quotes a huge cell back cut to 64 characters, so a refused row keeps its chunk event small', () => {
    const huge = 'x y'.repeat(400_000);
    const cut = `${huge.slice(0, 64)}…`;
    expect(fileRow([huge, 'S1'], { width: 2, shortId: 0, identifier: { key: 'ser', index: 1 } })).toEqual({
      error: `Invalid short ID '${cut}': 1 to 64 letters, digits, _ or -`,
      shortId: cut,
    });
    expect(fileRow([huge], { width: 2, shortId: 0, identifier: { key: 'ser', index: 1 } })).toEqual({ error: 'The row has 1 cells; the header has 2', shortId: cut });
    expect(inputColumns(['shortId', huge], true)).toEqual({ error: expect.stringContaining(`unknown column '${cut}'`) });
  });
});
