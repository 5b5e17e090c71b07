import type { EventDefinition } from '../event-definition';
import { BatchCreated, BatchDeleted, BatchUpdated } from './batch-events';
import { ApiKeyCreated, ApiKeyRevoked, TenantCreated } from './tenant-events';
import { BulkLockAcquired, BulkLockReleased, bulkJobEvents } from './bulk-job-events';
import { ResourceCreated, ResourceDeleted, ResourceUpdated } from './resource-events';
import { FileCreated, FileDeleted, FileUploaded } from './file-events';
import { RedirectionCreated, RedirectionDeleted, RedirectionUpdated } from './redirection-events';
import { ItemsGenerated, TaskCancelRequested, TaskCompleted, TaskFailed, TaskQueued, TaskResultFileWritten, TaskStarted } from './task-events';
import { TaskInputOpened } from './task-input-file';
import { TenantShortDomainAdded, TenantShortDomainRemoved } from './short-domain-events';
import { QuotaReturned, QuotaTaken } from './quota-events';
import { InstallationCreated } from './installation-events';
import { UniqueValueClaimed, UniqueValueReleased, UnitAssignedToBatch, UnitCreated, UnitDeleted, UnitUpdated } from './unit-events';

export * from './batch-events';
export * from './tenant-events';
export * from './bulk-job-events';
export * from './resource-events';
export * from './unit-events';
export * from './task-events';
export * from './file-events';
export * from './redirection-events';
export * from './task-input-file';
export * from './short-domain-events';
export * from './quota-events';
export * from './installation-events';

/** Every event contract, for validation on read and for the event catalogue. */
export const EventCatalogue: readonly EventDefinition[] = [
  TenantCreated,
  ApiKeyCreated,
  ApiKeyRevoked,
  BatchCreated,
  BatchUpdated,
  BatchDeleted,
  ResourceCreated,
  ResourceUpdated,
  ResourceDeleted,
  UniqueValueClaimed,
  UniqueValueReleased,
  UnitCreated,
  UnitUpdated,
  UnitAssignedToBatch,
  UnitDeleted,
  ...bulkJobEvents,
  BulkLockAcquired,
  BulkLockReleased,
  TaskQueued,
  TaskStarted,
  ItemsGenerated,
  TaskResultFileWritten,
  TaskCompleted,
  TaskFailed,
  TaskCancelRequested,
  FileCreated,
  FileUploaded,
  FileDeleted,
  RedirectionCreated,
  RedirectionUpdated,
  RedirectionDeleted,
  TaskInputOpened,
  TenantShortDomainAdded,
  TenantShortDomainRemoved,
  QuotaTaken,
  QuotaReturned,
  InstallationCreated,
];
