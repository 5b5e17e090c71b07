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

/**
 * The error file, as JSON (`{line, row, errors[]}`) and CSV: one entry per rejected row, in line order, with the row
 * as received. CSV upload: the upload's own header and cells, then line, field, code, message. JSON upload: the item
 * as JSON text in a `row` column, then the same four (docs/bulk-jobs.md, "Files").
 */
export async function errorFiles(blobs: BlobStore, errors: RowError[], upload: Upload) {
  if (errors.length === 0) return {};
  const byLine = new Map<number, Omit<RowError, 'line'>[]>();
  for (const { line, ...error } of [...errors].sort((a, b) => a.line - b.line)) {
    const row = byLine.get(line);
    if (row) row.push(error);
    else byLine.set(line, [error]);
  }
  const content = await readBlob(blobs, upload.hash);
  const rejected = upload.format === 'csv' ? csvRowsAt(content, byLine) : jsonRowsAt(content, byLine);
  const errorCells = (line: number) => {
    const all = byLine.get(line)!;
    return [line, ...(['field', 'code', 'message'] as const).map((k) => all.map((e) => e[k]).join(JOINED))];
  };
  const csv = [csvRow([...rejected.header, ...ERROR_COLUMNS]), ...rejected.rows.map((r) => csvRow([...r.cells, ...errorCells(r.line)]))].join('');
  const csvRef = await blobs.put(Readable.from([Buffer.from(csv)]), { contentType: 'text/csv' });
  const json = rejected.rows.map((r) => ({ line: r.line, row: r.row, errors: byLine.get(r.line)! }));
  return { errorsJson: await putJson(blobs, json), errorsCsv: { hash: csvRef.hash, size: csvRef.size } };
}

type RejectedRows = { header: string[]; rows: { line: number; cells: string[]; row: unknown }[] };

function csvRowsAt(content: Buffer, byLine: Map<number, unknown>): RejectedRows {
  const { header, records } = csvRecordsAt(content, new Set(byLine.keys()));
  const rows = [...byLine.keys()].map((line) => {
    const cells = header.map((_, c) => records.get(line)?.[c] ?? '');
    return { line, cells, row: Object.fromEntries(header.map((h, c) => [h, cells[c]])) };
  });
  return { header, rows };
}

function jsonRowsAt(content: Buffer, byLine: Map<number, unknown>): RejectedRows {
  const items = readAllRows(content, 'json', BulkLimits.maxRows);
  const rows = [...byLine.keys()].map((line) => ({ line, cells: [JSON.stringify(items[line - 1]?.value ?? null)], row: items[line - 1]?.value ?? null }));
  return { header: ['row'], rows };
}

const RESULTS = { create: 'created', update: 'updated', delete: 'deleted' } as const;

/** The result file (`save_result`): the id each row was written to and how. */
export async function resultFile(blobs: BlobStore, writes: ChunkWrite[]) {
  return putJson(
    blobs,
    writes.map((w) => ({ line: w.line, id: w.id, result: RESULTS[w.op] })),
  );
}
