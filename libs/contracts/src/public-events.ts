import type { RecordedEvent } from './envelope';
import {
  BatchCreated,
  BatchDeleted,
  BatchUpdated,
  BulkJobCompleted,
  BulkJobExpired,
  BulkJobFailed,
  BulkJobQueued,
  BulkJobTimedOut,
  FileCreated,
  FileDeleted,
  FileUploaded,
  PhaseCompleted,
  RedirectionCreated,
  RedirectionDeleted,
  RedirectionUpdated,
  TaskCompleted,
  TaskFailed,
  TaskQueued,
  TaskResultFileWritten,
  TaskStarted,
  UnitAssignedToBatch,
  UnitCreated,
  UnitDeleted,
  UnitUpdated,
} from './events';

/**
 * The events a tenant's webhooks and events feed carry, named as in the AsyncAPI catalogue. Chunk events
 * (ItemsGenerated, ChunkProcessed: up to 1 MiB of items each) and the internal ones (keys, quotas, locks,
 * reservations) stay on Kafka only.
 */
export const PublicEvents = [
  BatchCreated,
  BatchUpdated,
  BatchDeleted,
  UnitCreated,
  UnitUpdated,
  UnitAssignedToBatch,
  UnitDeleted,
  FileCreated,
  FileUploaded,
  FileDeleted,
  RedirectionCreated,
  RedirectionUpdated,
  RedirectionDeleted,
  TaskQueued,
  TaskStarted,
  TaskCompleted,
  TaskFailed,
  TaskResultFileWritten,
  BulkJobQueued,
  PhaseCompleted,
  BulkJobCompleted,
  BulkJobFailed,
  BulkJobTimedOut,
  BulkJobExpired,
] as const;

export const PublicEventTypes: readonly string[] = PublicEvents.map((e) => e.type);

/** `{id, type, occurredAt, tenant, data}`: what a webhook delivers and the events feed lists. */
export interface PublicEvent {
  id: string;
  type: string;
  occurredAt: string;
  tenant: string;
  data: unknown;
}

export function publicEvent(event: RecordedEvent): PublicEvent {
  return { id: event.eventId, type: event.type, occurredAt: event.occurredAt, tenant: event.tenant, data: event.data };
}
