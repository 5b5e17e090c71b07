import type { RecordedEvent } from '@batchyard/contracts';
import type { Doc, KeptStateStore } from '@batchyard/read-store';

/** An event a processor could not apply and went past, or holds back behind one it could not apply. */
export interface ParkedEvent {
  /** `<processor>#<position>`: parking an event again (after a crash, or by a rebuild) overwrites. */
  id: string;
  processor: string;
  position: number;
  eventId: string;
  type: string;
  stream: string;
  tenant: string;
  /** The command that appended it: how the gateway tells that a write of its own is parked. */
  causationId: string;
  /** The last error's message, cut short; empty for an event held behind another. */
  error: string;
  attempts: number;
  parkedAt: string;
  /** Set on an event never attempted because it writes a document that a parked event writes: that event's id. */
  heldBehind?: string;
  /** The documents the event writes (`<collection>/<id>`, at most MAX_PARKED_KEYS); absent when unknown. */
  keys?: string[];
  /** An operator's request, carried out by the processor holding the lease. */
  request?: 'retry' | 'skip';
  requestedAt?: string;
  lastAttemptAt?: string;
}

type ParkedDoc = Doc & Omit<ParkedEvent, 'id'>;

const COLLECTION = '_parked_events';
const MAX_ERROR_CHARS = 1000;
/** Documents of one event that holding covers; retry re-derives every document, so this bounds memory, not correctness. */
export const MAX_PARKED_KEYS = 1000;

export const parkedEventId = (processor: string, position: number) => `${processor}#${position}`;

export function parkedEventOf(processor: string, event: RecordedEvent, fields: Pick<ParkedEvent, 'error' | 'attempts' | 'heldBehind' | 'keys'>): ParkedEvent {
  const { error, attempts, heldBehind, keys } = fields;
  return {
    id: parkedEventId(processor, event.position),
    processor,
    position: event.position,
    eventId: event.eventId,
    type: event.type,
    stream: event.stream,
    tenant: event.tenant,
    causationId: event.causationId,
    error: error.slice(0, MAX_ERROR_CHARS),
    attempts,
    parkedAt: new Date().toISOString(),
    ...(heldBehind && { heldBehind }),
    ...(keys && { keys: keys.slice(0, MAX_PARKED_KEYS) }),
  };
}

/** Parked events kept in the read store beside the checkpoints, in both modes, for the processors and `ops parked`. */
export class ParkedEvents {
  constructor(private readonly store: KeptStateStore) {}

  private get collection() {
    return this.store.kept<ParkedDoc>(COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.ensureIndexes([
      {
        name: 'by_processor_position',
        fields: [
          ['processor', 1],
          ['position', 1],
        ],
      },
      {
        name: 'by_processor_causation',
        fields: [
          ['processor', 1],
          ['causationId', 1],
        ],
      },
    ]);
  }

  async put(entries: readonly ParkedEvent[]): Promise<void> {
    if (entries.length) await this.collection.bulkWrite(entries.map(({ id, ...doc }) => ({ kind: 'put', id, doc })));
  }

  /** In position order. */
  async ofProcessor(processor: string): Promise<ParkedEvent[]> {
    return (await this.collection.find({ processor }, { sort: [['position', 1]] })).map(toParked);
  }

  /** By processor, then position; `tenant` keeps one tenant's events (the console's operator view). */
  async list(query: { processor?: string; tenant?: string; limit?: number } = {}): Promise<ParkedEvent[]> {
    const filter = {
      ...(query.processor !== undefined && { processor: query.processor }),
      ...(query.tenant !== undefined && { tenant: query.tenant }),
    };
    return (
      await this.collection.find(filter, {
        sort: [
          ['processor', 1],
          ['position', 1],
        ],
        limit: query.limit ?? 100,
      })
    ).map(toParked);
  }

  async get(ids: readonly string[]): Promise<ParkedEvent[]> {
    return (await this.collection.getMany(ids)).map(toParked);
  }

  async count(processor: string): Promise<number> {
    return this.collection.count({ processor });
  }

  /** Whether the processor parked or holds an event appended by this command. */
  async anyCausedBy(processor: string, causationId: string): Promise<boolean> {
    return (await this.collection.find({ processor, causationId }, { limit: 1 })).length > 0;
  }

  async requested(processor: string): Promise<ParkedEvent[]> {
    return (await this.collection.find({ processor, request: { $exists: true } }, { sort: [['position', 1]] })).map(toParked);
  }

  async request(id: string, request: 'retry' | 'skip'): Promise<boolean> {
    return this.collection.updateOne(id, {}, { set: { request, requestedAt: new Date().toISOString() } });
  }

  /** A request carried out without success: the event stays parked with the new error. */
  async failed(entry: ParkedEvent, error: string): Promise<void> {
    await this.collection.updateOne(
      entry.id,
      {},
      { set: { error: error.slice(0, MAX_ERROR_CHARS), attempts: entry.attempts + 1, lastAttemptAt: new Date().toISOString() }, unset: ['request', 'requestedAt'] },
    );
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.collection.bulkWrite(ids.map((id) => ({ kind: 'delete', id })));
  }

  /**
   * A rebuild's hand-over: the live processor's parked events are replaced by those the rebuild parked (under its
   * own name while it built). The live processor replays from where the rebuild stopped, so it parks again what
   * still fails after that. Retry and skip then act on what the new generation lacks.
   */
  async handOver(from: string, to: string): Promise<void> {
    const stale = await this.ofProcessor(to);
    const rebuilt = await this.ofProcessor(from);
    const renamed = (id: string) => parkedEventId(to, Number(id.slice(id.lastIndexOf('#') + 1)));
    await this.put(rebuilt.map((p) => ({ ...p, id: renamed(p.id), processor: to, ...(p.heldBehind && { heldBehind: renamed(p.heldBehind) }) })));
    const replaced = new Set(rebuilt.map((p) => p.position));
    await this.remove([...stale.filter((p) => !replaced.has(p.position)).map((p) => p.id), ...rebuilt.map((p) => p.id)]);
  }
}

const toParked = ({ _id, _position, ...rest }: ParkedDoc): ParkedEvent => ({ id: _id, ...rest }) as ParkedEvent;
