import type { RecordedEvent } from '@batchyard/contracts';
import type { AppendResult, EventStore } from '@batchyard/event-store';
import type { AnyDecider, DomainEvent } from './decider';

/** An aggregate folded up to `revision`, and which commands caused its events (to spot redeliveries). */
export interface Aggregate<State = unknown> {
  decider: AnyDecider<State>;
  state: State;
  /** Revision of the last event folded in; -1 when the stream does not exist. */
  revision: number;
  /** Global position of the last event folded in; 0 when none. */
  position: number;
  /** Causation (command) id → position of the last event it appended. */
  causedBy: ReadonlyMap<string, number>;
}

/**
 * Folded aggregates of the streams this process handled last, so a command reads only the events appended
 * since (by this process or another instance), never the whole stream again: a task or job of n chunks costs
 * n reads, not n². The expected revision of the append still guards every decision, so a stale entry can only
 * cost a retry. Deciders' `evolve` returns new states, so an entry is never changed in place.
 */
export class AggregateCache {
  private readonly entries = new Map<string, Aggregate<any>>();

  constructor(
    private readonly events: EventStore,
    private readonly capacity = 10_000,
  ) {}

  /** The stream's aggregate, caught up with the store. */
  async load<State>(stream: string, decider: AnyDecider<State>): Promise<Aggregate<State>> {
    const cached = this.entries.get(stream);
    const from: Aggregate<State> = cached?.decider === decider ? cached : { decider, state: decider.initialState(), revision: -1, position: 0, causedBy: new Map() };
    const fresh = await this.events.readStream(stream, { fromRevision: from.revision + 1 });
    const aggregate = fresh.length ? foldInto(from, fresh) : from;
    this.remember(stream, aggregate);
    return aggregate;
  }

  /** Folds in what this process just appended, so the next command on the stream need not read it back. */
  appended<State>(stream: string, from: Aggregate<State>, events: readonly DomainEvent[], causationId: string, result: AppendResult): void {
    const causedBy = new Map(from.causedBy).set(causationId, result.position);
    const state = events.reduce(from.decider.evolve, from.state);
    this.remember(stream, { decider: from.decider, state, revision: result.nextRevision, position: result.position, causedBy });
  }

  private remember(stream: string, aggregate: Aggregate<any>) {
    this.entries.delete(stream);
    this.entries.set(stream, aggregate);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

function foldInto<State>(from: Aggregate<State>, events: readonly RecordedEvent[]): Aggregate<State> {
  const causedBy = new Map(from.causedBy);
  let state = from.state;
  for (const event of events) {
    state = from.decider.evolve(state, event);
    if (event.causationId) causedBy.set(event.causationId, event.position);
  }
  const last = events[events.length - 1];
  return { decider: from.decider, state, revision: last.revision, position: last.position, causedBy };
}
