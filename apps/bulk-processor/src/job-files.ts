import { Readable } from 'node:stream';
import type { BlobStore } from '@batchyard/blob-store';
import { BulkLimits, csvRecordsAt, readAllRows } from '@batchyard/bulk-jobs';
import type { ChunkWrite, EventData, BulkJobQueued, RowError } from '@batchyard/contracts';
import { csvRow } from '@batchyard/csv';

export async function readBlob(blobs: BlobStore, hash: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(hash)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function putJson(blobs: BlobStore, value: unknown) {
  return putJsonText(blobs, JSON.stringify(value));
}

async function putJsonText(blobs: BlobStore, json: string) {
  const { hash, size } = await blobs.put(Buffer.from(json), { contentType: 'application/json' });
  return { hash, size };
}

/** Blobs written at once: each is flushed to disk before it is published, so several in flight overlap the waits. */
const PUTS_IN_FLIGHT = 8;

/** Stores JSON texts, a new one starting as soon as one is stored; their refs in the same order. */
export async function putJsonTexts(blobs: BlobStore, texts: readonly string[]) {
  const refs: { hash: string; size: number }[] = new Array(texts.length);
  let next = 0;
  const putNext = async () => {
    while (next < texts.length) {
      const i = next++;
      refs[i] = await putJsonText(blobs, texts[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUTS_IN_FLIGHT, texts.length) }, putNext));
  return refs;
}

type Upload = EventData<typeof BulkJobQueued>['upload'];
/** The error columns after a row's own; removing them gives a file the same job definition takes again. */
const ERROR_COLUMNS = ['line', 'field', 'code', 'message'];
/** Several errors of one row share its line, each column's values joined in the same order. */
const JOINED = '; ';

/** Rows of the upload as received, by line: a CSV upload's header and cells, or a JSON upload's items. */
type ReceivedRows = { header: string[]; rows: Map<number, { cells: string[]; row: unknown }> };

/**
 * The upload's rows at these lines, as received. CSV: the upload's own header and each record's cells (a record
 * shorter than the header padded with ""), its row as `{header: cell}`. JSON: one `row` column, the item as JSON text.
 */
export async function receivedRows(blobs: BlobStore, upload: Upload, lines: ReadonlySet<number>): Promise<ReceivedRows> {
  const content = await readBlob(blobs, upload.hash);
  const rows = new Map<number, { cells: string[]; row: unknown }>();
  if (upload.format === 'csv') {
    const { header, records } = csvRecordsAt(content, lines);
    for (const line of lines) {
      const cells = header.map((_, c) => records.get(line)?.[c] ?? '');
      rows.set(line, { cells, row: Object.fromEntries(header.map((h, c) => [h, cells[c]])) });
    }
    return { header, rows };
  }
  const items = readAllRows(content, 'json', BulkLimits.maxRows);
  for (const line of lines) {
    const row = items[line - 1]?.value ?? null;
    rows.set(line, { cells: [JSON.stringify(row)], row });
  }
  return { header: ['row'], rows };
}

async function putCsv(blobs: BlobStore, lines: string[]) {
  const { hash, size } = await blobs.put(Readable.from([Buffer.from(lines.join(''))]), { contentType: 'text/csv' });
  return { hash, size };
}

/**
 * The error file, as JSON (`{line, row, errors[]}`) and CSV: one entry per rejected row, in line order, with the row
 * as received. CSV upload: the upload's own header and cells, then line, field, code, message. JSON upload: the item
 * as JSON text in a `row` column, then the same four (docs/bulk-jobs.md, "Files").
 */
export async function errorFiles(blobs: BlobStore, errors: RowError[], received: ReceivedRows) {
  if (errors.length === 0) return {};
  const byLine = errorsByLine(errors);
  const errorCells = (line: number) => {
    const all = byLine.get(line)!;
    return [line, ...(['field', 'code', 'message'] as const).map((k) => all.map((e) => e[k]).join(JOINED))];
  };
  const lines = [...byLine.keys()];
  const csv = [csvRow([...received.header, ...ERROR_COLUMNS]), ...lines.map((line) => csvRow([...received.rows.get(line)!.cells, ...errorCells(line)]))];
  const json = lines.map((line) => ({ line, row: received.rows.get(line)!.row, errors: byLine.get(line)! }));
  return { errorsJson: await putJson(blobs, json), errorsCsv: await putCsv(blobs, csv) };
}

/** A job's errors by line, in line order, each line's in the order they were found. */
export function errorsByLine(errors: readonly RowError[]): Map<number, Omit<RowError, 'line'>[]> {
  const byLine = new Map<number, Omit<RowError, 'line'>[]>();
  for (const { line, ...error } of [...errors].sort((a, b) => a.line - b.line)) {
    const row = byLine.get(line);
    if (row) row.push(error);
    else byLine.set(line, [error]);
  }
  return byLine;
}

const RESULTS = { create: 'created', update: 'updated', delete: 'deleted' } as const;
export type Outcome = { line: number; id: string | null; result: (typeof RESULTS)[keyof typeof RESULTS] | 'ignored' };

/** What each written row became; `ignored` rows (duplicates) carry no id. */
export function outcomesOf(writes: readonly ChunkWrite[], ignoredLines: readonly number[]): Outcome[] {
  const outcomes: Outcome[] = writes.map((w) => ({ line: w.line, id: w.id, result: RESULTS[w.op] }));
  for (const line of ignoredLines) outcomes.push({ line, id: null, result: 'ignored' });
  return outcomes.sort((a, b) => a.line - b.line);
}

/**
 * The result files (`save_result`), in line order: JSON `{line, id, result}` (created, updated, deleted, ignored:
 * id null), and CSV the row as received (as in the error file) then `line,outcome,id`.
 */
export async function resultFiles(blobs: BlobStore, outcomes: readonly Outcome[], received: ReceivedRows | undefined) {
  const resultJson = await putJson(blobs, outcomes);
  if (!received) return { resultJson };
  const csv = [csvRow([...received.header, 'line', 'outcome', 'id']), ...outcomes.map((o) => csvRow([...received.rows.get(o.line)!.cells, o.line, o.result, o.id ?? '']))];
  return { resultJson, resultCsv: await putCsv(blobs, csv) };
}

/**
 * The unprocessed files: the rows a job never reached, in line order. JSON `{line, row}`; CSV the row as received
 * (as in the error file) then `line`, so without its last column it is an upload for the same job definition.
 */
export async function unprocessedFiles(blobs: BlobStore, lines: readonly number[], received: ReceivedRows) {
  if (lines.length === 0) return {};
  const csv = [csvRow([...received.header, 'line']), ...lines.map((line) => csvRow([...received.rows.get(line)!.cells, line]))];
  const json = lines.map((line) => ({ line, row: received.rows.get(line)!.row }));
  return { unprocessedJson: await putJson(blobs, json), unprocessedCsv: await putCsv(blobs, csv) };
}
