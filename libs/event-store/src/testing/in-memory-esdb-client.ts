import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  BACKWARDS,
  END,
  MaxAppendSizeExceededError,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type AppendResult,
  type EventStoreDBClient,
  type JSONEventData,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';

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
  regex?: RegExp;
}

/**
 * An in-memory model of the part of `EventStoreDBClient` the ESDB adapter calls, following the
 * server's rules as the adapter relies on them, so the adapter's own logic runs where no server
 * can: `$all` positions grow by record size with commit == prepare; reads from a position include
 * it, backward reads exclude it, subscriptions start after it; idempotent appends are acknowledged
 * without a position; a partly repeated batch is a wrong expected version; and every append is
 * followed by a system link event (what ESDB's `$by_category` projection writes), so system
 * events sit between and after the adapter's own; an append weighing more than `maxAppendSize` (the server's
 * `MaxAppendSize`, 1 MiB by default) is refused before anything else is checked, as the server's gRPC append does.
 * It is not a substitute for the real-server tier.
 */
export class InMemoryEsdbClient {
  private readonly log: LogRecord[] = [];
  private readonly followers = new Set<Follower>();
  private nextPosition = 1000n;

  constructor(private readonly maxAppendSize = 1024 * 1024) {}

  /** Ends every open subscription with `error`, as a lost connection does. */
  dropSubscriptions(error: Error = new UnavailableError(undefined, 'connection lost')): void {
    for (const follower of this.followers) follower.stream.destroy(error);
    this.followers.clear();
  }

  /** Writes a system event, as the server does on its own (statistics, projections). */
  writeSystemEvent(): void {
    this.write('$stats-127.0.0.1:2113', '$statsCollected', {}, {});
  }

  asClient(): EventStoreDBClient {
    return this as unknown as EventStoreDBClient;
  }

  async appendToStream(
    streamName: string,
    events: JSONEventData[],
    { expectedRevision = 'any' }: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> {
    // The server's `Event.SizeOnDisk` summed over the append: data and metadata as the client serialised them (UTF-8
    // JSON), and twice the type's length.
    const size = events.reduce((sum, e) => sum + jsonBytes(e.data) + jsonBytes(e.metadata) + 2 * e.type.length, 0);
    if (size > this.maxAppendSize) throw MaxAppendSizeExceededError.fromMaxAppendSize(this.maxAppendSize);
    const stream = this.log.filter((r) => r.streamId === streamName);
    const current = BigInt(stream.length) - 1n;
    const wrong = () =>
      new WrongExpectedVersionError(undefined, {
        streamName,
        expected: expectedRevision,
        current: current < 0n ? 'no_stream' : current,
      });
    const firstIndex =
      expectedRevision === 'any'
        ? stream.findIndex((r) => r.id === events[0].id)
        : expectedRevision === 'no_stream'
          ? 0
          : typeof expectedRevision === 'bigint'
            ? Number(expectedRevision) + 1
            : -1;
    const writable =
      expectedRevision === 'any' ? firstIndex < 0 : expectedRevision === 'stream_exists' ? current >= 0n : BigInt(firstIndex) === current + 1n;
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

  async *readStream(streamName: string, { fromRevision = 0n, maxCount }: { fromRevision?: bigint; maxCount?: number } = {}) {
    const stream = this.log.filter((r) => r.streamId === streamName);
    if (stream.length === 0) throw new StreamNotFoundError(undefined, streamName);
    yield* stream
      .filter((r) => r.revision >= fromRevision)
      .slice(0, maxCount)
      .map((r) => ({ event: r }));
  }

  async *readAll({ fromPosition = START, direction, maxCount }: { fromPosition?: ReadPosition; direction?: string; maxCount: number }) {
    const records =
      direction === BACKWARDS
        ? this.log.filter((r) => fromPosition === END || r.position.commit < (fromPosition as Position).commit).reverse()
        : this.log.filter((r) => fromPosition === START || r.position.commit >= (fromPosition as Position).commit);
    yield* records.slice(0, maxCount).map((r) => ({ event: r, commitPosition: r.position.commit }));
  }

  subscribeToAll({ fromPosition = START, filter }: { fromPosition?: ReadPosition; filter?: { regex?: string } }) {
    const follower: Follower = { stream: new Readable({ objectMode: true, read() {} }), regex: filter?.regex ? new RegExp(filter.regex) : undefined };
    for (const record of this.log) {
      if (fromPosition === START || record.position.commit > (fromPosition as Position).commit) this.deliver(follower, record);
    }
    this.followers.add(follower);
    return Object.assign(follower.stream, {
      unsubscribe: async () => {
        this.followers.delete(follower);
        if (!follower.stream.destroyed) follower.stream.push(null);
      },
    });
  }

  async dispose(): Promise<void> {}

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
      metadata: JSON.parse(JSON.stringify(metadata)),
      isJson: true,
      contentType: 'application/json',
      created: new Date(),
      position: { commit: position, prepare: position },
    };
    this.log.push(record);
    for (const follower of this.followers) this.deliver(follower, record);
    return record;
  }

  private deliver(follower: Follower, record: LogRecord): void {
    if (!follower.regex || follower.regex.test(record.type)) follower.stream.push({ event: record, commitPosition: record.position.commit });
  }
}

const jsonBytes = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
