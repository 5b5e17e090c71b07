import { PayloadError, csvRecordsAt, decodeDataUrl, readAllRows } from './payload';
import { removeDuplicates, validateRow, type RowRules } from './row-validation';

const merge: RowRules = { resource: 'contact', action: 'merge', properties: { notes: 'default' } };
const rows = (...values: unknown[]) => values.map((value, i) => ({ line: i + 2, value }));
const collect = (content: string, format: 'csv' | 'json', maxRows = 100) => readAllRows(Buffer.from(content), format, maxRows);

describe('bulk rows', () => {
  it('reads CSV with the line of each record, converting typed cells and nesting dotted headers', () => {
    const csv = 'name,email,is_primary,alternate_names,metadata.tier\nA,a@x.io,true,x;y,gold\n\n"B, Jr",,false,,\n';
    expect(collect(csv, 'csv')).toEqual([
      { line: 2, value: { name: 'A', email: 'a@x.io', is_primary: true, alternate_names: ['x', 'y'], metadata: { tier: 'gold' } } },
      { line: 4, value: { name: 'B, Jr', is_primary: false } },
    ]);
  });

  it('trims headers and cells, and drops columns without a header', () => {
    expect(collect(' name , ,email \n A , skipped, a@x.io\n', 'csv')).toEqual([{ line: 2, value: { name: 'A', email: 'a@x.io' } }]);
    expect(collect('name,email\n', 'csv')).toEqual([]);
  });

  it('reads a cell that Batchyard neutralised as the value it was, so an error file can be sent again', () => {
    expect(collect('name,notes\nA,"\'=1+2"\nB,\'plain\n', 'csv').map((r) => r.value)).toEqual([
      { name: 'A', notes: '=1+2' },
      { name: 'B', notes: "'plain" },
    ]);
  });

  it('gives the header and the cells of the records at given lines, as received', () => {
    // A record's line is the one it ends on, as for the rows themselves.
    const content = Buffer.from('name,email\nA,a@x.io\n"B\nC",b\nD,d\n');
    const { header, records } = csvRecordsAt(content, new Set([4, 5]));
    expect(header).toEqual(['name', 'email']);
    expect([...records]).toEqual([
      [4, ['B\nC', 'b']],
      [5, ['D', 'd']],
    ]);
    expect(csvRecordsAt(content, new Set([3])).records.size).toBe(0);
  });

  it('refuses malformed CSV and JSON that is not an array, as a whole', () => {
    expect(() => collect('name\n"open\n', 'csv')).toThrow(PayloadError);
    expect(() => collect('name,email\nA,a@x.io\nB\n', 'csv')).toThrow(/malformed: Invalid Record Length/);
    expect(() => collect('{"name":"x"}', 'json')).toThrow(/array/);
    expect(() => collect('[{"name":', 'json')).toThrow(/malformed/);
  });

  it('refuses CSV headers that could reach a prototype, cannot be stored or nest into a value, naming them', () => {
    for (const header of ['__proto__.x', 'constructor.prototype.y', 'metadata.prototype', 'metadata.$where', 'metadata..x', '.x']) {
      expect(() => collect(`name,${header}\nA,1\n`, 'csv')).toThrow(new RegExp(`CSV header '${header.replace(/[.$]/g, '\\$&')}' \\(column 2\\) cannot be used`));
    }
    expect(() => collect('metadata.source,name,metadata\ncrm,A,\n', 'csv')).toThrow(/'metadata.source' \(column 1\) cannot be used: 'metadata' \(column 3\) holds a value/);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('keeps every header an own field of its row, even one named like a method', () => {
    const [row] = collect('name,metadata.toString,metadata.hasOwnProperty\nA,x,y\n', 'csv');
    const metadata = (row.value as { metadata: Record<string, unknown> }).metadata;
    expect(Object.keys(metadata)).toEqual(['toString', 'hasOwnProperty']);
    expect([metadata.toString, metadata.hasOwnProperty]).toEqual(['x', 'y']);
  });

  it('refuses a JSON payload nested too deep or with a key that cannot be stored, naming the item', () => {
    const deep = `[{"name":"A","metadata":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}]`;
    expect(() => collect(deep, 'json')).toThrow(/item 1 is refused at metadata\.a\.a.*: JSON nests at most 32/);
    expect(() => collect('[{"name":"A"},{"name":"B","metadata":{"__proto__":{"x":1}}}]', 'json')).toThrow(
      /item 2 is refused at metadata\.__proto__: '__proto__' cannot be a field name/,
    );
    expect(() => collect('[{"name":"A","metadata":{"$gt":1}}]', 'json')).toThrow(/item 1 is refused at metadata\.\$gt/);
  });

  it('refuses a payload with more rows than the limit, CSV or JSON', () => {
    expect(collect('name\na\nb\n', 'csv', 2)).toHaveLength(2);
    expect(() => collect('name\na\nb\nc\n', 'csv', 2)).toThrow(/at most 2 rows/);
    expect(() => collect('[{},{},{}]', 'json', 2)).toThrow(/at most 2 rows/);
  });

  it('decodes base64 data URLs and refuses other URLs', () => {
    const url = `data:text/csv;base64,${Buffer.from('name\nx\n').toString('base64')}`;
    expect(decodeDataUrl(url)).toEqual({ content: Buffer.from('name\nx\n'), format: 'csv' });
    expect(decodeDataUrl(`data:;base64,${Buffer.from('[{}]').toString('base64')}`).format).toBe('json');
    expect(() => decodeDataUrl('https://example.com/file.csv')).toThrow(PayloadError);
    expect(() => decodeDataUrl('data:text/csv,name')).toThrow(/base64/);
    expect(() => decodeDataUrl('data:text/csv;base64,@@@@')).toThrow(/base64/);
  });

  it('ignores every duplicate with ignore_all, all but the first with use_first', () => {
    const input = rows({ email: 'A@x.io', name: 'a' }, { email: 'a@x.io', name: 'b' }, { name: 'no key' }, { name: 'no key' }, { id: 'contact_1' }, { id: 'contact_1' });
    expect(removeDuplicates(input, merge, 'ignore_all')).toMatchObject({ ignored: 4, kept: [{ line: 4 }, { line: 5 }] });
    expect(removeDuplicates(input, merge, 'use_first')).toMatchObject({ ignored: 2, kept: [{ line: 2 }, { line: 4 }, { line: 5 }, { line: 6 }] });
  });

  it('validates a row: defaults for creates, partial fields for updates, ids of the right type, one error per problem', () => {
    const created = { line: 2, fields: { name: 'A', notes: 'default' } };
    expect(validateRow({ line: 2, value: { name: 'A' } }, merge)).toEqual({ row: created, json: JSON.stringify(created) });
    expect(validateRow({ line: 2, value: { name: 'A', notes: 'own' } }, merge)).toMatchObject({ row: { fields: { name: 'A', notes: 'own' } } });
    expect(validateRow({ line: 2, value: { name: 'A' } }, { ...merge, properties: {} })).toMatchObject({ row: { fields: { name: 'A' } } });
    expect(validateRow({ line: 3, value: { id: 'contact_9', phone: '1' } }, merge)).toMatchObject({ row: { line: 3, id: 'contact_9', fields: { phone: '1' } } });
    expect(validateRow({ line: 4, value: { id: 'grp_9' } }, merge)).toEqual([{ line: 4, field: 'id', code: 'invalid_id', message: expect.any(String) }]);
    expect(validateRow({ line: 5, value: { email: 'bad', colour: 'red' } }, merge)).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'name' }), expect.objectContaining({ field: 'colour' }), expect.objectContaining({ field: 'email' })]),
    );
    expect(validateRow({ line: 6, value: 'text' }, merge)).toEqual([expect.objectContaining({ code: 'invalid_type' })]);
    expect(validateRow({ line: 9, value: { name: 'x', metadata: { blob: 'y'.repeat(20_000) } } }, merge)).toEqual([expect.objectContaining({ code: 'too_big' })]);
    // 6,000 characters, 18,000 bytes of UTF-8: the limit counts bytes.
    expect(validateRow({ line: 10, value: { name: 'x', metadata: { blob: '€'.repeat(6_000) } } }, merge)).toEqual([expect.objectContaining({ code: 'too_big' })]);
    const del: RowRules = { ...merge, action: 'delete' };
    expect(validateRow({ line: 7, value: { name: 'x' } }, del)).toEqual([expect.objectContaining({ field: 'id', code: 'required' })]);
    expect(validateRow({ line: 8, value: { id: 'contact_1' } }, del)).toMatchObject({ row: { line: 8, id: 'contact_1', fields: {} } });
  });
});
