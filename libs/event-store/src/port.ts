import type { NewEvent, RecordedEvent } from '@batchyard/contracts';

/**
 * What an append expects of the stream: any state, no stream yet, an existing stream, or
 * a stream whose last event has exactly this 0-based revision.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  nextRevision: number;
  /** Global position of the last appended event. */
  position: number;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * An append larger than the store takes (KurrentDB's `MaxAppendSize`, 1 MiB by default; the SQLite store takes the
 * same): nothing of it was stored. Permanent: the same append fails the same way, so its cause is parked or refused.
 */
export class AppendTooLargeError extends Error {
  readonly retriable = false;
  constructor(
    readonly stream: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`stream ${stream}: an append of ${bytes} bytes is larger than the event store takes (${limit})`);
    this.name = 'AppendTooLargeError';
  }
}

/**
 * `after` names no position of this store: neither 0 nor where a record of its log lies (a mistyped
 * `ops projections replay --from`, a checkpoint kept after the store was recreated, a position of another store).
 * Permanent: reading from there again fails the same way, so a processor waits for an operator instead of retrying.
 */
export class InvalidPositionError extends Error {
  readonly retriable = false;
  constructor(readonly position: number) {
    super(`position ${position} is not a position of this event store (0, or the position of a recorded event)`);
    this.name = 'InvalidPositionError';
  }
}

/** A read the store did not answer within its time bound; nothing was handed out, so reading again is safe. */
export class ReadDeadlineError extends Error {
  readonly retriable = true;
  constructor(
    readonly what: string,
    readonly deadlineMs: number,
  ) {
    super(`${what} did not complete within ${deadlineMs} ms`);
    this.name = 'ReadDeadlineError';
  }
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive), default 0. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position (0 or a position the store handed out); default: from the start. */
  after?: number;
  maxCount: number;
  /** Only these event types (the store may still filter server side or client side). */
  eventTypes?: readonly string[];
}

export interface SubscribeOptions {
  after?: number;
  eventTypes?: readonly string[];
  signal: AbortSignal;
}

/**
 * The event-store port. Appending an event whose `eventId` is already in the stream at the
 * same place is idempotent (the retry of a lost acknowledgement succeeds and writes nothing).
 * An append weighing more than the store takes (`appendBytes`) fails with AppendTooLargeError.
 */
export interface EventStore {
  append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; an empty array for a stream that does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * A page of the global log in position order: `maxCount` events, or fewer only when no more lie after them.
   * An `after` that is no position of the store fails with InvalidPositionError.
   */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Catch-up subscription: every event after `after`, then live ones, in order, until the signal aborts.
   * An `after` that is no position of the store fails with InvalidPositionError.
   */
  subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** Position of the last event in the store, or 0 when empty. */
  headPosition(): Promise<number>;
  /**
   * Resolves once an event may lie after `position`, so that a reader caught up to it reads again: at once when the
   * store already holds one, as soon as an append the adapter can see commits (SQLite: any thread of this process;
   * KurrentDB: this adapter's own), and after `timeoutMs` otherwise, or when `signal` aborts. Readers that poll
   * call it instead of sleeping.
   */
  waitForAppend(position: number, timeoutMs: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
