import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openBlobStore } from '../open-blob-store';
import { describeBlobStoreConformance } from '../testing/blob-store-conformance';
import { FileBlobStore } from './file-blob-store';

async function tempDataDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'batchyard-blobs-'));
}

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describeBlobStoreConformance('files', async () => {
  const dataDir = await tempDataDir();
  const store = await FileBlobStore.open(dataDir);
  const blobs = path.join(dataDir, 'blobs');
  return {
    store,
    storedCopies: async (hash) => (await filesUnder(blobs)).filter((f) => path.basename(f) === hash).length,
    leftovers: async () => (await fs.readdir(path.join(blobs, '.uploads'))).length,
    dispose: async () => {
      await store.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
});

describe('FileBlobStore', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDataDir();
  });
  afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('lays blobs out as blobs/ab/cd/<hash> with the content type beside them, and finds them after reopening', async () => {
    const content = Buffer.from('serial_number\nSN-1\n');
    const hash = createHash('sha256').update(content).digest('hex');
    await (await FileBlobStore.open(dataDir)).put(content, { contentType: 'text/csv' });

    const blobPath = path.join(dataDir, 'blobs', hash.slice(0, 2), hash.slice(2, 4), hash);
    expect(await fs.readFile(blobPath)).toEqual(content);
    expect(JSON.parse(await fs.readFile(`${blobPath}.json`, 'utf8'))).toEqual({ contentType: 'text/csv' });

    const reopened = await FileBlobStore.open(dataDir);
    expect(await reopened.stat(hash)).toEqual({ hash, size: content.length, contentType: 'text/csv' });
  });

  it('removes uploads abandoned over an hour ago when it opens, and keeps recent ones', async () => {
    const uploads = path.join(dataDir, 'blobs', '.uploads');
    await fs.mkdir(uploads, { recursive: true });
    await fs.writeFile(path.join(uploads, 'crashed'), 'partial');
    await fs.writeFile(path.join(uploads, 'in-progress'), 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await fs.utimes(path.join(uploads, 'crashed'), twoHoursAgo, twoHoursAgo);

    await FileBlobStore.open(dataDir);
    expect(await fs.readdir(uploads)).toEqual(['in-progress']);
  });

  it('is what openBlobStore opens when no MongoDB URL is configured', async () => {
    const store = await openBlobStore({ dataDir });
    expect(store).toBeInstanceOf(FileBlobStore);
    const ref = await store.put(Buffer.from('x'));
    expect(await fs.readdir(path.join(dataDir, 'blobs', ref.hash.slice(0, 2)))).toEqual([ref.hash.slice(2, 4)]);
  });
});
