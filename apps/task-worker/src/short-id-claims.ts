import type { Doc, KeptStateStore } from '@batchyard/read-store';
import { redirectionDocId } from '@batchyard/read-models';

interface ClaimDoc extends Doc {
  _id: string;
  tenant: string;
  taskId: string;
  index: number;
}

/**
 * Short IDs are unique per short domain across tenants: the worker claims a chunk's short IDs in the read store
 * (the document key is the domain and short ID) before it appends the chunk's event. A claim already held by the
 * same item (a chunk repeated after a crash) is ours again; any other holder is a clash.
 */
export class ShortIdClaims {
  constructor(private readonly readStore: KeptStateStore) {}

  private get claims() {
    return this.readStore.kept<ClaimDoc>('short_id_claims');
  }

  /** Claims every item's short ID and returns the items whose short ID someone else holds. */
  async claim<T extends { index: number; shortId: string }>(tenant: string, taskId: string, shortDomain: string, items: readonly T[]): Promise<T[]> {
    const docs = items.map((item) => ({ _id: redirectionDocId(shortDomain, item.shortId), tenant, taskId, index: item.index }));
    const { duplicates } = await this.claims.insertMany(docs);
    if (!duplicates.length) return [];
    const holders = new Map((await this.claims.getMany(duplicates)).map((d) => [d._id, d]));
    return items.filter((item, i) => {
      const holder = holders.get(docs[i]._id);
      return holder !== undefined && !(holder.tenant === tenant && holder.taskId === taskId && holder.index === item.index);
    });
  }
}
