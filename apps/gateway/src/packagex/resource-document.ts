import type { ResourceType } from '@batchyard/contracts';
import type { ResourceDoc } from '@batchyard/read-models';

/** Plural URL segment → resource type: `/v1/contacts` serves contacts. */
export const ResourcePaths: Record<string, ResourceType> = {
  contacts: 'contact',
  groups: 'group',
  shipments: 'shipment',
  trackers: 'tracker',
  assets: 'asset',
};

/** A resource as PackageX shows it: `object`, prefixed `id`, its fields, epoch-second timestamps. */
export function resourceDocument(doc: ResourceDoc) {
  return {
    object: doc.resource,
    id: doc.id,
    organization_id: doc.tenant,
    ...doc.data,
    created_at: doc.createdAt,
    updated_at: doc.updatedAt,
  };
}
