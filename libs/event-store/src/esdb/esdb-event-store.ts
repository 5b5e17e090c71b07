import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  FORWARDS,
  KurrentDBClient,
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
  type AppendStreamState,
  type Filter,
  type JSONType,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
} from '@kurrent/kurrentdb-client';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { foreignEventsSkipped } from '@batchyard/observability';
import { MAX_APPEND_BYTES, appendBytes, envelopeMetadata } from '../append-size';
import {
  AppendTooLargeError,
  InvalidPositionError,
  ReadDeadlineError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeOptions,
} from '../port';
import { envelopeOf } from './envelope';
import { nextAppend, signalAppended } from '../append-signal';
import { KnownPositions } from './known-positions';

/** Every read of `$all` ends within this, well inside a processor's 10 s lease (renewed every third of it). */
export const READ_DEADLINE_MS = 3000;
/** The oldest server the adapter runs on: stream reads report positions from 22.6 on. */
export const MIN_SERVER_VERSION = '22.6';
const MAX_RESUBSCRIBE_DELAY_MS = 5000;

export interface EsdbEventStoreOptions {
  /** Time bound of one read of `$all` (readAll, headPosition, a position check). */
  readDeadlineMs?: number;
  /** The server's address: adapters of one address in this process wake each other's readers on append. */
  address?: string;
}

/** The server is older than the adapter supports, or does not say its version. Permanent. */
export class UnsupportedServerError extends Error {
  constructor(readonly serverVersion: string) {
    super(`KurrentDB/EventStoreDB ${MIN_SERVER_VERSION} or newer is required; the server reports version ${serverVersion}`);
    this.name = 'UnsupportedServerError';
  }
}

/**
 * The KurrentDB / EventStoreDB adapter (`@kurrent/kurrentdb-client`).
 *
 * - The port's `eventId` is the ESDB event id (a UUID), so ESDB's own idempotent-append check applies.
 * - `position` is the `$all` commit position as a number. Appends since ESDB 20 write each event as a
 *   self-committing prepare record, so an event's commit and prepare positions are equal and one
 *   number names it exactly (`{commit: p, prepare: p}` reads back from it). Numbers stay exact up to 2^53 bytes of log.
 *   An `after` that is not 0 or where a record lies is refused (InvalidPositionError): a position this adapter has
 *   not handed out or checked lately is checked with a one-record read first.
 * - System events (`$`-prefixed types or streams) are invisible through the port; `$all` reads filter them, and the
 *   event types asked for, on the server. Events without a Batchyard envelope (written by another client) are
 *   skipped and counted (`batchyard_foreign_events_skipped_total`).
 * - Reads never leave a call early: the client's native bridge cannot cancel a read, so every read asks for exactly
 *   what it consumes and is read to its end. A read of `$all` that outlasts `readDeadlineMs` fails with
 *   ReadDeadlineError, and is still read to its (bounded) end in the background so that its call closes.
 * - Subscriptions resubscribe after a drop from the last event handed out; an abort unsubscribes (cancels the call).
 * - The first call checks the server's version (MIN_SERVER_VERSION) and fails with UnsupportedServerError below it.
 */
export class EsdbEventStore implements EventStore {
  private readonly known = new KnownPositions();
  private newestAppended = 0;
  private readonly address: string;
  private readonly readDeadlineMs: number;
  private supported?: Promise<void>;

  constructor(
    private readonly client: KurrentDBClient,
    options: EsdbEventStoreOptions = {},
  ) {
    this.readDeadlineMs = options.readDeadlineMs ?? READ_DEADLINE_MS;
    this.address = options.address ?? randomUUID();
  }

  /** Accepts `kurrentdb://`, `kurrentdb+discover://` and the older spellings `esdb://`, `esdb+discover://`. */
  static connect(url: string): EsdbEventStore {
    const address = url.replace(/^esdb(\+discover)?:\/\//, 'kurrentdb$1://');
    return new EsdbEventStore(KurrentDBClient.connectionString(address), { address });
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError(`stream ${stream}: an append needs at least one event`);
    const bytes = appendBytes(events);
    if (bytes > MAX_APPEND_BYTES) throw new AppendTooLargeError(stream, bytes, MAX_APPEND_BYTES);
    await this.requireSupportedServer();
    try {
      const result = await this.client.appendToStream(stream, events.map(toEventData), { streamState: toStreamState(expectedRevision) });
      const nextRevision = Number(result.nextExpectedRevision);
      // An idempotent retry is acknowledged without a position: look up where the batch lies.
      const position = result.position ? Number(result.position.commit) : await this.positionOf(stream, nextRevision);
      this.known.add(position);
      this.newestAppended = Math.max(this.newestAppended, position);
      signalAppended(this.address);
      return { nextRevision, position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualState === NO_STREAM ? 'no_stream' : Number(error.actualState);
        throw new WrongExpectedRevisionError(stream, expectedRevision, actual);
      }
      // A server configured below our limit.
      if (error instanceof MaxAppendSizeExceededError) throw new AppendTooLargeError(stream, bytes, error.maxAppendSize);
      throw error;
    }
  }

  async readStream(stream: string, { fromRevision = 0, maxCount }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    await this.requireSupportedServer();
    try {
      // A stream is read whole or up to maxCount, without a deadline: an aggregate's history has no size bound here.
      const read = await drain(this.client.readStream(stream, { fromRevision: BigInt(fromRevision), direction: FORWARDS, maxCount }));
      return read.flatMap(({ event }) => (event ? this.toRecorded(event) : []));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async readAll({ after = 0, maxCount, eventTypes }: ReadAllOptions): Promise<RecordedEvent[]> {
    await this.requirePosition(after);
    const events: RecordedEvent[] = [];
    let floor = after;
    while (events.length < maxCount) {
      // A read from a position includes the record there, which the caller has seen: one more is asked for.
      const asked = maxCount - events.length + (floor > 0 ? 1 : 0);
      const read = await this.readAllFrom(floor, asked, eventTypes);
      for (const { event } of read) {
        if (!event || commitOf(event) <= floor) continue;
        floor = commitOf(event);
        if (isSystem(event)) continue;
        events.push(...this.toRecorded(event));
      }
      // Fewer than asked: the log ends there. Otherwise what was skipped (foreign events) is read past.
      if (read.length < asked) break;
    }
    const page = events.slice(0, maxCount);
    if (page.length) this.known.add(page[page.length - 1].position);
    return page;
  }

  async *subscribeToAll({ after = 0, eventTypes, signal }: SubscribeOptions): AsyncIterable<RecordedEvent> {
    await this.requirePosition(after);
    let cursor = after;
    let failures = 0;
    while (!signal.aborted) {
      const subscription = this.client.subscribeToAll({ fromPosition: cursor > 0 ? exactly(cursor) : START, filter: filterFor(eventTypes) });
      // Destroying the stream ends a `for await` that is waiting for the next event; unsubscribing cancels the call.
      const stop = () => subscription.destroy();
      signal.addEventListener('abort', stop, { once: true });
      try {
        for await (const { event } of subscription) {
          // After a resubscription the server may repeat the event at the cursor.
          if (!event || commitOf(event) <= cursor) continue;
          const position = commitOf(event);
          if (!isSystem(event)) for (const recorded of this.toRecorded(event)) yield recorded;
          cursor = position;
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

  /** Position of the last event whose type is not a system one (the server filters), or 0. */
  async headPosition(): Promise<number> {
    await this.requireSupportedServer();
    const [last] = await this.timed('headPosition', this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: excludeSystemEvents() }));
    const head = last?.event ? commitOf(last.event) : 0;
    this.known.add(head);
    return head;
  }

  async waitForAppend(position: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.newestAppended > position) return;
    await nextAppend(this.address, timeoutMs, signal);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async readAllFrom(after: number, maxCount: number, eventTypes?: readonly string[]) {
    try {
      return await this.timed('readAll', this.client.readAll({ fromPosition: after > 0 ? exactly(after) : START, direction: FORWARDS, maxCount, filter: filterFor(eventTypes) }));
    } catch (error) {
      if (!isInvalidPosition(error)) throw error;
      // A position known once is no longer one: the store was recreated under us.
      this.known.delete(after);
      throw new InvalidPositionError(after);
    }
  }

  /** 0, or where a record of the log lies: the record read from there must be at exactly that position. */
  private async requirePosition(position: number): Promise<void> {
    await this.requireSupportedServer();
    if (position === 0 || this.known.has(position)) return;
    if (!Number.isSafeInteger(position) || position < 0) throw new InvalidPositionError(position);
    let read;
    try {
      read = await this.timed('position check', this.client.readAll({ fromPosition: exactly(position), direction: FORWARDS, maxCount: 1 }));
    } catch (error) {
      if (isInvalidPosition(error)) throw new InvalidPositionError(position);
      throw error;
    }
    if (!read[0]?.event || commitOf(read[0].event) !== position) throw new InvalidPositionError(position);
    this.known.add(position);
  }

  private requireSupportedServer(): Promise<void> {
    this.supported ??= (this.client as unknown as { capabilities: Promise<{ serverVersion: string }> }).capabilities.then(
      ({ serverVersion }) => {
        if (!atLeast(serverVersion, MIN_SERVER_VERSION)) throw new UnsupportedServerError(serverVersion);
      },
      (error: unknown) => {
        // Not reachable yet: ask again on the next call.
        this.supported = undefined;
        throw error;
      },
    );
    return this.supported;
  }

  /** Reads to the end within the read deadline; past it, fails and lets the read finish (and its call close) unobserved. */
  private async timed<T>(what: string, read: AsyncIterable<T>): Promise<T[]> {
    const all = drain(read);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ReadDeadlineError(what, this.readDeadlineMs)), this.readDeadlineMs);
    });
    try {
      return await Promise.race([all, deadline]);
    } finally {
      clearTimeout(timer);
      all.catch(() => undefined);
    }
  }

  private async positionOf(stream: string, revision: number): Promise<number> {
    const [read] = await drain(this.client.readStream(stream, { fromRevision: BigInt(revision), maxCount: 1 }));
    if (read?.event) return commitOf(read.event);
    throw new Error(`stream ${stream}: revision ${revision} acknowledged but not readable`);
  }

  /** The event as the port's, or nothing for one another client wrote (counted). */
  private toRecorded(event: EsdbRecordedEvent): RecordedEvent[] {
    const envelope = envelopeOf(event);
    if (!envelope) {
      foreignEventsSkipped.inc();
      return [];
    }
    return [
      {
        eventId: event.id,
        type: event.type,
        version: envelope.version,
        tenant: envelope.tenant,
        stream: event.streamId,
        correlationId: envelope.$correlationId,
        causationId: envelope.$causationId,
        occurredAt: envelope.occurredAt,
        data: event.data,
        revision: Number(event.revision),
        position: commitOf(event),
      },
    ];
  }
}

async function drain<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
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

function commitOf(event: EsdbRecordedEvent): number {
  if (!event.position) throw new Error(`KurrentDB/EventStoreDB ${MIN_SERVER_VERSION} or newer is required (stream reads must report positions)`);
  return Number(event.position.commit);
}

/** Our event types (which never start with `$`), or everything but system events. */
const filterFor = (eventTypes?: readonly string[]): Filter => (eventTypes ? eventTypeFilter({ regex: anyOf(eventTypes) }) : excludeSystemEvents());

const exactly = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

const isSystem = (event: EsdbRecordedEvent) => event.type.startsWith('$') || event.streamId.startsWith('$');

const anyOf = (types: readonly string[]) => `^(?:${types.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;

/** `major.minor` of a version such as `24.10.0` or `v25.0.1.2345` at least `minimum`; 'unknown' is not. */
function atLeast(version: string, minimum: string): boolean {
  const [major, minor] = (/^v?(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  const [minMajor, minMinor] = minimum.split('.').map(Number);
  if (major === undefined || Number.isNaN(major)) return false;
  return major > minMajor || (major === minMajor && minor >= minMinor);
}

/** The server's answer to a read from an offset where no record lies (the bridge passes its message on). */
const isInvalidPosition = (error: unknown) => /invalid position/i.test(String((error as Error)?.message ?? ''));

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
