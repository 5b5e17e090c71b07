import { EventEmitter } from 'node:events';
import type { Doc, KeptStateStore } from '@batchyard/read-store';

/** A processor's state: how far it got, and what an operator must know (parked events, a stall). */
export interface CheckpointDoc extends Doc {
  position: number;
  updatedAt: string;
  /** Events the processor parked or holds (see parked-events.ts); written by the processor. */
  parked?: number;
  /** Since when the processor cannot advance because a store it needs fails (ISO 8601); absent while it can. */
  stalledSince?: string;
}

export type ProcessorState = Pick<CheckpointDoc, 'parked' | 'stalledSince'>;

const COLLECTION = '_checkpoints';

/**
 * In-process wake-ups: a waiter in this process learns of a new checkpoint at once instead of at its next
 * poll, whichever thread saved it (the projections run in a thread of their own, see apps/batch-service).
 */
const local = new EventEmitter().setMaxListeners(0);
const threads = new BroadcastChannel('batchyard:checkpoints');
threads.unref();
threads.onmessage = (message) => {
  const { name, position } = (message as { data: { name: string; position: number } }).data;
  local.emit(name, position);
};

/** Checkpoints live beside the read models they describe, so a rebuild and its checkpoint move together. */
export class Checkpoints {
  constructor(private readonly store: KeptStateStore) {}

  async get(name: string): Promise<number> {
    return (await this.doc(name)).position;
  }

  /** The whole state; position 0 for a processor that never saved one. */
  async doc(name: string): Promise<CheckpointDoc> {
    const doc = await this.store.kept<CheckpointDoc>(COLLECTION).get(name);
    return { updatedAt: '', ...doc, _id: name, position: doc?.position ?? 0 };
  }

  /** A patch, so the state fields the processor keeps beside the position survive. */
  async save(name: string, position: number): Promise<void> {
    await this.store.kept(COLLECTION).bulkWrite([{ kind: 'patch', id: name, set: { position, updatedAt: new Date().toISOString() }, upsert: true }]);
    local.emit(name, position);
    threads.postMessage({ name, position });
  }

  /** `stalledSince: null` clears a stall. */
  async setState(name: string, state: { parked?: number; stalledSince?: string | null }): Promise<void> {
    const { stalledSince, parked } = state;
    await this.store.kept(COLLECTION).bulkWrite([
      {
        kind: 'patch',
        id: name,
        set: { ...(parked !== undefined && { parked }), ...(stalledSince && { stalledSince }) },
        unset: stalledSince === null ? ['stalledSince'] : [],
        upsert: true,
      },
    ]);
  }

  async all(): Promise<CheckpointDoc[]> {
    return (await this.store.kept<CheckpointDoc>(COLLECTION).find({})).map((doc) => ({ ...doc, position: doc.position ?? 0 }));
  }

  async remove(name: string): Promise<void> {
    await this.store.kept(COLLECTION).bulkWrite([{ kind: 'delete', id: name }]);
  }

  /** As `waitFor`, but a checkpoint that does not get there in time is no error: false, and the caller goes on. */
  async reachedWithin(name: string, position: number, timeoutMs: number): Promise<boolean> {
    try {
      await this.waitFor(name, position, timeoutMs);
      return true;
    } catch (error) {
      if (error instanceof ProjectionLagError) return false;
      throw error;
    }
  }

  /**
   * Resolves with the processor's state once checkpoint `name` has reached `position` (read-your-writes),
   * or rejects after `timeoutMs`. Polls the store for checkpoints written by other processes. A position
   * reached may still hold a parked event: the state's `parked` says whether to look (parked-events.ts).
   */
  async waitFor(name: string, position: number, timeoutMs: number, pollMs = 25): Promise<CheckpointDoc> {
    let reached = await this.doc(name);
    if (reached.position >= position) return reached;
    const deadline = Date.now() + timeoutMs;
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let polling = false;
      let settled = false;
      const done = (error?: Error) => {
        settled = true;
        local.off(name, onLocal);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const poll = async () => {
        if (polling || settled) return;
        polling = true;
        clearTimeout(timer);
        try {
          reached = await this.doc(name);
          if (reached.position >= position) return done();
        } catch (error) {
          return done(error as Error);
        } finally {
          polling = false;
        }
        if (Date.now() >= deadline) return done(new ProjectionLagError(name, position));
        timer = setTimeout(poll, pollMs);
      };
      // A wake-up may come from another store of this process under the same name: the store says.
      const onLocal = (reached: number) => {
        if (reached >= position) void poll();
      };
      local.on(name, onLocal);
      timer = setTimeout(poll, pollMs);
    });
    return reached;
  }
}

export class ProjectionLagError extends Error {
  constructor(
    readonly projection: string,
    readonly position: number,
  ) {
    super(`projection ${projection} did not reach position ${position} in time`);
    this.name = 'ProjectionLagError';
  }
}
