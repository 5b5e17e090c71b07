import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  BACKWARDS,
  END,
  MaxAppendSizeExceededError,
  START,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  type AppendResult,
  type AppendStreamState,
  type Filter,
  type JSONEventData,
  type KurrentDBClient,
  type Position,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';

interface LogRecord {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  data: unknown;
  metadata: unknown;
  isJson: true;
  contentType: 'application/json';
  created: Date;
  position: Position;
}

interface Follower {
  stream: Readable;
  filter?: Filter;
}

/** What the server answers a read from an offset where no record starts (the client reports it as an UnknownError). */
export const INVALID_POSITION_MESSAGE = 'Invalid position.';

/**
 * An in-memory model of the part of `KurrentDBClient` the ESDB adapter calls, as strict as a server on every point the
 * adapter relies on, so the adapter's own logic runs where no server can:
 * - `$all` positions are byte offsets (they grow by record size, commit == prepare, never contiguous); a read from an
 *   offset inside the log where no record starts fails as the server's does (INVALID_POSITION_MESSAGE); one beyond
 *   the end reads nothing;
 * - `$all` holds system events: a `$>` link (what `$by_category` writes) after every append, and `writeSystemEvent`;
 *   reads from a position include it, backward reads exclude it, subscriptions start after it;
 * - `readAll` and `subscribeToAll` filter on the server (`filter`), and `delivered` counts what reached the client;
 * - an append weighing more than `maxAppendSize` (1 MiB by default, as the server's `Event.SizeOnDisk` sum) is refused
 *   before anything else is checked; idempotent appends are acknowledged without a position; a partly repeated batch
 *   is a wrong expected version;
 * - calls stay open until the server has sent everything and the client read it to the end, or a subscription is
 *   unsubscribed (`openCalls`): reads cannot be cancelled, as the client's native bridge has no cancel, so a read
 *   left early stays open; `holdReads` makes reads wait, as a slow server does, and they honour no deadline;
 * - `capabilities` reports `serverVersion`, as the server's ServerFeatures service does ('unknown' where it has none).
 * It is not a substitute for the real-server tier.
 */
export class InMemoryEsdbClient {
  /** What the server reports as its version. */
  serverVersion = '25.0.0';
  /** Events (records of any kind) sent to the client by reads and subscriptions. */
  delivered = 0;
  private readonly log: LogRecord[] = [];
  private readonly byPosition = new Map<bigint, LogRecord>();
  private readonly followers = new Set<Follower>();
  private nextPosition = 1000n;
  private openReads = 0;
  private held?: Promise<void>;

  constructor(private readonly maxAppendSize = 1024 * 1024) {}

  /** Reads that have not been read to their end, and subscriptions not unsubscribed or dropped. */
  get openCalls(): number {
    return this.openReads + this.followers.size;
  }

  /** Reads answer nothing until the returned function is called. */
  holdReads(): () => void {
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  /** Ends every open subscription with `error`, as a lost connection does. */
  dropSubscriptions(error: Error = new UnavailableError(undefined, 'connection lost')): void {
    for (const follower of this.followers) follower.stream.destroy(error);
    this.followers.clear();
  }

  /** An empty database in place of this one (a volume wiped): positions start again, and name other records. */
  recreate(): void {
    this.log.length = 0;
    this.byPosition.clear();
    this.nextPosition = 1000n;
  }

  /** Writes a system event, as the server does on its own (statistics, projections). */
  writeSystemEvent(): void {
    this.write('$stats-127.0.0.1:2113', '$statsCollected', {}, {});
  }

  /** Writes an event as another client would: any type, any (or no) metadata, no Batchyard envelope. */
  writeForeignEvent(streamId: string, type: string, data: unknown, metadata?: unknown): Position {
    return this.write(streamId, type, data, metadata).position;
  }

  asClient(): KurrentDBClient {
    return this as unknown as KurrentDBClient;
  }

  get capabilities(): Promise<{ serverVersion: string }> {
    return Promise.resolve({ serverVersion: this.serverVersion });
  }

  async appendToStream(streamName: string, events: JSONEventData[], { streamState = 'any' }: { streamState?: AppendStreamState } = {}): Promise<AppendResult> {
    // The server's `Event.SizeOnDisk` summed over the append: data and metadata as the client serialised them (UTF-8
    // JSON), and twice the type's length.
    const size = events.reduce((sum, e) => sum + jsonBytes(e.data) + jsonBytes(e.metadata) + 2 * e.type.length, 0);
    if (size > this.maxAppendSize) throw MaxAppendSizeExceededError.fromMaxAppendSize(this.maxAppendSize);
    const stream = this.log.filter((r) => r.streamId === streamName);
    const current = BigInt(stream.length) - 1n;
    const wrong = () => new WrongExpectedVersionError(undefined, { streamName, expected: streamState, current: current < 0n ? 'no_stream' : current });
    const firstIndex =
      streamState === 'any' ? stream.findIndex((r) => r.id === events[0].id) : streamState === 'no_stream' ? 0 : typeof streamState === 'bigint' ? Number(streamState) + 1 : -1;
    const writable = streamState === 'any' ? firstIndex < 0 : streamState === 'stream_exists' ? current >= 0n : BigInt(firstIndex) === current + 1n;
    if (!writable) {
      // The server's idempotence check: the batch's ids already stand at the place the expectation names.
      if (firstIndex < 0 || stream[firstIndex]?.id !== events[0].id) throw wrong();
      if (!events.every((e, i) => stream[firstIndex + i]?.id === e.id)) throw wrong();
      return { success: true, nextExpectedRevision: BigInt(firstIndex + events.length - 1), position: undefined };
    }
    const written = events.map((e, i) => this.write(streamName, e.type, e.data, e.metadata, e.id, current + 1n + BigInt(i)));
    const category = streamName.split('-')[0];
    this.write(`$ce-${category}`, '$>', `${current + 1n}@${streamName}`, {});
    return { success: true, nextExpectedRevision: current + BigInt(events.length), position: written[written.length - 1].position };
  }

  readStream(streamName: string, { fromRevision = START, maxCount }: { fromRevision?: bigint | typeof START; maxCount?: number } = {}) {
    return this.answer(() => {
      const stream = this.log.filter((r) => r.streamId === streamName);
      if (stream.length === 0) throw new StreamNotFoundError(undefined, streamName);
      return stream.filter((r) => fromRevision === START || r.revision >= fromRevision).slice(0, maxCount);
    });
  }

  readAll({ fromPosition = START, direction, maxCount, filter }: { fromPosition?: ReadPosition; direction?: string; maxCount?: number; filter?: Filter }) {
    return this.answer(() => {
      if (fromPosition !== START && fromPosition !== END) this.requireBoundary(fromPosition.commit);
      const records =
        direction === BACKWARDS
          ? this.log.filter((r) => fromPosition === END || r.position.commit < (fromPosition as Position).commit).reverse()
          : this.log.filter((r) => fromPosition === START || r.position.commit >= (fromPosition as Position).commit);
      return records.filter((r) => passes(filter, r)).slice(0, maxCount);
    });
  }

  subscribeToAll({ fromPosition = START, filter }: { fromPosition?: ReadPosition; filter?: Filter }) {
    const follower: Follower = { stream: new Readable({ objectMode: true, read() {} }), filter };
    this.followers.add(follower);
    try {
      if (fromPosition !== START && fromPosition !== END) this.requireBoundary(fromPosition.commit);
      for (const record of this.log) {
        if (fromPosition === START || (fromPosition !== END && record.position.commit > fromPosition.commit)) this.deliver(follower, record);
      }
    } catch (error) {
      this.followers.delete(follower);
      process.nextTick(() => follower.stream.destroy(error as Error));
    }
    return Object.assign(follower.stream, {
      unsubscribe: async () => {
        this.followers.delete(follower);
        if (!follower.stream.destroyed) follower.stream.push(null);
      },
    });
  }

  async dispose(): Promise<void> {}

  /**
   * A read as the client's native bridge answers it: records in batches, on demand, with no way to end the call
   * early (`return()` of the iterator the client hands out leaves the call open, as it leaves the bridge's).
   */
  private answer(select: () => LogRecord[]) {
    this.openReads++;
    let records: LogRecord[] | undefined;
    let open = true;
    const close = () => {
      if (open) this.openReads--;
      open = false;
    };
    const source = {
      next: async (): Promise<IteratorResult<{ event: LogRecord; commitPosition: bigint }>> => {
        while (this.held) await this.held;
        try {
          records ??= select();
        } catch (error) {
          close();
          throw error;
        }
        const record = records.shift();
        if (!record) {
          close();
          return { done: true, value: undefined };
        }
        this.delivered++;
        return { done: false, value: { event: record, commitPosition: record.position.commit } };
      },
    };
    return (async function* () {
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        yield next.value;
      }
    })();
  }

  private requireBoundary(commit: bigint): void {
    if (commit < this.nextPosition && !this.byPosition.has(commit)) throw new UnknownError(undefined, INVALID_POSITION_MESSAGE);
  }

  private write(
    streamId: string,
    type: string,
    data: unknown,
    metadata: unknown,
    id: string = randomUUID(),
    revision = BigInt(this.log.filter((r) => r.streamId === streamId).length),
  ): LogRecord {
    const position = this.nextPosition;
    const serialized = JSON.stringify(data);
    // Positions are byte offsets in the server's log, so they grow by each record's size.
    this.nextPosition += 100n + BigInt(Buffer.byteLength(serialized));
    const record: LogRecord = {
      streamId,
      id,
      type,
      revision,
      data: JSON.parse(serialized),
      metadata: metadata === undefined ? undefined : JSON.parse(JSON.stringify(metadata)),
      isJson: true,
      contentType: 'application/json',
      created: new Date(),
      position: { commit: position, prepare: position },
    };
    this.log.push(record);
    this.byPosition.set(position, record);
    for (const follower of this.followers) this.deliver(follower, record);
    return record;
  }

  private deliver(follower: Follower, record: LogRecord): void {
    if (!passes(follower.filter, record)) return;
    this.delivered++;
    follower.stream.push({ event: record, commitPosition: record.position.commit });
  }
}

/** The server's filter: a regex or prefixes, on the event type or the stream name. */
function passes(filter: Filter | undefined, record: LogRecord): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === 'eventType' ? record.type : record.streamId;
  if ('regex' in filter) return new RegExp(filter.regex).test(subject);
  return filter.prefixes.some((prefix) => subject.startsWith(prefix));
}

const jsonBytes = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
