import { z } from 'zod';
import { StreamCategory } from '../streams';
import { defineCommand } from './command-definitions';

/** Aggregate id: the tenant. The batch service claims the domain across tenants as it adds it (see TenantShortDomainAdded). */
export const AddShortDomain = defineCommand({ type: 'AddShortDomain', category: StreamCategory.tenant, schema: z.object({ domain: z.string() }) });
export const RemoveShortDomain = defineCommand({ type: 'RemoveShortDomain', category: StreamCategory.tenant, schema: z.object({ domain: z.string() }) });

/** The tenant of the reservation streams that hold what must be unique across tenants, such as short domains. */
export const SHARED_RESERVATIONS = '_shared';
