import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';
import { DEFAULT_SHORT_DOMAIN } from './task-events';

/** A short domain as tasks name it and redirections answer on: lower-cased, at least two labels. */
export const ShortDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a short domain is a domain name such as tn.gg')
  .refine((domain) => domain !== DEFAULT_SHORT_DOMAIN, `${DEFAULT_SHORT_DOMAIN} is every tenant's default short domain`);

/**
 * Short domains besides the shared default: each belongs to one tenant, claimed across tenants on a reservation
 * stream (`reservation-_shared.short-domain:<domain>`) before it is added to the tenant's stream.
 */
export const TenantShortDomainAdded = defineEvent({
  type: 'TenantShortDomainAdded',
  version: 1,
  category: StreamCategory.tenant,
  description: "An operator gave the tenant a short domain of its own: its tasks may name it, no other tenant's may.",
  schema: z.object({ domain: z.string() }),
});

export const TenantShortDomainRemoved = defineEvent({
  type: 'TenantShortDomainRemoved',
  version: 1,
  category: StreamCategory.tenant,
  description: 'An operator took a short domain from the tenant; redirections already made on it keep answering.',
  schema: z.object({ domain: z.string() }),
});
