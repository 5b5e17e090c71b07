import type { Readable } from 'node:stream';

/** A stored blob, addressed by the SHA-256 of its content (hex). */
export interface BlobRef {
  hash: string;
  size: number;
  contentType: string;
}

export class BlobNotFoundError extends Error {
  constructor(readonly hash: string) {
    super(`blob ${hash} not found`);
    this.name = 'BlobNotFoundError';
  }
}

/** The blob-store port: files under the data directory, or GridFS. Putting the same content twice stores it once. */
export interface BlobStore {
  put(content: Readable | Buffer, options?: { contentType?: string }): Promise<BlobRef>;
  /** Streams the content, from byte `start` on (0 by default); rejects with BlobNotFoundError. */
  get(hash: string, options?: { start?: number }): Promise<Readable>;
  stat(hash: string): Promise<BlobRef | undefined>;
  delete(hash: string): Promise<void>;
  close(): Promise<void>;
}
