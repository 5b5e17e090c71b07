import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const HASH = /^[0-9a-f]{64}$/;

/** Only a lowercase SHA-256 hex can name a blob; anything else (a path, say) is simply not found. */
export function isBlobHash(value: string): boolean {
  return HASH.test(value);
}

/** Passes bytes through while computing their SHA-256 and length, so content is read only once. */
export class HashingStream extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  /** The hex digest; call once, after the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

export function asReadable(content: Readable | Buffer): Readable {
  // Wrapped in an array: Readable.from(buffer) would emit it byte by byte.
  return Buffer.isBuffer(content) ? Readable.from([content]) : content;
}
