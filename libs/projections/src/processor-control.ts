import { randomUUID } from 'node:crypto';
import type { Doc, KeptStateStore } from '@batchyard/read-store';

/** Requests to a running processor, kept beside its checkpoint and read by whichever instance holds the lease. */
export interface ProcessorControl extends Doc {
  /** The projection generation the live runner must write (0: the version's first build). */
  generation?: number;
  /** Reprocess from this position: the holder rewinds its checkpoint to it, then clears the request. */
  rewindTo?: number;
  /** Changes each time an operator asks for a parked event to be retried or skipped (the request is on the event). */
  parkedRequest?: string;
}

const COLLECTION = '_processor_control';

export class ProcessorControls {
  constructor(private readonly store: KeptStateStore) {}

  get(name: string): Promise<ProcessorControl | undefined> {
    return this.store.kept<ProcessorControl>(COLLECTION).get(name);
  }

  async requestRewind(name: string, to: number): Promise<void> {
    await this.store.kept(COLLECTION).bulkWrite([{ kind: 'patch', id: name, set: { rewindTo: to }, upsert: true }]);
  }

  /** Wakes the holder: a parked event of this processor carries a request. */
  async signalParkedRequest(name: string): Promise<void> {
    await this.store.kept(COLLECTION).bulkWrite([{ kind: 'patch', id: name, set: { parkedRequest: randomUUID() }, upsert: true }]);
  }

  /** Hands a rebuilt generation to the live runner, which replays from `builtUpTo` into it and swaps it in. */
  async publishGeneration(name: string, generation: number, builtUpTo: number): Promise<void> {
    const pending = (await this.get(name))?.rewindTo;
    const rewindTo = pending === undefined ? builtUpTo : Math.min(pending, builtUpTo);
    await this.store.kept(COLLECTION).bulkWrite([{ kind: 'patch', id: name, set: { generation, rewindTo }, upsert: true }]);
  }

  /** Clears a rewind request once applied, unless a newer one replaced it meanwhile. */
  async clearRewind(name: string, to: number): Promise<void> {
    await this.store.kept<ProcessorControl>(COLLECTION).updateOne(name, { rewindTo: to }, { unset: ['rewindTo'] });
  }
}
