import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteBelow } from './delete-below';
import { openReadStore } from './open-read-store';
import type { ReadStore } from './port';

const mongo = process.env.MONGO_URL;
const stores: [string, boolean, () => Promise<{ store: ReadStore; done: () => Promise<void> }>][] = [
  [
    'SQLite',
    true,
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'delete-below-'));
      const store = await openReadStore({ dataDir: dir });
      return { store, done: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'MongoDB wire',
    Boolean(mongo),
    async () => {
      const url = new URL(mongo!);
      url.pathname = `/delete_below_${randomBytes(4).toString('hex')}`;
      return { store: await openReadStore({ dataDir: tmpdir(), mongoUrl: url.toString() }), done: async () => undefined };
    },
  ],
];

describe.each(stores)('deleteBelow (%s)', (_, runs, open) => {
  if (!runs) {
    process.stderr.write('\n  ***** deleteBelow (MongoDB wire): NOT RUN — MONGO_URL is not set *****\n\n');
    it.skip('NOT RUN: MONGO_URL is not set', () => undefined);
    return;
  }
  let store: ReadStore;
  let done: () => Promise<void>;
  beforeAll(async () => ({ store, done } = await open()));
  afterAll(async () => {
    await store?.close();
    await done?.();
  });

  it('deletes every document below the bound, page after page, and nothing else', async () => {
    const docs = store.physical('_expiring');
    await docs.ensureIndexes([{ name: 'expiresAt', fields: [['expiresAt', 1]] }]);
    // More than two pages below the bound, some at it and above, one without the field.
    await docs.insertMany(Array.from({ length: 1_300 }, (_, i) => ({ _id: `d${i}`, expiresAt: i })));
    await docs.insert({ _id: 'none' });
    expect(await deleteBelow(docs, 'expiresAt', 1_200)).toBe(1_200);
    expect(await docs.count({})).toBe(101);
    expect((await docs.find({}, { sort: [['expiresAt', 1]], limit: 2 })).map((d) => d._id)).toEqual(['none', 'd1200']);
    expect(await deleteBelow(docs, 'expiresAt', 1_200)).toBe(0);
  });

  it('compares ISO timestamps as text', async () => {
    const docs = store.physical('_recorded');
    await docs.insertMany(['2026-01-01T00:00:00.000Z', '2026-01-08T00:00:00.000Z'].map((recordedAt, i) => ({ _id: `r${i}`, recordedAt })));
    expect(await deleteBelow(docs, 'recordedAt', '2026-01-05T00:00:00.000Z')).toBe(1);
    expect((await docs.find({})).map((d) => d._id)).toEqual(['r1']);
  });
});
