import {
  ANY,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  type AppendExpectedRevision,
  type JSONType,
  type Position,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { appendBytes, envelopeMetadata, type EnvelopeMetadata } from '../append-size';
import {
  AppendTooLargeError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeOptions,
} from '../port';

/** Smallest number of `$all` records fetched per round trip while filtering client side. */
const MIN_READ_PAGE = 100;
const HEAD_PAGE = 64;
const MAX_RESUBSCRIBE_DELAY_MS = 5000;

/**
 * The EventStoreDB / KurrentDB adapter, kept thin so the shared conformance suite (run mostly
 * against SQLite) covers almost all behaviour.
 *
 * - The port's `eventId` is the ESDB event id (a UUID), so ESDB's own idempotent-append check applies.
 * - `position` is the `$all` commit position as a number. Appends since ESDB 20 write each event as a
 *   self-committing prepare record, so an event's commit and prepare positions are equal and one
 *   number names it exactly (`{commit: p, prepare: p}` reads back from it). Legacy TCP-client
 *   transactions broke that rule; nothing here writes them. Numbers stay exact up to 2^53 bytes of log.
 * - System events (`$`-prefixed types or streams) are invisible through the port.
 * - Needs a server ≥ 22.6, which reports positions on stream reads.
 */
export class EsdbEventStore implements EventStore {
  constructor(private readonly client: EventStoreDBClient) {}

  /** Accepts `esdb://`, `esdb+discover://` and their KurrentDB spellings `kurrentdb://`, `kurrentdb+discover://`. */
  static connect(url: string): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(url.replace(/^kurrentdb(\+discover)?:\/\//, 'esdb$1://')));
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError(`stream ${stream}: an append needs at least one event`);
    try {
      const result = await this.client.appendToStream(stream, events.map(toEventData), {
        expectedRevision: toEsdbExpected(expectedRevision),
      });
      const nextRevision = Number(result.nextExpectedRevision);
      // An idempotent retry is acknowledged without a position: look up where the batch lies.
      const position = result.position ? Number(result.position.commit) : await this.positionOf(stream, nextRevision);
      return { nextRevision, position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion === NO_STREAM ? 'no_stream' : Number(error.actualVersion);
        throw new WrongExpectedRevisionError(stream, expectedRevision, actual);
      }
      if (error instanceof MaxAppendSizeExceededError) throw new AppendTooLargeError(stream, appendBytes(events), error.maxAppendSize);
      throw error;
    }
  }

  async readStream(stream: string, { fromRevision = 0, maxCount }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, { fromRevision: BigInt(fromRevision), direction: FORWARDS, maxCount });
      for await (const { event } of read) if (event) events.push(toRecorded(event));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /** `$all` reads cannot filter on the server, so pages are read until `maxCount` events pass the filter or the log ends. */
  async readAll({ after = 0, maxCount, eventTypes }: ReadAllOptions): Promise<RecordedEvent[]> {
    const types = eventTypes && new Set(eventTypes);
    const pageSize = Math.max(maxCount + 1, MIN_READ_PAGE);
    const events: RecordedEvent[] = [];
    let floor = after;
    let from: ReadPosition = after > 0 ? exactly(after) : START;
    for (;;) {
      let read = 0;
      // Reads from a position include the event there, which the caller has already seen.
      for await (const { event } of this.client.readAll({ fromPosition: from, direction: FORWARDS, maxCount: pageSize })) {
        read++;
        if (!event || commitOf(event) <= floor) continue;
        floor = commitOf(event);
        if (isSystem(event) || (types && !types.has(event.type))) continue;
        events.push(toRecorded(event));
        if (events.length === maxCount) return events;
      }
      if (read < pageSize) return events;
      from = exactly(floor);
    }
  }

  async *subscribeToAll({ after = 0, eventTypes, signal }: SubscribeOptions): AsyncIterable<RecordedEvent> {
    let cursor = after;
    let failures = 0;
    while (!signal.aborted) {
      const subscription = this.client.subscribeToAll({
        fromPosition: cursor > 0 ? exactly(cursor) : START,
        filter: eventTypes ? eventTypeFilter({ regex: anyOf(eventTypes) }) : excludeSystemEvents(),
      });
      // Destroying the stream ends a `for await` that is waiting for the next event.
      const stop = () => subscription.destroy();
      signal.addEventListener('abort', stop, { once: true });
      try {
        for await (const { event } of subscription) {
          // After a resubscription the server may repeat the event at the cursor.
          if (!event || commitOf(event) <= cursor || isSystem(event)) continue;
          yield toRecorded(event);
          cursor = commitOf(event);
          failures = 0;
        }
      } catch (error) {
        if (!signal.aborted && !isTransient(error)) throw error;
      } finally {
        signal.removeEventListener('abort', stop);
        await subscription.unsubscribe().catch(() => undefined);
      }
      if (signal.aborted) return;
      // The subscription dropped: resume after the last event handed out, backing off while it keeps failing.
      await sleep(Math.min(100 * 2 ** failures++, MAX_RESUBSCRIBE_DELAY_MS), signal);
    }
  }

  /** Position of the last non-system event: reads `$all` backwards past trailing system events. */
  async headPosition(): Promise<number> {
    let from: ReadPosition = END;
    for (;;) {
      let read = 0;
      let last: Position | undefined;
      for await (const { event } of this.client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: HEAD_PAGE })) {
        read++;
        if (!event) continue;
        if (!isSystem(event)) return commitOf(event);
        last = event.position;
      }
      if (read < HEAD_PAGE || !last) return 0;
      from = last;
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async positionOf(stream: string, revision: number): Promise<number> {
    for await (const { event } of this.client.readStream(stream, { fromRevision: BigInt(revision), maxCount: 1 })) {
      if (event) return commitOf(event);
    }
    throw new Error(`stream ${stream}: revision ${revision} acknowledged but not readable`);
  }
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

function toEventData(event: NewEvent) {
  return jsonEvent({ id: event.eventId, type: event.type, data: (event.data ?? null) as JSONType, metadata: envelopeMetadata(event) });
}

function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  const metadata = event.metadata as unknown as EnvelopeMetadata;
  return {
    eventId: event.id,
    type: event.type,
    version: metadata.version,
    tenant: metadata.tenant,
    stream: event.streamId,
    correlationId: metadata.$correlationId,
    causationId: metadata.$causationId,
    occurredAt: metadata.occurredAt,
    data: event.data,
    revision: Number(event.revision),
    position: commitOf(event),
  };
}

function commitOf(event: EsdbRecordedEvent): number {
  if (!event.position) throw new Error('EventStoreDB ≥ 22.6 is required (stream reads must report positions)');
  return Number(event.position.commit);
}

const exactly = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

const isSystem = (event: EsdbRecordedEvent) => event.type.startsWith('$') || event.streamId.startsWith('$');

const anyOf = (types: readonly string[]) => `^(?:${types.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;

/** Errors after which resubscribing can succeed: the connection or the leader went away. */
const isTransient = (error: unknown) =>
  error instanceof UnavailableError ||
  error instanceof CancelledError ||
  error instanceof DeadlineExceededError ||
  error instanceof NotLeaderError ||
  (error as { code?: string })?.code === 'ERR_STREAM_PREMATURE_CLOSE';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
