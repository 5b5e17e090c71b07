import type { RecordedEvent } from '@batchyard/contracts';
import type { EventStore } from '@batchyard/event-store';
import { backoffDelay, describeError, isRetriable, sleep, type BackoffOptions } from '@batchyard/messaging';
import { parkedEventId, parkedEventOf, type ParkedEvent, type ParkedEvents } from './parked-events';

export interface IsolationPolicy {
  /** Tries of a failing event (the first included) before the processor probes whether the event or a store is at fault. */
  attempts?: number;
  /** Waits between those tries. */
  backoff?: BackoffOptions;
  /** Waits between tries while stalled, doubling up to this. */
  stalledRetryMaxMs?: number;
}

const DEFAULTS = { attempts: 5, backoff: { baseMs: 100, maxMs: 2000 }, stalledRetryMaxMs: 5000 };
/** Recently handled events kept as probes: re-handling one that needed what the failing event needs tests the store, not the event. */
const PROBE_CANDIDATES = 100;

export interface IsolationOptions {
  /** The processor the events are parked under. */
  processor: string;
  events: EventStore;
  eventTypes?: readonly string[];
  parked: ParkedEvents;
  handle: (events: RecordedEvent[]) => Promise<void>;
  /** The documents an event writes, so that later events writing one of them wait behind it; absent: nothing is held. */
  keysOf?: (event: RecordedEvent) => readonly string[];
  /** What an event needs besides the connection (a projection's collections, the relay's topic). */
  resourcesOf?: (event: RecordedEvent) => readonly string[];
  /** A real write of the processor's own state: the part of every probe that needs no event. */
  touchState: () => Promise<void>;
  /** False once the processor must stop waiting (it is stopping, or lost its lease). */
  stillOwned: () => Promise<boolean>;
  /** A stall began (since when) or ended (null). */
  onStalled: (since: string | null) => Promise<void>;
  /** An event was parked or held; the count of parked events changed. */
  onParked: (entry: ParkedEvent, error?: unknown) => Promise<void>;
  policy?: IsolationPolicy;
}

/**
 * Applies the longest prefix of `items` that `run` accepts, splitting a failing run in halves (in order, so nothing
 * is applied before what precedes it), down to the first item that fails on its own.
 */
export async function applyUntilFailure<T>(items: readonly T[], run: (items: T[]) => Promise<void>): Promise<{ applied: number; failed?: { item: T; error: unknown } }> {
  if (items.length === 0) return { applied: 0 };
  try {
    await run([...items]);
    return { applied: items.length };
  } catch (error) {
    if (items.length === 1) return { applied: 0, failed: { item: items[0], error } };
    const half = Math.ceil(items.length / 2);
    const first = await applyUntilFailure(items.slice(0, half), run);
    if (first.failed) return first;
    const second = await applyUntilFailure(items.slice(half), run);
    return { applied: half + second.applied, failed: second.failed };
  }
}

const keyTo = (keys: readonly string[] | undefined, map: Map<string, string>, root: string) => keys?.forEach((k) => map.set(k, root));

/**
 * What a processor does with an event it cannot handle. The event is tried again with backoff; then a probe
 * re-handles events it handled before that needed the same (and writes the processor's state). If the probe
 * fails too, or the error says a store did not answer (`retriable`), a store is at fault: the processor stalls,
 * trying again, and parks nothing. If the probe passes and the event's last try, made after it, fails too, the event
 * is at fault: it is parked and the processor goes on. Later events writing a document a parked event
 * writes are held behind it (parked without being tried), so every document shows a state it really had.
 * An event failing like one parked before (same type, same kind of error) is parked after one try.
 */
export class FailureIsolation {
  /** Document key → the parked event it waits behind. */
  private readonly blocked = new Map<string, string>();
  private readonly entries = new Map<string, ParkedEvent>();
  private readonly parkedAlike = new Set<string>();
  private handled: RecordedEvent[] = [];
  private readonly policy: Required<IsolationPolicy>;

  constructor(private readonly options: IsolationOptions) {
    this.policy = { ...DEFAULTS, ...options.policy };
  }

  get count(): number {
    return this.entries.size;
  }

  /** The parked events, root first with what waits behind it, for retry and skip. */
  groupOf(id: string): ParkedEvent[] {
    const root = this.entries.get(id)?.heldBehind ?? id;
    return [...this.entries.values()].filter((e) => e.id === root || e.heldBehind === root).sort((a, b) => a.position - b.position);
  }

  positions(): Set<number> {
    return new Set([...this.entries.values()].map((e) => e.position));
  }

  /** Reads the processor's parked events: after a start, a rebuild's hand-over, a retry or skip. */
  async load(): Promise<void> {
    this.blocked.clear();
    this.entries.clear();
    for (const entry of await this.options.parked.ofProcessor(this.options.processor)) {
      this.entries.set(entry.id, entry);
      keyTo(entry.keys, this.blocked, entry.heldBehind ?? entry.id);
    }
  }

  /** Handles `page` in order; resolves with how many of its events are done (handled, parked or held), fewer only when stopping. */
  async apply(page: readonly RecordedEvent[], signal: AbortSignal): Promise<number> {
    const keys = new Map<RecordedEvent, readonly string[] | undefined>();
    const keysOf = (event: RecordedEvent) => {
      if (!keys.has(event)) keys.set(event, this.keysOf(event));
      return keys.get(event);
    };
    // Met again (a replay, or a crash before the checkpoint moved past it): it stays as it is until retried or skipped.
    const parkedAlready = (event: RecordedEvent) => this.entries.has(parkedEventId(this.options.processor, event.position));
    let done = 0;
    while (done < page.length && !signal.aborted) {
      let end = page.length;
      let heldBy: string | undefined;
      if (this.entries.size) {
        for (let i = done; i < page.length && end === page.length; i++) {
          heldBy =
            parkedAlready(page[i]) || !this.blocked.size
              ? undefined
              : keysOf(page[i])
                  ?.map((k) => this.blocked.get(k))
                  .find(Boolean);
          if (heldBy || parkedAlready(page[i])) end = i;
        }
      }
      const run = page.slice(done, end);
      const result = await applyUntilFailure(run, this.options.handle);
      this.remember(run.slice(0, result.applied));
      done += result.applied;
      if (result.failed) {
        if (!(await this.settle(result.failed.item, result.failed.error, keysOf, signal))) break;
        done++;
      } else if (end < page.length) {
        if (heldBy) await this.hold(page[end], keysOf(page[end])!, heldBy);
        done++;
      }
    }
    return done;
  }

  private keysOf(event: RecordedEvent): readonly string[] | undefined {
    try {
      return this.options.keysOf?.(event);
    } catch {
      return undefined;
    }
  }

  private remember(events: readonly RecordedEvent[]): void {
    this.handled = [...this.handled, ...events.slice(-PROBE_CANDIDATES)].slice(-PROBE_CANDIDATES);
  }

  /** Resolves true once the event is handled or parked, false when the processor must stop first. */
  private async settle(event: RecordedEvent, firstError: unknown, keysOf: (event: RecordedEvent) => readonly string[] | undefined, signal: AbortSignal): Promise<boolean> {
    const alike = `${event.type}:${firstError instanceof Error ? firstError.name : typeof firstError}`;
    const attempts = this.parkedAlike.has(alike) ? 1 : this.policy.attempts;
    let error = firstError;
    let stalledSince: string | undefined;
    const failingSince = new Date().toISOString();
    const endStall = async () => {
      if (stalledSince) await this.options.onStalled(null).catch(() => undefined);
    };
    const handled = async () => (await endStall(), true);
    // The probe comes before the last try: an event is parked only for a failure after the stores answered it.
    const probeAt = Math.max(1, attempts - 1);
    for (let attempt = 1; ; attempt++) {
      if (attempt >= probeAt) {
        if (!isRetriable(error) && (await this.probe(event))) {
          const again = await this.tryOnce(event);
          if (again === undefined) return handled();
          attempt++;
          error = again.error;
          if (!isRetriable(error)) {
            await endStall();
            this.parkedAlike.add(alike);
            await this.park(event, error, attempt, keysOf(event));
            return true;
          }
        }
        if (!stalledSince) {
          stalledSince = failingSince;
          await this.options.onStalled(stalledSince).catch(() => undefined);
        }
      }
      const wait = stalledSince
        ? backoffDelay(attempt - probeAt + 1, { baseMs: this.policy.backoff.baseMs, maxMs: this.policy.stalledRetryMaxMs })
        : backoffDelay(attempt, this.policy.backoff);
      await sleep(wait, signal);
      if (signal.aborted || !(await this.options.stillOwned().catch(() => false))) return false;
      const next = await this.tryOnce(event);
      if (next === undefined) return handled();
      error = next.error;
    }
  }

  /** Handles `event` alone: undefined once handled, else what it failed with. */
  private async tryOnce(event: RecordedEvent): Promise<{ error: unknown } | undefined> {
    try {
      await this.options.handle([event]);
      this.remember([event]);
      return undefined;
    } catch (error) {
      return { error };
    }
  }

  /** Whether the stores work for everything but this event. */
  private async probe(failed: RecordedEvent): Promise<boolean> {
    try {
      await this.options.touchState();
      for (const event of await this.probesFor(failed)) await this.options.handle([event]);
      return true;
    } catch {
      return false;
    }
  }

  /** Handled events that together needed what `failed` needs; the processor's first events when it has handled none since it started. */
  private async probesFor(failed: RecordedEvent): Promise<RecordedEvent[]> {
    let candidates = [...this.handled].reverse();
    if (candidates.length === 0) {
      const first = await this.options.events.readAll({ after: 0, maxCount: PROBE_CANDIDATES, eventTypes: this.options.eventTypes });
      const parked = this.positions();
      candidates = first.filter((e) => e.position < failed.position && !parked.has(e.position));
    }
    const resourcesOf = (event: RecordedEvent) => {
      try {
        return this.options.resourcesOf?.(event) ?? [];
      } catch {
        return [];
      }
    };
    const needed = new Set(resourcesOf(failed));
    const probes: RecordedEvent[] = [];
    for (const candidate of candidates) {
      if (needed.size === 0) break;
      const covers = resourcesOf(candidate).filter((r) => needed.has(r));
      if (covers.length === 0) continue;
      probes.push(candidate);
      covers.forEach((r) => needed.delete(r));
    }
    if (probes.length === 0 && candidates.length > 0) probes.push(candidates[0]);
    return probes;
  }

  private async park(event: RecordedEvent, error: unknown, attempts: number, keys: readonly string[] | undefined): Promise<void> {
    const entry = parkedEventOf(this.options.processor, event, { error: describeError(error).text, attempts, ...(keys && { keys: [...keys] }) });
    await this.options.parked.put([entry]);
    this.entries.set(entry.id, entry);
    keyTo(entry.keys, this.blocked, entry.id);
    await this.options.onParked(entry, error);
  }

  /** Parks `event` untried behind `root`; a held event that also waits behind another parked event joins their groups. */
  private async hold(event: RecordedEvent, keys: readonly string[], root: string): Promise<void> {
    const roots = new Set(keys.map((k) => this.blocked.get(k)).filter((r): r is string => Boolean(r)));
    const first = [...roots].sort((a, b) => this.entries.get(a)!.position - this.entries.get(b)!.position)[0] ?? root;
    const merged: ParkedEvent[] = [];
    for (const other of roots) {
      if (other === first) continue;
      for (const entry of this.groupOf(other)) merged.push({ ...entry, heldBehind: first });
    }
    const entry = parkedEventOf(this.options.processor, event, { error: '', attempts: 0, heldBehind: first, keys: [...keys] });
    await this.options.parked.put([...merged, entry]);
    for (const e of [...merged, entry]) {
      this.entries.set(e.id, e);
      keyTo(e.keys, this.blocked, first);
    }
    await this.options.onParked(entry);
  }
}
