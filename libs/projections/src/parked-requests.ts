import type { ReadStore } from '@batchyard/read-store';
import { ParkedEvents, type ParkedEvent } from './parked-events';
import { ProcessorControls } from './processor-control';

export class ParkedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParkedRequestError';
  }
}

export type ParkedOutcome = { id: string; result: 'retried' | 'skipped' } | { id: string; result: 'failed'; error: string; attempts: number } | { id: string; result: 'pending' };

/**
 * Asks the processors holding the events' leases to retry or skip them; refuses (asking nothing) an unknown id or
 * one held behind another (retry or skip that one: what waits behind it follows). Resolves with the events asked about.
 */
export async function requestParked(readStore: ReadStore, ids: readonly string[], request: 'retry' | 'skip'): Promise<ParkedEvent[]> {
  const parked = new ParkedEvents(readStore);
  const found = await parked.get(ids);
  const missing = ids.filter((id) => !found.some((p) => p.id === id));
  if (missing.length) throw new ParkedRequestError(`no parked event with id ${missing.join(', ')} (see parked list)`);
  const held = found.filter((p) => p.heldBehind);
  if (held.length) throw new ParkedRequestError(held.map((p) => `${p.id} is held behind ${p.heldBehind}: ${request} that one`).join('; '));
  for (const entry of found) await parked.request(entry.id, request);
  const controls = new ProcessorControls(readStore);
  for (const processor of new Set(found.map((p) => p.processor))) await controls.signalParkedRequest(processor);
  return found.map((p) => ({ ...p, request }));
}

/** Waits until each request was carried out (the event is gone) or failed (the request is cleared), or the time is up. */
export async function parkedOutcomes(readStore: ReadStore, asked: readonly ParkedEvent[], timeoutMs: number, pollMs = 100): Promise<ParkedOutcome[]> {
  const parked = new ParkedEvents(readStore);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = new Map((await parked.get(asked.map((a) => a.id))).map((p) => [p.id, p]));
    const outcomes = asked.map((a): ParkedOutcome => {
      const entry = now.get(a.id);
      if (!entry) return { id: a.id, result: a.request === 'skip' ? 'skipped' : 'retried' };
      if (entry.request) return { id: a.id, result: 'pending' };
      return { id: a.id, result: 'failed', error: entry.error, attempts: entry.attempts };
    });
    if (outcomes.every((o) => o.result !== 'pending') || Date.now() >= deadline) return outcomes;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
