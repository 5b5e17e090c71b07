import type { ReadStore } from '@batchyard/read-store';
import { Checkpoints } from './checkpoints';
import { ParkedEvents } from './parked-events';

/** A write whose events are appended (nothing is lost) but that a projection parked or holds: its read model cannot show it. */
export class WriteParkedError extends Error {
  constructor(
    readonly processor: string,
    readonly commandId: string,
  ) {
    super(`${processor} parked an event of command ${commandId}`);
    this.name = 'WriteParkedError';
  }
}

/**
 * Read-your-writes: waits until a projection has passed a write's position, then makes sure it applied the
 * write rather than parking (or holding) one of its events, which it would never apply on its own. Rejects
 * with ProjectionLagError after `timeoutMs`, or with WriteParkedError once parked. The parked events are only
 * looked at while the projection has some.
 */
export class ReadYourWrites {
  private readonly checkpoints: Checkpoints;
  private readonly parked: ParkedEvents;

  constructor(readStore: ReadStore) {
    this.checkpoints = new Checkpoints(readStore);
    this.parked = new ParkedEvents(readStore);
  }

  async waitFor(processor: string, write: { position: number; commandId: string }, timeoutMs: number): Promise<void> {
    const state = await this.checkpoints.waitFor(processor, write.position, timeoutMs);
    if (state.parked && (await this.parked.anyCausedBy(processor, write.commandId))) throw new WriteParkedError(processor, write.commandId);
  }
}
