import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadStore } from './open-read-store';

describe('openReadStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'open-read-store-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('opens SQLite under the data directory, creating it, when no Mongo URL is given', async () => {
    const dataDir = join(root, 'not', 'yet');
    const store = await openReadStore({ dataDir });
    await store.physical('things').insert({ _id: 'x' });
    await store.close();
    expect(existsSync(join(dataDir, 'read', 'things.sqlite'))).toBe(true);
    const again = await openReadStore({ dataDir });
    expect(await again.physical('things').get('x')).toEqual({ _id: 'x' });
    await again.close();
  });

  (process.env.MONGO_URL ? it : it.skip)('opens MongoDB when a Mongo URL is given, and writes nothing under the data directory', async () => {
    const dataDir = join(root, 'unused');
    const store = await openReadStore({ dataDir, mongoUrl: process.env.MONGO_URL });
    expect(await store.listCollections()).toEqual(expect.any(Array));
    await store.close();
    expect(existsSync(dataDir)).toBe(false);
  });
});
