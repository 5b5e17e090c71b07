import { CreateApiKey, CreateBatch, CreateTenant, RevokeApiKey } from '@batchyard/contracts';
import { batchDecider } from './batches/batch.decider';
import type { CommandRoute } from './command-handling/command-handler';
import { tenantDecider } from './tenants/tenant.decider';

/** Which decider answers which command. */
export const commandRoutes: readonly CommandRoute[] = [
  { definition: CreateTenant, decider: tenantDecider },
  { definition: CreateApiKey, decider: tenantDecider },
  { definition: RevokeApiKey, decider: tenantDecider },
  { definition: CreateBatch, decider: batchDecider },
];
