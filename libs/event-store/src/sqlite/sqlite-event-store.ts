import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { resolve } from 'node:path';
import { openSharedDatabase } from '@batchyard/sqlite';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { MAX_APPEND_BYTES, appendBytes } from '../append-size';
import {
  AppendTooLargeError,
  InvalidPositionError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeOptions,
} from '../port';
import { nextAppend, signalAppended } from '../append-signal';
import { ParsedDataCache } from './parsed-data-cache';

/** An append named event ids that are stored already, but not as this exact batch at this place of this stream. */
export class EventIdConflictError extends Error {
  constructor(
    readonly stream: string,
    readonly eventId: string,
  ) {
    super(`stream ${stream}: event id ${eventId} is already stored elsewhere`);
    this.name = 'EventIdConflictError';
  }
}

export interface SqliteEventStoreOptions {
  /** How often an idle subscription looks for appends made by other processes. */
  pollIntervalMs?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    stream         TEXT    NOT NULL,
    revision       INTEGER NOT NULL,
    event_id       TEXT    NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    tenant         TEXT    NOT NULL,
    correlation_id TEXT    NOT NULL,
    causation_id   TEXT    NOT NULL,
    occurred_at    TEXT    NOT NULL,
    data           TEXT    NOT NULL,
    UNIQUE (stream, revision)
  )`;

const COLUMNS = `position, stream, revision, event_id AS eventId, type, version, tenant,
  correlation_id AS correlationId, causation_id AS causationId, occurred_at AS occurredAt, data`;

const SUBSCRIPTION_PAGE = 500;
/** Events this close to the newest one seen are read by every live reader of the process (see ParsedDataCache). */
const RECENT_POSITIONS = 100;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

type EventRow = Omit<RecordedEvent, 'data'> & { data: string };

/**
 * The embedded event store: one SQLite file in WAL mode. Every append is one `BEGIN IMMEDIATE`
 * transaction that reads the stream's revision and writes, so processes sharing the file serialise
 * on the write lock (waiting up to the busy timeout) and positions are handed out in commit order:
 * a reader never sees a position appear behind one it has already read.
 *
 * `node:sqlite` is synchronous: a call runs to completion on the event loop, and an append waits
 * there (up to the busy timeout) while another process holds the write lock.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: DatabaseSync;
  private readonly file: string;
  private readonly pollIntervalMs: number;
  private closed = false;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly parsed = new ParsedDataCache();
  /** The newest position this store has appended or read: what lies far behind it is a catch-up's, read once. */
  private newest = 0;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    this.file = resolve(file);
    this.pollIntervalMs = options.pollIntervalMs ?? 25;
    this.db = openSharedDatabase(this.file);
    this.db.exec(`BEGIN IMMEDIATE; ${SCHEMA}; COMMIT;`);
    this.sql = prepareStatements(this.db);
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError(`stream ${stream}: an append needs at least one event`);
    const data = events.map((e) => JSON.stringify(e.data ?? null));
    // Weighed as KurrentDB weighs it, before anything else (as the server does): both stores take the same appends.
    const bytes = appendBytes(events, data);
    if (bytes > MAX_APPEND_BYTES) throw new AppendTooLargeError(stream, bytes, MAX_APPEND_BYTES);
    this.sql.begin.run();
    let appended: { result: AppendResult; wrote: boolean };
    try {
      appended = this.appendInTransaction(stream, events, data, expectedRevision);
      this.sql.commit.run();
    } catch (error) {
      if (this.db.isTransaction) this.sql.rollback.run();
      throw error;
    }
    this.newest = Math.max(this.newest, appended.result.position);
    if (appended.wrote) signalAppended(this.file);
    return appended.result;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.toRecorded(this.sql.readStream.all(stream, options.fromRevision ?? 0, options.maxCount ?? -1) as EventRow[]);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.requirePosition(options.after ?? 0);
    return this.readPage(options.after ?? 0, options.maxCount, options.eventTypes);
  }

  async *subscribeToAll({ after = 0, eventTypes, signal }: SubscribeOptions): AsyncIterable<RecordedEvent> {
    this.requirePosition(after);
    let cursor = after;
    while (!signal.aborted && !this.closed) {
      // The head is read before the page: if the page comes back short, every event of ours up to
      // the head was in it, so the cursor may skip the rest (keeps sparse filters from rescanning).
      const head = this.head();
      const page = this.readPage(cursor, SUBSCRIPTION_PAGE, eventTypes);
      for (const event of page) {
        yield event;
        if (signal.aborted || this.closed) return;
        cursor = event.position;
      }
      if (page.length === SUBSCRIPTION_PAGE) continue;
      cursor = Math.max(cursor, head);
      await nextAppend(this.file, this.pollIntervalMs, signal);
    }
  }

  async headPosition(): Promise<number> {
    return this.head();
  }

  async waitForAppend(position: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.closed || this.head() > position) return;
    await nextAppend(this.file, timeoutMs, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    // Idle subscriptions of this store end now rather than at their next poll.
    signalAppended(this.file);
  }

  private appendInTransaction(stream: string, events: readonly NewEvent[], data: readonly string[], expected: ExpectedRevision): { result: AppendResult; wrote: boolean } {
    const current = (this.sql.streamRevision.get(stream)?.revision as number | null) ?? -1;
    if (!satisfies(expected, current)) {
      const retried = this.findRetry(stream, events, expected);
      if (retried) return { result: retried, wrote: false };
      throw new WrongExpectedRevisionError(stream, expected, current < 0 ? 'no_stream' : current);
    }
    let position = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      try {
        const values: SQLInputValue[] = [stream, current + 1 + i, e.eventId, e.type, e.version, e.tenant, e.correlationId, e.causationId, e.occurredAt, data[i]];
        position = Number(this.sql.insert.run(...values).lastInsertRowid);
      } catch (error) {
        if (!isDuplicateEventId(error)) throw error;
        // Only a batch whose first event is stored already can be a retry of an earlier append.
        const retried = i === 0 ? this.findRetry(stream, events, expected) : undefined;
        if (retried) return { result: retried, wrote: false };
        throw new EventIdConflictError(stream, e.eventId);
      }
    }
    return { result: { nextRevision: current + events.length, position }, wrote: true };
  }

  /**
   * The result of the earlier append of exactly this batch at the place `expected` names, if it is
   * stored; throws if the batch's first event is there but the rest differ (a partial overlap).
   */
  private findRetry(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult | undefined {
    const first = this.sql.byEventId.get(events[0].eventId) as { stream: string; revision: number } | undefined;
    if (!first || first.stream !== stream || !satisfies(expected, first.revision - 1)) return undefined;
    const stored = this.sql.eventIdsFrom.all(stream, first.revision, events.length) as { eventId: string; position: number }[];
    const mismatch = events.findIndex((e, i) => stored[i]?.eventId !== e.eventId);
    if (mismatch >= 0) throw new EventIdConflictError(stream, events[mismatch].eventId);
    return { nextRevision: first.revision + events.length - 1, position: stored[stored.length - 1].position };
  }

  /** Positions are the rowids of events; 0 is before the first. One primary-key lookup. */
  private requirePosition(position: number): void {
    if (position !== 0 && !this.sql.positionExists.get(position)) throw new InvalidPositionError(position);
  }

  private readPage(after: number, maxCount: number, eventTypes?: readonly string[]): RecordedEvent[] {
    const rows = eventTypes ? this.sql.readAllOfTypes.all(after, JSON.stringify(eventTypes), maxCount) : this.sql.readAll.all(after, maxCount);
    return this.toRecorded(rows as EventRow[]);
  }

  private head(): number {
    return (this.sql.head.get()?.position as number | null) ?? 0;
  }

  /** Recent events' data goes through the shared parsed cache; a catch-up far behind the newest parses its own. */
  private toRecorded(rows: EventRow[]): RecordedEvent[] {
    for (const row of rows) this.newest = Math.max(this.newest, row.position);
    return rows.map((row) => ({
      eventId: row.eventId,
      type: row.type,
      version: row.version,
      tenant: row.tenant,
      stream: row.stream,
      correlationId: row.correlationId,
      causationId: row.causationId,
      occurredAt: row.occurredAt,
      data: row.position > this.newest - RECENT_POSITIONS ? this.parsed.parse(row.position, row.data) : JSON.parse(row.data),
      revision: row.revision,
      position: row.position,
    }));
  }
}

function prepareStatements(db: DatabaseSync) {
  const prepare = (sql: string) => db.prepare(sql);
  return {
    begin: prepare('BEGIN IMMEDIATE'),
    commit: prepare('COMMIT'),
    rollback: prepare('ROLLBACK'),
    streamRevision: prepare('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
    insert: prepare(`INSERT INTO events
      (stream, revision, event_id, type, version, tenant, correlation_id, causation_id, occurred_at, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    byEventId: prepare('SELECT stream, revision FROM events WHERE event_id = ?'),
    eventIdsFrom: prepare('SELECT event_id AS eventId, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?'),
    readStream: prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`),
    readAll: prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    // One statement for any number of types: the list travels as a JSON array.
    readAllOfTypes: prepare(`SELECT ${COLUMNS} FROM events
      WHERE position > ? AND type IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`),
    head: prepare('SELECT MAX(position) AS position FROM events'),
    positionExists: prepare('SELECT 1 AS found FROM events WHERE position = ?'),
  };
}

/** Whether a stream whose last revision is `current` (-1: no stream) meets the expectation. */
function satisfies(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1;
    case 'stream_exists':
      return current >= 0;
    default:
      return current === expected;
  }
}

function isDuplicateEventId(error: unknown): boolean {
  const e = error as { errcode?: number; message?: string };
  return e?.errcode === SQLITE_CONSTRAINT_UNIQUE && Boolean(e.message?.includes('events.event_id'));
}
