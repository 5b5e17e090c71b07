import { EventEmitter } from 'node:events';
import type { Doc, ReadStore } from '@batchyard/read-store';

interface CheckpointDoc extends Doc {
  position: number;
  updatedAt: string;
}

const COLLECTION = '_checkpoints';

/** In-process wake-ups: a waiter in the same process learns of a new checkpoint at once instead of at its next poll. */
const local = new EventEmitter().setMaxListeners(0);

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
  }

  async all(): Promise<CheckpointDoc[]> {
    return this.store.physical<CheckpointDoc>(COLLECTION).find({});
  }

  async remove(name: string): Promise<void> {
    await this.store.physical(COLLECTION).bulkWrite([{ kind: 'delete', id: name }]);
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
      const done = (error?: Error) => {
        local.off(name, onLocal);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const onLocal = (reached: number) => {
        if (reached >= position) done();
      };
      const poll = async () => {
        try {
          if ((await this.get(name)) >= position) return done();
        } catch (error) {
          return done(error as Error);
        }
        if (Date.now() >= deadline) return done(new ProjectionLagError(name, position));
        timer = setTimeout(poll, pollMs);
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
