import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { openBlobStore } from '../open-blob-store';
import { describeBlobStoreConformance } from '../testing/blob-store-conformance';
import { BLOB_BUCKET, GridFsBlobStore, UPLOAD_PREFIX } from './gridfs-blob-store';

const mongoUrl = process.env.MONGO_URL;

if (!mongoUrl) {
  // Straight to stderr: jest drops console output of a file whose tests all skip when it runs several files.
  process.stderr.write(
    '\n  !!!!!!!!!!\n  !!! MongoDB tier NOT RUN: MONGO_URL is not set (.ci/run starts a Mongo-wire server)\n' + '  !!! GridFsBlobStore conformance is skipped.\n  !!!!!!!!!!\n\n',
  );
  describe.skip('GridFsBlobStore (NOT RUN: MONGO_URL is not set)', () => {
    it('runs the blob-store conformance suite', () => undefined);
  });
} else {
  const url = mongoUrl;
  // Each test gets a database of its own, dropped afterwards, so runs never see each other's blobs.
  const testDbName = () => `batchyard_blobs_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  async function withDb<T>(dbName: string, use: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> {
    const client = await MongoClient.connect(url);
    try {
      return await use(client.db(dbName));
    } finally {
      await client.close();
    }
  }

  describeBlobStoreConformance('gridfs', async () => {
    const dbName = testDbName();
    const store = await GridFsBlobStore.connect(url, { dbName });
    return {
      store,
      storedCopies: (hash) => withDb(dbName, (db) => db.collection(`${BLOB_BUCKET}.files`).countDocuments({ filename: hash })),
      leftovers: () =>
        withDb(dbName, async (db) => {
          const files = await db.collection(`${BLOB_BUCKET}.files`).find().toArray();
          const published = new Set(files.filter((f) => !String(f.filename).startsWith(UPLOAD_PREFIX)).map((f) => String(f._id)));
          const chunks = await db
            .collection(`${BLOB_BUCKET}.chunks`)
            .find({}, { projection: { files_id: 1 } })
            .toArray();
          const orphanChunks = chunks.filter((c) => !published.has(String(c.files_id))).length;
          return files.length - published.size + orphanChunks;
        }),
      dispose: async () => {
        await store.close();
        await withDb(dbName, (db) => db.dropDatabase());
      },
    };
  });

  describe('GridFsBlobStore', () => {
    it('is what openBlobStore opens when a MongoDB URL is configured, storing into the database it names', async () => {
      const dbName = testDbName();
      const inDb = new URL(url);
      inDb.pathname = `/${dbName}`;
      const store = await openBlobStore({ dataDir: '/nonexistent', mongoUrl: inDb.toString() });
      try {
        expect(store).toBeInstanceOf(GridFsBlobStore);
        const ref = await store.put(Buffer.from('probe'), { contentType: 'text/plain' });
        const file = await withDb(dbName, (db) => db.collection(`${BLOB_BUCKET}.files`).findOne({ filename: ref.hash }));
        expect(file).toMatchObject({ filename: ref.hash, length: ref.size, metadata: { contentType: 'text/plain' } });
      } finally {
        await store.close();
        await withDb(dbName, (db) => db.dropDatabase());
      }
    });
  });
}
