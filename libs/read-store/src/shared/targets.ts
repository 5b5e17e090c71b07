import { collectionName } from './names';

/** Where an adapter keeps the logical → physical table. */
export interface TargetTable {
  load(logical: string): Promise<string | undefined>;
  save(logical: string, physical: string): Promise<void>;
}

const TTL_MS = 1000;

/** One cache per store location, so every store object of this process sees a swap made here at once. */
const caches = new Map<string, Map<string, { physical: string; at: number }>>();

/**
 * Resolves logical names, caching each answer for up to a second: reads stay cheap, and a swap made
 * by another process is seen within that second. A name with no target yet is not cached: the first
 * swap (a projection's first catch-up) must be seen at once by a process waiting on its checkpoint.
 */
export class Targets {
  private readonly cache: Map<string, { physical: string; at: number }>;

  constructor(
    location: string,
    private readonly table: TargetTable,
  ) {
    let cache = caches.get(location);
    if (!cache) caches.set(location, (cache = new Map()));
    this.cache = cache;
  }

  async resolve(logical: string): Promise<string> {
    const hit = this.cache.get(collectionName(logical));
    if (hit && Date.now() - hit.at < TTL_MS) return hit.physical;
    const physical = await this.table.load(logical);
    if (physical === undefined) return logical;
    this.cache.set(logical, { physical, at: Date.now() });
    return physical;
  }

  async set(logical: string, physical: string): Promise<void> {
    await this.table.save(collectionName(logical), collectionName(physical));
    this.cache.set(logical, { physical, at: Date.now() });
  }
}
