import { MAX_EVENT_DATA_BYTES, jsonBytes, type ChunkWrite } from '@batchyard/contracts';
import { cutIntoChunks } from './chunks';
import { BulkLimits, cleanupChunkRows } from './limits';
import type { CheckedRow, ValidRow } from './row-validation';

const checked = (row: ValidRow): CheckedRow => ({ row, json: JSON.stringify(row) });
/** The longest id a write can carry: a resource prefix and 64 characters. */
const LONGEST_ID = `contact_${'A'.repeat(64)}`;

/** The ChunkProcessed data of a chunk, as the bulk processor makes it: every row a write with the longest id. */
function chunkEvent(json: string) {
  const rows = JSON.parse(json) as ValidRow[];
  const writes: ChunkWrite[] = rows.map((row) => ({ op: 'update', line: row.line, id: LONGEST_ID, fields: row.fields }));
  return { phase: 'processing', chunk: 1_999, resource: 'contact', writes, errors: [] };
}

describe('bulk job chunks', () => {
  it('count UTF-8 bytes: a chunk of two-byte characters holds half the rows of one in ASCII', () => {
    const rows = (letter: string) => Array.from({ length: 4_000 }, (_, i) => checked({ line: i + 2, fields: { name: letter.repeat(200) } }));
    const ascii = cutIntoChunks(rows('a'), 100_000);
    const wide = cutIntoChunks(rows('ż'), 100_000);
    expect(wide.length).toBeGreaterThan(ascii.length);
    for (const chunk of [...ascii, ...wide]) {
      const parsed = JSON.parse(chunk.json) as ValidRow[];
      const bytes = parsed.reduce((sum, row) => sum + jsonBytes(row) + BulkLimits.writeOverheadBytes, 0);
      expect(bytes).toBeLessThanOrEqual(BulkLimits.chunkBytes);
    }
    expect(wide.reduce((sum, c) => sum + c.rows, 0)).toBe(4_000);
  });

  it('keep every ChunkProcessed event under MAX_EVENT_DATA_BYTES, whatever the rows', () => {
    const shapes = [
      // The largest rows a job takes, in three-byte characters.
      Array.from({ length: 300 }, (_, i) => checked({ line: 99_999_000 + i, fields: { notes: '€'.repeat((BulkLimits.maxRowBytes - 60) / 3) } })),
      // The smallest rows, where the writes' overhead weighs most.
      Array.from({ length: 30_000 }, (_, i) => checked({ line: i + 2, fields: {} })),
      Array.from({ length: 5_000 }, (_, i) => checked({ line: i + 2, id: LONGEST_ID, fields: { a: '\u0001'.repeat(i % 50) } })),
    ];
    for (const rows of shapes) {
      for (const chunk of cutIntoChunks(rows, 100_000)) expect(jsonBytes(chunkEvent(chunk.json))).toBeLessThanOrEqual(MAX_EVENT_DATA_BYTES);
    }
  });

  it('cut a job into at most maxChunks chunks, whose list fits the validation phase event', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => checked({ line: i + 2, fields: { name: `n${i}` } }));
    const chunks = cutIntoChunks(rows, 1);
    expect(chunks.length).toBeLessThanOrEqual(BulkLimits.maxChunks);
    expect(chunks.reduce((sum, c) => sum + c.rows, 0)).toBe(100_000);
    const refs = chunks.map((c) => ({ hash: 'f'.repeat(64), size: 9_999_999, rows: c.rows }));
    expect(jsonBytes({ phase: 'validation', total: 100_000, success: 100_000, error: 0, chunks: refs, errors: { hash: 'f'.repeat(64), size: 1 } })).toBeLessThan(
      MAX_EVENT_DATA_BYTES,
    );
    expect(cutIntoChunks(rows.slice(0, 600), 5)).toHaveLength(120);
  });

  it('keep a cleanup chunk of deletions under MAX_EVENT_DATA_BYTES, however many rows a chunk is set to', () => {
    const before = process.env.BATCHYARD_BULK_CHUNK_ROWS;
    process.env.BATCHYARD_BULK_CHUNK_ROWS = '1000000';
    try {
      const writes = Array.from({ length: cleanupChunkRows() }, () => ({ op: 'delete', line: 0, id: LONGEST_ID }));
      expect(writes.length).toBeGreaterThan(2_000);
      expect(jsonBytes({ phase: 'cleanup', chunk: 99_999, resource: 'contact', writes, errors: [] })).toBeLessThanOrEqual(MAX_EVENT_DATA_BYTES);
    } finally {
      if (before === undefined) delete process.env.BATCHYARD_BULK_CHUNK_ROWS;
      else process.env.BATCHYARD_BULK_CHUNK_ROWS = before;
    }
  });
});
