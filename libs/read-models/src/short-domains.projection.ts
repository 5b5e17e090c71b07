import { TenantShortDomainAdded, TenantShortDomainRemoved } from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import { defineProjection } from '@batchyard/projections';

/** A short domain of one tenant (the shared default has none). Keyed by the domain. */
export interface ShortDomainDoc extends Doc {
  tenant: string;
  addedAt: string;
}

export const ShortDomainsProjection = defineProjection({
  name: 'short-domains',
  version: 1,
  events: [TenantShortDomainAdded, TenantShortDomainRemoved],
  collections: [{ name: 'short_domains', indexes: [{ name: 'by_tenant', fields: [['tenant', 1]] }] }],
  apply(event) {
    const { domain } = event.data;
    switch (event.type) {
      case TenantShortDomainAdded.type:
        return [{ collection: 'short_domains', op: { kind: 'put', id: domain, doc: { tenant: event.tenant, addedAt: event.occurredAt } } }];
      case TenantShortDomainRemoved.type:
        return [{ collection: 'short_domains', op: { kind: 'delete', id: domain } }];
      default:
        return [];
    }
  },
});
