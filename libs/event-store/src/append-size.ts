import type { NewEvent } from '@batchyard/contracts';

/** KurrentDB's default `MaxAppendSize`: the most one append may carry; the SQLite store takes the same. */
export const MAX_APPEND_BYTES = 1_048_576;

/**
 * The envelope fields ESDB has no place for, kept in the event's metadata. The correlation and
 * causation ids use ESDB's own `$correlationId`/`$causationId` keys, which its system projections read.
 */
export interface EnvelopeMetadata {
  $correlationId: string;
  $causationId: string;
  version: number;
  tenant: string;
  occurredAt: string;
}

export function envelopeMetadata(event: NewEvent): EnvelopeMetadata {
  return {
    $correlationId: event.correlationId,
    $causationId: event.causationId,
    version: event.version,
    tenant: event.tenant,
    occurredAt: event.occurredAt,
  };
}

/**
 * What an append weighs as KurrentDB weighs it (`Event.SizeOnDisk`, summed over the append): each event's data and
 * metadata as UTF-8 JSON, and twice its type's length. `data` is the event's data already serialised, when it is.
 */
export function appendBytes(events: readonly NewEvent[], data: readonly string[] = events.map((e) => JSON.stringify(e.data ?? null))): number {
  return events.reduce((sum, event, i) => sum + Buffer.byteLength(data[i]) + Buffer.byteLength(JSON.stringify(envelopeMetadata(event))) + 2 * event.type.length, 0);
}
