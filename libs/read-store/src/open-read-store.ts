import type { ReadStore } from './port';

/**
 * A MongoDB read store when `mongoUrl` is given (distributed mode), else SQLite under `dataDir`
 * (embedded). Each adapter is loaded only when chosen, so embedded mode never loads mongoose.
 */
export async function openReadStore(opts: { dataDir: string; mongoUrl?: string }): Promise<ReadStore> {
  if (opts.mongoUrl) return (await import('./mongo/mongo-read-store')).MongoReadStore.open(opts.mongoUrl);
  return (await import('./sqlite/sqlite-read-store')).SqliteReadStore.open(opts.dataDir);
}
