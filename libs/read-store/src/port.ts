/** A read-model document: `_id` is the key; `_position` is the global event position last applied. */
export interface Doc {
  _id: string;
  _position?: number;
  [field: string]: unknown;
}

export type Scalar = string | number | boolean | null;

/**
 * Conditions on one (dotted) field path. A bare scalar means `$eq`; `null` matches a missing field
 * too. Ranges are type-bracketed: a number bound matches numbers only, a string bound strings only.
 * Equality on an array field is unspecified: use `$has`.
 */
export type Condition =
  | Scalar
  | {
      $eq?: Scalar;
      $ne?: Scalar;
      $in?: readonly Scalar[];
      $nin?: readonly Scalar[];
      $gt?: Scalar;
      $gte?: Scalar;
      $lt?: Scalar;
      $lte?: Scalar;
      $exists?: boolean;
      /** The field is an array that contains this value. */
      $has?: Scalar;
      /** The field is an array that contains at least one of these values. */
      $hasAny?: readonly Scalar[];
      /** Case-insensitive substring match on a string field. */
      $contains?: string;
    };

/** A filter: every field condition holds (AND); `$or`/`$and` combine sub-filters. */
export type Filter = { [path: string]: Condition | readonly Filter[] | undefined } & {
  $or?: readonly Filter[];
  $and?: readonly Filter[];
};

export type SortKey = readonly [path: string, direction: 1 | -1];

export interface FindOptions {
  /**
   * Sort keys; `_id` in the direction of the last key is always appended as the tie-breaker.
   * Order: missing and null first, then numbers, then strings (booleans and objects: unspecified).
   */
  sort?: readonly SortKey[];
  limit?: number;
  /** Offset paging. */
  skip?: number;
  /** Keyset paging: the sort values and `_id` of the last document of the previous page. */
  after?: { values: readonly unknown[]; id: string };
}

/**
 * Write operations. With `position`, an operation applies only when the stored document's
 * `_position` is lower (or the document is absent), and then stores `_position = position`, so a
 * replayed event changes nothing.
 */
export type WriteOp =
  | { kind: 'put'; id: string; doc: Record<string, unknown>; position?: number }
  | {
      kind: 'patch';
      id: string;
      set?: Record<string, unknown>;
      unset?: readonly string[];
      inc?: Record<string, number>;
      /** Create the document (from `set` and `inc`) when absent. */
      upsert?: boolean;
      position?: number;
    }
  | { kind: 'delete'; id: string; position?: number };

export interface BulkResult {
  /** Operations that applied (their guard let them through); skipped ones do not count. */
  applied: number;
}

export class DuplicateKeyError extends Error {
  /** `key`: the name of the unique index that clashed, `_id` for the document key. */
  constructor(
    readonly collection: string,
    readonly key: string,
  ) {
    super(`duplicate key in ${collection}: ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

/**
 * The store did not answer (connection lost, no server selectable, a timeout): nothing says the operation itself is
 * at fault, and whether it applied is unknown. Every write of the port is idempotent, so trying again is safe; a
 * processor stalls on it and never parks the event it was applying.
 */
export class StoreUnavailableError extends Error {
  readonly retriable = true;
  constructor(cause: unknown) {
    super(`the read store did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

export interface IndexSpec {
  name: string;
  fields: readonly SortKey[];
  unique?: boolean;
}

export interface Collection<T extends Doc = Doc> {
  readonly name: string;
  get(id: string): Promise<T | undefined>;
  getMany(ids: readonly string[]): Promise<T[]>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /** Inserts; throws DuplicateKeyError when `_id` or a unique index clashes. */
  insert(doc: T): Promise<void>;
  /** Inserts many; returns the `_id`s that clashed (the rest are inserted). */
  insertMany(docs: readonly T[]): Promise<{ duplicates: string[] }>;
  /** Conditional patch of one document: applies when the document exists and matches `where`. */
  updateOne(id: string, where: Filter, patch: { set?: Record<string, unknown>; unset?: readonly string[]; inc?: Record<string, number> }): Promise<boolean>;
  /**
   * Applies ops in order (not atomically). An op that clashes with a unique index is skipped, the
   * rest still apply, then the first clash is thrown as DuplicateKeyError.
   */
  bulkWrite(ops: readonly WriteOp[]): Promise<BulkResult>;
  deleteMany(filter: Filter): Promise<number>;
  ensureIndexes(indexes: readonly IndexSpec[]): Promise<void>;
}

/**
 * The state that no rebuild restores: the processes keep it to work (what a command answered, idempotency records,
 * processors' checkpoints, leases, parked events and controls, dead letters, short-ID claims, redirection hit counts, the installation
 * stamp, webhook endpoints and their deliveries), and no event holds it. Fixed names, never a client value; no projection writes them, and only dropping a
 * whole read store (`ops read-store drop`) removes them.
 */
export const KeptCollections = [
  '_command_outcomes',
  '_idempotency',
  '_checkpoints',
  '_leases',
  '_parked_events',
  '_processor_control',
  '_dead_letters',
  '_installation',
  '_health',
  'short_id_claims',
  '_webhook_endpoints',
  '_webhook_deliveries',
  '_redirection_hits',
] as const;
export type KeptCollection = (typeof KeptCollections)[number];

/**
 * The port of the kept state. Every read-store adapter implements it over its own database, so one backup holds
 * the read models and the state beside them; code that keeps state depends on this port alone.
 */
export interface KeptStateStore {
  kept<T extends Doc = Doc>(name: KeptCollection): Collection<T>;
}

/**
 * The read-store port. `collection(name)` resolves a logical name through the targets table, so a
 * rebuilt copy (another physical collection) can be swapped in; `physical(name)` bypasses it.
 */
export interface ReadStore extends KeptStateStore {
  collection<T extends Doc = Doc>(logical: string): Collection<T>;
  physical<T extends Doc = Doc>(physicalName: string): Collection<T>;
  /** The physical collection a logical name points at (default: the logical name itself). */
  target(logical: string): Promise<string>;
  setTarget(logical: string, physicalName: string): Promise<void>;
  listCollections(): Promise<string[]>;
  drop(physicalName: string): Promise<void>;
  close(): Promise<void>;
}
