import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, type BlobStore } from '@batchyard/blob-store';
import { ApiError } from '../http/api-error';

/** Streams a blob as the answer, with its content type and length; `filename` makes it a download of that name. */
export async function sendBlob(res: Response, blobs: BlobStore, hash: string, filename?: string): Promise<void> {
  const stat = await blobs.stat(hash);
  if (!stat) throw new ApiError('NOT_FOUND', 'File not found');
  res.status(200).type(stat.contentType).setHeader('content-length', String(stat.size));
  if (filename) res.attachment(filename);
  try {
    await pipeline(await blobs.get(hash), res);
  } catch (error) {
    if (error instanceof BlobNotFoundError) throw new ApiError('NOT_FOUND', 'File not found');
    throw error;
  }
}
