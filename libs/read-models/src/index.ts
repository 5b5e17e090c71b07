import type { ProjectionDefinition } from '@batchyard/projections';
import { ApiKeysProjection } from './api-keys.projection';
import { BatchesProjection } from './batches.projection';
import { BulkJobsProjection } from './bulk-jobs.projection';
import { FilesProjection } from './files.projection';
import { RedirectionsProjection } from './redirections.projection';
import { ShortDomainsProjection } from './short-domains.projection';
import { ItemsProjection } from './items.projection';
import { ResourcesProjection } from './resources.projection';
import { TasksProjection } from './tasks.projection';
import { EventsFeedProjection } from './events-feed.projection';

export * from './api-keys.projection';
export * from './batches.projection';
export * from './bulk-jobs.projection';
export * from './files.projection';
export * from './redirections.projection';
export * from './short-domains.projection';
export * from './items.projection';
export * from './resources.projection';
export * from './tasks.projection';
export * from './events-feed.projection';

/** Every projection the batch service runs and the ops tool can rebuild. */
export const Projections: readonly ProjectionDefinition[] = [
  ApiKeysProjection,
  BatchesProjection,
  ResourcesProjection,
  BulkJobsProjection,
  ItemsProjection,
  TasksProjection,
  FilesProjection,
  RedirectionsProjection,
  ShortDomainsProjection,
  EventsFeedProjection,
];
