import { EventEmitter } from 'node:events';
import type { Doc, ReadStore } from '@batchyard/read-store';

interface CheckpointDoc extends Doc {
  position: number;
  updatedAt: string;
}

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
  constructor(private readonly store: ReadStore) {}

  async get(name: string): Promise<number> {
    const doc = await this.store.physical<CheckpointDoc>(COLLECTION).get(name);
    return doc?.position ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    await this.store.physical(COLLECTION).bulkWrite([
      { kind: 'put', id: name, doc: { position, updatedAt: new Date().toISOString() } },
    ]);
    local.emit(name, position);
    threads.postMessage({ name, position });
  }

  async all(): Promise<CheckpointDoc[]> {
    return this.store.physical<CheckpointDoc>(COLLECTION).find({});
  }

  async remove(name: string): Promise<void> {
    await this.store.physical(COLLECTION).bulkWrite([{ kind: 'delete', id: name }]);
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
   * Resolves once checkpoint `name` has reached `position` (read-your-writes), or rejects after
   * `timeoutMs`. Polls the store for checkpoints written by other processes.
   */
  async waitFor(name: string, position: number, timeoutMs: number, pollMs = 25): Promise<void> {
    if ((await this.get(name)) >= position) return;
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
          if ((await this.get(name)) >= position) return done();
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
  }
}

export class ProjectionLagError extends Error {
  constructor(readonly projection: string, readonly position: number) {
    super(`projection ${projection} did not reach position ${position} in time`);
    this.name = 'ProjectionLagError';
  }
}
