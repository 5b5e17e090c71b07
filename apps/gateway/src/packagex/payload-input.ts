import { BulkLimits, PayloadError, assertUtf8, countRows, type PayloadFormat } from '@batchyard/bulk-jobs';
import { ApiError } from '../http/api-error';

export const CONTENT_TYPES: Record<PayloadFormat, string> = { csv: 'text/csv', json: 'application/json' };

/** Checks a payload can be read whole and counts its rows; a payload that cannot is a 400 naming `field`. */
export async function checkedPayload(field: string, decode: () => { content: Buffer; format: PayloadFormat }) {
  try {
    const { content, format } = decode();
    assertUtf8(content);
    const rows = await countRows(content, format, BulkLimits.maxRows);
    if (rows === 0) throw new PayloadError('the file holds no rows');
    return { content, format, rows };
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    throw ApiError.validation([{ code: 'invalid_payload', path: [field], message: error.message + (error.line ? ` (line ${error.line})` : '') }]);
  }
}
