import { parse, CsvError } from 'csv-parse/sync';
import { jsonShapeProblem, keyProblem } from '@batchyard/client-input';
import { readCsvCell } from '@batchyard/csv';
import { BulkLimits } from './limits';
import { CsvFieldKinds } from './resource-schemas';

export type PayloadFormat = 'csv' | 'json';

/** One input row: its line (CSV: the file line where the record ends, header = 1; JSON: the 1-based item index). */
export interface InputRow {
  line: number;
  /** The row as given; for CSV, converted cells (see `csvRecordToFields`). */
  value: unknown;
}

/** A payload that cannot be read as a whole: a 400 at submission, a failed job after an upload. */
export class PayloadError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'PayloadError';
  }
}

const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)?((?:;[a-z0-9=.+-]+)*),/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The format a media type (or, without one, the content itself) says a file is in. */
export function formatOf(mediaType: string | undefined, content: Buffer): PayloadFormat | undefined {
  const type = mediaType?.toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'text/csv' || type === 'application/csv' || type === 'application/vnd.ms-excel') return 'csv';
  if (type && type !== 'text/plain' && type !== 'application/octet-stream') return undefined;
  const first = content.toString('utf8', 0, 64).trimStart()[0];
  return first === '[' ? 'json' : 'csv';
}

/** Decodes a base64 data URL (PX-CU: "a csv ... file encoded as a base64 data URL"). */
export function decodeDataUrl(url: string): { content: Buffer; format: PayloadFormat } {
  const match = DATA_URL.exec(url);
  if (!match) throw new PayloadError('data must be an array of items or a base64 data URL (data:text/csv;base64,...)');
  if (!/;base64$/i.test(match[2] ?? '')) throw new PayloadError('the data URL must be base64-encoded (;base64)');
  const body = url.slice(match[0].length).replace(/\s+/g, '');
  if (!BASE64.test(body) || body.length % 4 !== 0) throw new PayloadError('the data URL is not valid base64');
  const content = Buffer.from(body, 'base64');
  const format = formatOf(match[1], content);
  if (!format) throw new PayloadError(`unsupported file type ${match[1]}: upload CSV (text/csv) or JSON (application/json)`);
  return { content, format };
}

/** Refuses content that is not UTF-8 (with or without a byte-order mark). */
export function assertUtf8(content: Buffer): void {
  try {
    utf8.decode(content);
  } catch {
    throw new PayloadError('the file is not UTF-8 encoded');
  }
}

/**
 * Rows of a whole payload, at most `maxRows` (beyond which it throws): CSV through csv-parse (header row = field
 * names), JSON as an array of items. Parsed at once, not streamed: a payload is at most a few MB and in memory
 * already, and a stream would hand over each record through its own promise.
 */
export function readAllRows(content: Buffer, format: PayloadFormat, maxRows: number): InputRow[] {
  const rows = format === 'json' ? jsonRows(content) : csvRows(content, maxRows);
  if (rows.length > maxRows) throw new PayloadError(`a batch takes at most ${maxRows} rows`);
  return rows;
}

function jsonRows(content: Buffer): InputRow[] {
  assertUtf8(content);
  let items: unknown;
  try {
    items = JSON.parse(content.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new PayloadError(`the JSON file is malformed: ${(error as Error).message}`);
  }
  if (!Array.isArray(items)) throw new PayloadError('the JSON file must hold an array of items');
  const problem = jsonShapeProblem(items, BulkLimits.json);
  if (problem) {
    // The path starts at the row's index; a count of keys is the whole file's.
    const [index, ...field] = problem.path;
    if (typeof index !== 'number') throw new PayloadError(`the JSON file is refused: ${problem.message}`);
    throw new PayloadError(`item ${index + 1} is refused${field.length ? ` at ${field.join('.')}` : ''}: ${problem.message}`, index + 1);
  }
  return items.map((value, i) => ({ line: i + 1, value }));
}

type CsvRecord = { record: string[]; info: { lines: number } };

function csvRecords(content: Buffer, maxRows: number): CsvRecord[] {
  let records: CsvRecord[];
  try {
    // Records as arrays (the header is the first): csv-parse's `columns` builds an object per record that would
    // only be copied again, and arrays still must all be as long as the header.
    records = parse(content, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      // The header, the limit, and one record past it to refuse the file.
      to: maxRows + 2,
    }) as unknown as typeof records; // the types do not model `info`
  } catch (error) {
    if (error instanceof CsvError) throw new PayloadError(`the CSV file is malformed: ${error.message}`, (error as CsvError & { lines?: number }).lines);
    throw error;
  }
  return records;
}

function csvRows(content: Buffer, maxRows: number): InputRow[] {
  const records = csvRecords(content, maxRows);
  if (records.length === 0) return [];
  const columns = csvColumns(records[0].record);
  const rows = new Array<InputRow>(records.length - 1);
  for (let i = 1; i < records.length; i++) rows[i - 1] = { line: records[i].info.lines, value: csvRecordToFields(records[i].record, columns) };
  return rows;
}

/**
 * A CSV upload's header and the cells of the records at `lines`, as received (trimmed, as every reading of it is):
 * the error file gives the rejected rows back in the upload's own columns.
 */
export function csvRecordsAt(content: Buffer, lines: ReadonlySet<number>): { header: string[]; records: Map<number, string[]> } {
  const [header, ...rest] = csvRecords(content, BulkLimits.maxRows);
  const records = new Map<number, string[]>();
  for (const { record, info } of rest) if (lines.has(info.lines)) records.set(info.lines, record);
  return { header: header?.record ?? [], records };
}

/**
 * The field path of each column (undefined under an empty header). A header is a field name or a dotted path of
 * them; a segment that is empty, could reach a prototype or cannot be stored refuses the file, and so do two
 * headers of which one would nest inside the other's value (`metadata` and `metadata.source`).
 */
function csvColumns(headers: readonly string[]): (string[] | undefined)[] {
  const refuse = (c: number, why: string) => new PayloadError(`the CSV header '${headers[c]}' (column ${c + 1}) cannot be used: ${why}`, 1);
  const columns = headers.map((header, c) => {
    if (header === '') return undefined;
    const path = header.split('.');
    for (const segment of path) {
      const problem = segment === '' ? 'a field name cannot be empty' : keyProblem(segment);
      if (problem) throw refuse(c, problem);
    }
    return path;
  });
  const paths = new Map<string, number>();
  columns.forEach((path, c) => path && paths.set(path.join('.'), c));
  columns.forEach((path, c) => {
    for (let i = 1; path && i < path.length; i++) {
      const parent = paths.get(path.slice(0, i).join('.'));
      if (parent !== undefined) throw refuse(c, `'${headers[parent]}' (column ${parent + 1}) holds a value, not fields`);
    }
  });
  return columns;
}

/**
 * A CSV record as an item: empty cells (and cells under an empty header) are absent, `a.b` headers nest, typed
 * fields are converted. Plain objects: `csvColumns` let no header name a prototype, and objects without one cost a
 * 100,000-row file ≈ 0.9 s more to build and serialise (docs/bulk-jobs.md).
 */
function csvRecordToFields(record: readonly string[], columns: readonly (string[] | undefined)[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let c = 0; c < columns.length; c++) {
    const path = columns[c];
    const cell = record[c];
    if (cell === '' || !path) continue;
    let target = fields;
    for (let i = 0; i < path.length - 1; i++) target = (target[path[i]] ??= {}) as Record<string, unknown>;
    // A cell Batchyard's CSV writer neutralised (an error file sent again) reads as the value it was.
    target[path[path.length - 1]] = convert(path[0], readCsvCell(cell));
  }
  return fields;
}

function convert(field: string, cell: string): unknown {
  switch (CsvFieldKinds.get(field)) {
    case 'boolean':
      return cell === 'true' ? true : cell === 'false' ? false : cell;
    case 'integer':
      return /^-?\d+$/.test(cell) ? Number(cell) : cell;
    case 'list':
      return cell
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return cell;
  }
}
