/**
 * The one way Batchyard writes CSV (task result files, bulk job error files) and reads back what it wrote.
 *
 * A spreadsheet reads a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return as a formula, so a value a
 * client chose (a short ID, an unknown field's name) could run in whoever opens the file (OWASP: CSV injection). Such a
 * cell is written with a leading `'`, which spreadsheets take as "text follows", and quoted. A value that already
 * starts with `'`s before one of those characters gets one more, so reading strips exactly one and every value comes
 * back as it was: `-A1` is written `"'-A1"`, `'-A1` is written `"''-A1"`.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\n\r]/;

const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/** One cell. Numbers are Batchyard's own (line numbers) and written as they are. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  if (FORMULA_START.test(value)) return quoted(`'${value}`);
  return NEEDS_QUOTES.test(value) ? quoted(value) : value;
}

/** One record, ended by a newline. */
export function csvRow(cells: readonly (string | number)[]): string {
  return `${cells.map(csvCell).join(',')}\n`;
}

/** A cell as parsed from a CSV (quotes already removed), with the `'` that `csvCell` added taken off again. */
export function readCsvCell(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}
