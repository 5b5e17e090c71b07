import type { ProjectionDefinition } from '@batchyard/projections';
import { ApiKeysProjection } from './api-keys.projection';
import { BatchesProjection } from './batches.projection';

export * from './api-keys.projection';
export * from './batches.projection';

/** Every projection the batch service runs and the ops tool can rebuild. */
export const Projections: readonly ProjectionDefinition[] = [ApiKeysProjection, BatchesProjection];
