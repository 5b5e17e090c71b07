import { Readable } from 'node:stream';

export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`content exceeds ${limit} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** `source` passed through until more than `limit` bytes have come, then an error: a put of it stores nothing. */
export function sizeLimited(source: AsyncIterable<Buffer | string>, limit: number): Readable {
  return Readable.from(
    (async function* () {
      let size = 0;
      for await (const chunk of source) {
        size += Buffer.byteLength(chunk);
        if (size > limit) throw new BlobTooLargeError(limit);
        yield chunk;
      }
    })(),
  );
}
