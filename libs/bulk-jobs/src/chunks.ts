import { BulkLimits } from './limits';
import type { CheckedRow } from './row-validation';

/** A chunk as its blob holds it: the JSON array of its rows. */
export interface ChunkSlice {
  json: string;
  rows: number;
}

/**
 * The validation phase's cut of a job's accepted rows into processing chunks, each one ChunkProcessed event: at most
 * `maxRows` rows (more if the job would otherwise have more than `BulkLimits.maxChunks` chunks) and at most
 * `BulkLimits.chunkBytes` of writes, counted in UTF-8 bytes: a row's JSON and the write's overhead. Depends on the
 * rows alone, so a repeated validation cuts the same chunks.
 */
export function cutIntoChunks(rows: readonly CheckedRow[], maxRows: number): ChunkSlice[] {
  const rowsPerChunk = Math.max(maxRows, Math.ceil(rows.length / BulkLimits.maxChunks));
  const chunks: ChunkSlice[] = [];
  let current: string[] = [];
  let bytes = 0;
  const close = () => chunks.push({ json: `[${current.join(',')}]`, rows: current.length });
  for (const { json } of rows) {
    const cost = Buffer.byteLength(json) + BulkLimits.writeOverheadBytes;
    if (current.length && (current.length >= rowsPerChunk || bytes + cost > BulkLimits.chunkBytes)) {
      close();
      current = [];
      bytes = 0;
    }
    current.push(json);
    bytes += cost;
  }
  if (current.length) close();
  return chunks;
}
