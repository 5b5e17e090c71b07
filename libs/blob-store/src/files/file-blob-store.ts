import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { asReadable, DEFAULT_CONTENT_TYPE, HashingStream, isBlobHash } from '../content-hash';
import { BlobNotFoundError, type BlobRef, type BlobStore } from '../port';

/** Uploads in progress; on the same file system as the blobs, so publishing one is an atomic rename. */
const UPLOADS = '.uploads';
/** An upload untouched this long was left by a crashed process (several processes may share a data directory). */
const ABANDONED_UPLOAD_MS = 60 * 60 * 1000;

/**
 * Blobs as files: `<dataDir>/blobs/ab/cd/<hash>`, with the content type in `<hash>.json` beside it.
 * The blob file is what makes a blob exist; its sidecar is written first, so a reader never sees a
 * blob without its content type.
 */
export class FileBlobStore implements BlobStore {
  private constructor(private readonly root: string) {}

  static async open(dataDir: string): Promise<FileBlobStore> {
    const store = new FileBlobStore(path.join(dataDir, 'blobs'));
    await fs.mkdir(path.join(store.root, UPLOADS), { recursive: true });
    await store.removeAbandonedUploads();
    return store;
  }

  async put(content: Readable | Buffer, options: { contentType?: string } = {}): Promise<BlobRef> {
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    const upload = this.uploadPath();
    const hashing = new HashingStream();
    try {
      // flush: fsync before close, so a published blob is never a torn file after a machine crash.
      await pipeline(asReadable(content), hashing, createWriteStream(upload, { flush: true }));
      const hash = hashing.digest();
      const existing = await this.stat(hash);
      if (existing) return existing;
      const blob = this.blobPath(hash);
      await fs.mkdir(path.dirname(blob), { recursive: true });
      await this.writeSidecar(hash, contentType);
      // Two processes publishing the same content both rename identical bytes: either result is right.
      await fs.rename(upload, blob);
      return { hash, size: hashing.size, contentType };
    } finally {
      await fs.rm(upload, { force: true });
    }
  }

  async get(hash: string, options: { start?: number } = {}): Promise<Readable> {
    if (!isBlobHash(hash)) throw new BlobNotFoundError(hash);
    try {
      // Opened before returning, so a missing blob rejects here and a later delete cannot cut the read short.
      const handle = await fs.open(this.blobPath(hash), 'r');
      return handle.createReadStream({ start: options.start });
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(hash);
      throw error;
    }
  }

  async stat(hash: string): Promise<BlobRef | undefined> {
    if (!isBlobHash(hash)) return undefined;
    try {
      const [info, contentType] = await Promise.all([fs.stat(this.blobPath(hash)), this.readContentType(hash)]);
      return { hash, size: info.size, contentType };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async delete(hash: string): Promise<void> {
    if (!isBlobHash(hash)) return;
    await fs.rm(this.blobPath(hash), { force: true });
    await fs.rm(this.sidecarPath(hash), { force: true });
  }

  async close(): Promise<void> {}

  private blobPath(hash: string): string {
    return path.join(this.root, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  private sidecarPath(hash: string): string {
    return `${this.blobPath(hash)}.json`;
  }

  private uploadPath(): string {
    return path.join(this.root, UPLOADS, randomUUID());
  }

  private async writeSidecar(hash: string, contentType: string): Promise<void> {
    const temp = this.uploadPath();
    try {
      await fs.writeFile(temp, JSON.stringify({ contentType }));
      await fs.rename(temp, this.sidecarPath(hash));
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  private async readContentType(hash: string): Promise<string> {
    try {
      const sidecar = JSON.parse(await fs.readFile(this.sidecarPath(hash), 'utf8')) as { contentType?: unknown };
      return typeof sidecar.contentType === 'string' ? sidecar.contentType : DEFAULT_CONTENT_TYPE;
    } catch (error) {
      if (isNotFound(error)) return DEFAULT_CONTENT_TYPE;
      throw error;
    }
  }

  private async removeAbandonedUploads(): Promise<void> {
    const dir = path.join(this.root, UPLOADS);
    const cutoff = Date.now() - ABANDONED_UPLOAD_MS;
    for (const name of await fs.readdir(dir)) {
      const file = path.join(dir, name);
      const info = await fs.stat(file).catch(() => undefined);
      if (info && info.mtimeMs < cutoff) await fs.rm(file, { force: true });
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
