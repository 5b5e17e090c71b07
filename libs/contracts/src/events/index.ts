import type { EventDefinition } from '../event-definition';
import { BatchCreated } from './batch-events';
import { ApiKeyCreated, ApiKeyRevoked, TenantCreated } from './tenant-events';

export * from './batch-events';
export * from './tenant-events';

/** Every event contract, for validation on read and for the event catalogue. */
export const EventCatalogue: readonly EventDefinition[] = [TenantCreated, ApiKeyCreated, ApiKeyRevoked, BatchCreated];
