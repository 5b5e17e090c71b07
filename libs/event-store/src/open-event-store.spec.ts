import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbEventStore } from './esdb/esdb-event-store';
import { openEventStore } from './open-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

describe('openEventStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'batchyard-open-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens SQLite under the data directory, creating it, when no url is given', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const store = await openEventStore({ dataDir });
    try {
      expect(store).toBeInstanceOf(SqliteEventStore);
      expect(existsSync(join(dataDir, 'events.sqlite'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it.each(['esdb://localhost:2113?tls=false', 'esdb+discover://cluster.example:2113', 'kurrentdb://admin:changeit@localhost:2113?tls=false'])(
    'opens EventStoreDB for %s without connecting yet',
    async (url) => {
      const store = await openEventStore({ dataDir: join(dir, 'unused'), url });
      expect(store).toBeInstanceOf(EsdbEventStore);
      expect(existsSync(join(dir, 'unused'))).toBe(false);
      await store.close();
    },
  );

  it('refuses a url of another scheme', async () => {
    await expect(openEventStore({ dataDir: dir, url: 'http://localhost:2113' })).rejects.toThrow(/esdb:\/\//);
  });
});
