import { FileBlobStore } from './files/file-blob-store';
import { GridFsBlobStore } from './gridfs/gridfs-blob-store';
import type { BlobStore } from './port';

/** GridFS when a MongoDB URL is configured (distributed mode), files under the data directory otherwise. */
export async function openBlobStore(opts: { dataDir: string; mongoUrl?: string }): Promise<BlobStore> {
  return opts.mongoUrl ? GridFsBlobStore.connect(opts.mongoUrl) : FileBlobStore.open(opts.dataDir);
}
