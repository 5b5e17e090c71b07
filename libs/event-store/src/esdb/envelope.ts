import type { RecordedEvent as EsdbRecordedEvent } from '@kurrent/kurrentdb-client';
import type { EnvelopeMetadata } from '../append-size';

/**
 * The Batchyard envelope an event's metadata carries, or undefined for an event another client wrote (no metadata,
 * binary data, or metadata of its own): such an event is none of ours, whatever its type.
 */
export function envelopeOf(event: EsdbRecordedEvent): EnvelopeMetadata | undefined {
  if (!event.isJson) return undefined;
  const metadata = event.metadata as Partial<Record<keyof EnvelopeMetadata, unknown>> | undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
  const { $correlationId, $causationId, version, tenant, occurredAt } = metadata;
  const strings = [$correlationId, $causationId, tenant, occurredAt].every((value) => typeof value === 'string');
  return strings && Number.isSafeInteger(version) ? (metadata as EnvelopeMetadata) : undefined;
}
