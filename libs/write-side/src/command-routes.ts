import {
  AddShortDomain,
  AcquireBulkLock,
  ClaimUniqueValue,
  CreateApiKey,
  CreateBatch,
  CreateTenant,
  CreateUnit,
  DeleteBatch,
  DeleteUnit,
  ReleaseBulkLock,
  ReleaseUniqueValue,
  RemoveShortDomain,
  ReturnQuota,
  RevokeApiKey,
  TakeQuota,
  UpdateBatch,
  UpdateUnit,
  DeleteFile,
  QueueBulkJob,
  QueueTask,
  RecordFileUpload,
  RequestBulkJob,
  ReserveBulkJobPayload,
  fileCommands,
  redirectionCommands,
  taskCommands,
  type CommandDefinition,
} from '@batchyard/contracts';
import { batchDecider, batchReservations } from './batches/batch.decider';
import { bulkJobCommands, bulkJobDecider, bulkJobReservations } from './bulk-jobs/bulk-job.decider';
import { fileDecider, fileReservations } from './files/file.decider';
import { redirectionDecider } from './redirections/redirection.decider';
import { resourceCommands, resourceDecider } from './resources/resource.decider';
import type { CommandRoute } from './command-handling/command-handler';
import { taskDecider, taskReservations } from './tasks/task.decider';
import { shortDomainReservations, tenantDecider } from './tenants/tenant.decider';
import { bulkLockDecider } from './reservations/bulk-lock.decider';
import { quotaDecider } from './reservations/quota.decider';
import { uniqueValueDecider } from './reservations/unique-value.decider';
import { unitDecider, unitReservations } from './units/unit.decider';

/** The commands of those aggregates that take or give back a share, a place or a lock; their others go straight to the decider. */
const reserving = new Set<CommandDefinition>([RequestBulkJob, ReserveBulkJobPayload, QueueBulkJob, QueueTask, RecordFileUpload, DeleteFile]);

/** Which decider answers which command, and what its write reserves on other streams. */
export const commandRoutes: readonly CommandRoute[] = [
  { definition: CreateTenant, decider: tenantDecider },
  { definition: CreateApiKey, decider: tenantDecider },
  { definition: RevokeApiKey, decider: tenantDecider },
  { definition: AddShortDomain, decider: tenantDecider, reserves: shortDomainReservations },
  { definition: RemoveShortDomain, decider: tenantDecider, reserves: shortDomainReservations },
  { definition: CreateBatch, decider: batchDecider, reserves: batchReservations },
  { definition: UpdateBatch, decider: batchDecider, reserves: batchReservations },
  { definition: DeleteBatch, decider: batchDecider, reserves: batchReservations },
  { definition: ClaimUniqueValue, decider: uniqueValueDecider },
  { definition: ReleaseUniqueValue, decider: uniqueValueDecider },
  { definition: AcquireBulkLock, decider: bulkLockDecider },
  { definition: ReleaseBulkLock, decider: bulkLockDecider },
  { definition: TakeQuota, decider: quotaDecider },
  { definition: ReturnQuota, decider: quotaDecider },
  { definition: CreateUnit, decider: unitDecider, reserves: unitReservations },
  { definition: UpdateUnit, decider: unitDecider, reserves: unitReservations },
  { definition: DeleteUnit, decider: unitDecider, reserves: unitReservations },
  ...resourceCommands.map((definition) => ({ definition, decider: resourceDecider })),
  ...bulkJobCommands.map((definition) => ({ definition, decider: bulkJobDecider, ...(reserving.has(definition) && { reserves: bulkJobReservations }) })),
  ...taskCommands.map((definition) => ({ definition, decider: taskDecider, ...(reserving.has(definition) && { reserves: taskReservations }) })),
  ...fileCommands.map((definition) => ({ definition, decider: fileDecider, ...(reserving.has(definition) && { reserves: fileReservations }) })),
  ...redirectionCommands.map((definition) => ({ definition, decider: redirectionDecider })),
];
