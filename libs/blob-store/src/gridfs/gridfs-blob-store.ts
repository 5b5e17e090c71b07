import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, type Collection, type Document, type GridFSChunk, type GridFSFile } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import { asReadable, DEFAULT_CONTENT_TYPE, HashingStream, isBlobHash } from '../content-hash';
import { BlobNotFoundError, type BlobRef, type BlobStore } from '../port';

export const BLOB_BUCKET = 'blobs';
/** An upload is stored under a name of its own until its hash is known, then renamed to the hash. */
export const UPLOAD_PREFIX = '.upload-';

/**
 * Blobs in GridFS (bucket `blobs`): one file per content, named by its SHA-256, content type in metadata.
 * A unique index on the file name keeps it to one file per hash even when two processes put the same
 * content at once: the second rename fails with a duplicate key and that upload is dropped.
 */
export class GridFsBlobStore implements BlobStore {
  private constructor(
    private readonly connection: Connection,
    private readonly bucket: GridFSBucket,
    private readonly files: Collection<GridFSFile>,
    private readonly chunks: Collection<GridFSChunk>,
  ) {}

  /** `dbName` overrides the database named in the URL. */
  static async connect(mongoUrl: string, options: { dbName?: string } = {}): Promise<GridFsBlobStore> {
    const connection = await mongoose.createConnection(mongoUrl, options.dbName ? { dbName: options.dbName } : {}).asPromise();
    try {
      const db = connection.db;
      if (!db) throw new Error('mongoose connection has no database');
      const files = db.collection<GridFSFile>(`${BLOB_BUCKET}.files`);
      await files.createIndex({ filename: 1 }, { unique: true });
      const bucket = new GridFSBucket(db, { bucketName: BLOB_BUCKET });
      return new GridFsBlobStore(connection, bucket, files, db.collection<GridFSChunk>(`${BLOB_BUCKET}.chunks`));
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async put(content: Readable | Buffer, options: { contentType?: string } = {}): Promise<BlobRef> {
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    const upload = this.bucket.openUploadStream(`${UPLOAD_PREFIX}${randomUUID()}`, { metadata: { contentType } });
    const hashing = new HashingStream();
    try {
      await pipeline(asReadable(content), hashing, upload);
      const hash = hashing.digest();
      // A twin deleted between our failed rename and its lookup frees the name: try again.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.bucket.rename(upload.id, hash);
          return { hash, size: hashing.size, contentType };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          const existing = await this.stat(hash);
          if (existing) {
            await this.remove(upload.id);
            return existing;
          }
          if (attempt === 3) throw error;
        }
      }
    } catch (error) {
      await this.remove(upload.id).catch(() => undefined);
      throw error;
    }
  }

  async get(hash: string, options: { start?: number } = {}): Promise<Readable> {
    const file = await this.find(hash);
    if (!file) throw new BlobNotFoundError(hash);
    // The driver defaults `end` to 0 and refuses a start beyond it: give the file's end with any start.
    return this.bucket.openDownloadStream(file._id, { start: Math.min(options.start ?? 0, file.length), end: file.length });
  }

  async stat(hash: string): Promise<BlobRef | undefined> {
    const file = await this.find(hash);
    if (!file) return undefined;
    const contentType = file.metadata?.contentType;
    return { hash, size: file.length, contentType: typeof contentType === 'string' ? contentType : DEFAULT_CONTENT_TYPE };
  }

  async delete(hash: string): Promise<void> {
    if (!isBlobHash(hash)) return;
    // The file document goes first, so a reader finds the blob missing rather than short of chunks.
    const file = await this.files.findOneAndDelete({ filename: hash });
    if (file) await this.chunks.deleteMany({ files_id: file._id });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private find(hash: string): Promise<GridFSFile | null> {
    return isBlobHash(hash) ? this.files.findOne({ filename: hash }) : Promise.resolve(null);
  }

  /** Drops an upload by id: its file document if written, and whatever chunks reached the server. */
  private async remove(id: GridFSFile['_id']): Promise<void> {
    await this.files.deleteOne({ _id: id });
    await this.chunks.deleteMany({ files_id: id });
  }
}

function isDuplicateKey(error: unknown): boolean {
  return (error as Document | undefined)?.code === 11000;
}
