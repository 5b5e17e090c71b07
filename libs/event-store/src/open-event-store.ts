import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EsdbEventStore } from './esdb/esdb-event-store';
import type { EventStore } from './port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

const ESDB_URL = /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//;

/**
 * The event store configuration names: EventStoreDB/KurrentDB for an `esdb://`, `esdb+discover://`
 * or `kurrentdb://` url, else the embedded SQLite store at `<dataDir>/events.sqlite`.
 */
export async function openEventStore(opts: { dataDir: string; url?: string }): Promise<EventStore> {
  if (opts.url) {
    if (!ESDB_URL.test(opts.url)) throw new Error(`event store url must start with esdb://, esdb+discover:// or kurrentdb://`);
    return EsdbEventStore.connect(opts.url);
  }
  mkdirSync(opts.dataDir, { recursive: true });
  return new SqliteEventStore(join(opts.dataDir, 'events.sqlite'));
}
