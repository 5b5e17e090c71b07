import { DuplicateKeyError, type Doc, type KeptStateStore } from '@batchyard/read-store';

interface LeaseDoc extends Doc {
  owner: string;
  expiresAt: number;
}

const COLLECTION = '_leases';

/**
 * A lease kept in the read store: at most one live holder per name across processes. A holder that
 * dies stops renewing, and another takes over once the lease expires.
 */
export class Leases {
  constructor(private readonly store: KeptStateStore) {}

  async tryAcquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const leases = this.store.kept<LeaseDoc>(COLLECTION);
    const now = Date.now();
    try {
      await leases.insert({ _id: name, owner, expiresAt: now + ttlMs });
      return true;
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
    return leases.updateOne(name, { $or: [{ owner }, { expiresAt: { $lt: now } }] }, { set: { owner, expiresAt: now + ttlMs } });
  }

  async release(name: string, owner: string): Promise<void> {
    await this.store.kept<LeaseDoc>(COLLECTION).updateOne(name, { owner }, { set: { expiresAt: 0 } });
  }

  /** Leases held now: a process that follows the store runs on it. */
  async live(): Promise<LeaseDoc[]> {
    return this.store.kept<LeaseDoc>(COLLECTION).find({ expiresAt: { $gt: Date.now() } });
  }

  async holder(name: string): Promise<LeaseDoc | undefined> {
    return this.store.kept<LeaseDoc>(COLLECTION).get(name);
  }
}
