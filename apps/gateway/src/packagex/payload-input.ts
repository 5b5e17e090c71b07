import type { BlobStore } from '@batchyard/blob-store';
import { BulkLimits, PayloadError, assertUtf8, readAllRows, type InputRow, type PayloadFormat } from '@batchyard/bulk-jobs';
import type { CommandData, QueueBulkJob } from '@batchyard/contracts';
import { ApiError } from '../http/api-error';

const CONTENT_TYPES: Record<PayloadFormat, string> = { csv: 'text/csv', json: 'application/json' };

export interface CheckedPayload {
  content: Buffer;
  format: PayloadFormat;
  rows: InputRow[];
}

/** Checks a payload can be read whole and reads its rows; a payload that cannot is a 400 naming `field`. */
export function checkedPayload(field: string, decode: () => { content: Buffer; format: PayloadFormat }): CheckedPayload {
  try {
    const { content, format } = decode();
    assertUtf8(content);
    const rows = readAllRows(content, format, BulkLimits.maxRows);
    if (rows.length === 0) throw new PayloadError('the file holds no rows');
    return { content, format, rows };
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    throw ApiError.validation([{ code: 'invalid_payload', path: [field], message: error.message + (error.line ? ` (line ${error.line})` : '') }]);
  }
}

/**
 * Stores a checked payload and says what QueueBulkJob records of it. A CSV's rows go beside it as JSON, so the
 * bulk processor reads them instead of parsing the file a second time; a JSON payload is as quick to read itself.
 */
export async function storePayload(blobs: BlobStore, payload: CheckedPayload): Promise<CommandData<typeof QueueBulkJob>['upload']> {
  const storing = blobs.put(payload.content, { contentType: CONTENT_TYPES[payload.format] });
  // Both files are written at once: each waits for its own flush to disk.
  const parsing = payload.format === 'csv' ? blobs.put(Buffer.from(JSON.stringify(payload.rows)), { contentType: CONTENT_TYPES.json }) : undefined;
  const [stored, parsed] = await Promise.all([storing, parsing]);
  const upload = { hash: stored.hash, size: stored.size, format: payload.format, rows: payload.rows.length };
  return parsed ? { ...upload, parsedRows: { hash: parsed.hash, size: parsed.size } } : upload;
}
