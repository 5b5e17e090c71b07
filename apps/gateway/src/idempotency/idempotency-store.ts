import { DuplicateKeyError, deleteBelow, type Doc, type IndexSpec, type KeptStateStore } from '@batchyard/read-store';

const COLLECTION = '_idempotency';
const BY_EXPIRY: IndexSpec = { name: 'expiresAt', fields: [['expiresAt', 1]] };
/** Keys are kept at least this long (decisions.md: 24 hours). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request still "in flight" after this long is taken to have died, and its key may be used again. */
const IN_FLIGHT_TTL_MS = 60_000;

export interface StoredAnswer {
  status: number;
  body?: unknown;
  location?: string;
  error?: { code: string; message: string; issues: unknown[] };
}

interface IdempotencyDoc extends Doc {
  requestHash: string;
  state: 'in_flight' | 'done';
  startedAt: number;
  expiresAt: number;
  answer?: StoredAnswer;
}

export type Claim = { kind: 'new' } | { kind: 'replay'; answer: StoredAnswer } | { kind: 'mismatch' } | { kind: 'in_flight' };

/** The first answer to a POST with an Idempotency-Key, per tenant and key. */
export class IdempotencyStore {
  constructor(private readonly store: KeptStateStore) {}

  private get docs() {
    return this.store.kept<IdempotencyDoc>(COLLECTION);
  }

  async claim(id: string, requestHash: string, now = Date.now()): Promise<Claim> {
    const fresh: IdempotencyDoc = { _id: id, requestHash, state: 'in_flight', startedAt: now, expiresAt: now + IDEMPOTENCY_TTL_MS };
    try {
      await this.docs.insert(fresh);
      return { kind: 'new' };
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
    const existing = await this.docs.get(id);
    if (!existing) return this.claim(id, requestHash, now);
    const stale = existing.expiresAt < now || (existing.state === 'in_flight' && existing.startedAt < now - IN_FLIGHT_TTL_MS);
    if (stale) {
      const taken = await this.docs.updateOne(
        id,
        { startedAt: existing.startedAt },
        { set: { requestHash, state: 'in_flight', startedAt: now, expiresAt: now + IDEMPOTENCY_TTL_MS }, unset: ['answer'] },
      );
      return taken ? { kind: 'new' } : this.claim(id, requestHash, now);
    }
    if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
    if (existing.state === 'in_flight' || !existing.answer) return { kind: 'in_flight' };
    return { kind: 'replay', answer: existing.answer };
  }

  async complete(id: string, answer: StoredAnswer): Promise<void> {
    await this.docs.updateOne(id, {}, { set: { state: 'done', answer } });
  }

  /** Deletes the records past their expiry (a day after the key's first use), whatever their state. */
  async prune(now = Date.now()): Promise<number> {
    await this.docs.ensureIndexes([BY_EXPIRY]);
    return deleteBelow(this.docs, 'expiresAt', now);
  }

  /** Forgets a claim whose request failed on our side, so the client's retry runs again. */
  async release(id: string): Promise<void> {
    await this.docs.bulkWrite([{ kind: 'delete', id }]);
  }
}
