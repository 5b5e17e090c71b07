/**
 * The envelope every event carries from the first commit. Consumers deduplicate on `eventId`
 * and upcast on `(type, version)`.
 */
export interface EventMetadata {
  eventId: string;
  type: string;
  version: number;
  tenant: string;
  stream: string;
  correlationId: string;
  causationId: string;
  /** ISO 8601, UTC. */
  occurredAt: string;
}

/** An event about to be appended: its data plus every envelope field but the stream, which the append names. */
export interface NewEvent<T = unknown> extends Omit<EventMetadata, 'stream'> {
  data: T;
}

/** An event as read back from the store. */
export interface RecordedEvent<T = unknown> extends EventMetadata {
  data: T;
  /** 0-based revision of the event in its stream. */
  revision: number;
  /** Global, strictly increasing position in the store (the `$all` order). */
  position: number;
}
