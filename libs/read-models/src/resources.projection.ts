import { ChunkProcessed, ResourceCreated, ResourceDeleted, ResourceUpdated, type ChunkWrite, type ResourceType } from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import { defineProjection, type ProjectionWrite } from '@batchyard/projections';
import { epochSeconds } from './epoch-seconds';

/** A PackageX resource, whichever way it was written. Keyed `<tenant>:<id>`; timestamps in epoch seconds. */
export interface ResourceDoc extends Doc {
  tenant: string;
  resource: ResourceType;
  id: string;
  /** The natural key a merge matches rows on, lower-cased (see `naturalKey`). */
  key?: string;
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** The bulk job that last wrote it: an overwrite's cleanup deletes what its job did not write. */
  lastJob?: string;
}

export const resourceDocId = (tenant: string, id: string) => `${tenant}:${id}`;

const KEY_FIELDS: Record<ResourceType, string> = {
  contact: 'email',
  group: 'name',
  shipment: 'tracking_number',
  tracker: 'tracking_number',
  asset: 'serial_number',
};

/**
 * The field a merge row without `id` is matched on (docs/bulk-jobs.md), lower-cased; undefined when absent.
 * With `defaults`, as the key of `{...defaults, ...fields}`, without building it.
 */
export function naturalKey(resource: ResourceType, fields: Record<string, unknown>, defaults?: Record<string, unknown>): string | undefined {
  const field = KEY_FIELDS[resource];
  const value = defaults && !Object.hasOwn(fields, field) ? defaults[field] : fields[field];
  return typeof value === 'string' && value.trim() ? value.trim().toLowerCase() : undefined;
}

function created(tenant: string, resource: ResourceType, id: string, fields: Record<string, unknown>, at: number, lastJob?: string): ProjectionWrite {
  const doc: Omit<ResourceDoc, '_id'> = { tenant, resource, id, key: naturalKey(resource, fields), data: fields, createdAt: at, updatedAt: at };
  if (lastJob) doc.lastJob = lastJob;
  return { collection: 'resources', op: { kind: 'put', id: resourceDocId(tenant, id), doc } };
}

function updated(tenant: string, resource: ResourceType, id: string, fields: Record<string, unknown>, at: number, lastJob?: string): ProjectionWrite {
  const set: Record<string, unknown> = { updatedAt: at };
  for (const [field, value] of Object.entries(fields)) set[`data.${field}`] = value;
  const key = naturalKey(resource, fields);
  if (key) set.key = key;
  if (lastJob) set.lastJob = lastJob;
  return { collection: 'resources', op: { kind: 'patch', id: resourceDocId(tenant, id), set } };
}

const deleted = (tenant: string, id: string): ProjectionWrite => ({ collection: 'resources', op: { kind: 'delete', id: resourceDocId(tenant, id) } });

function chunkWrite(tenant: string, resource: ResourceType, write: ChunkWrite, at: number, jobId: string): ProjectionWrite {
  switch (write.op) {
    case 'create':
      return created(tenant, resource, write.id, write.fields, at, jobId);
    case 'update':
      return updated(tenant, resource, write.id, write.fields, at, jobId);
    case 'delete':
      return deleted(tenant, write.id);
  }
}

/** The job id of a bulk-job stream `bulkjob-<tenant>.<jobId>`. */
export const jobIdOfStream = (stream: string) => stream.slice(stream.indexOf('.') + 1);

export const ResourcesProjection = defineProjection({
  name: 'resources',
  version: 1,
  events: [ResourceCreated, ResourceUpdated, ResourceDeleted, ChunkProcessed],
  collections: [
    {
      name: 'resources',
      indexes: [
        {
          name: 'by_tenant_resource_created',
          fields: [
            ['tenant', 1],
            ['resource', 1],
            ['createdAt', 1],
          ],
        },
        {
          name: 'by_tenant_resource_key',
          fields: [
            ['tenant', 1],
            ['resource', 1],
            ['key', 1],
          ],
        },
        {
          name: 'by_tenant_resource_job',
          fields: [
            ['tenant', 1],
            ['resource', 1],
            ['lastJob', 1],
          ],
        },
      ],
    },
  ],
  apply(event) {
    const at = epochSeconds(event.occurredAt);
    switch (event.type) {
      case ResourceCreated.type: {
        const data = event.data;
        return [created(event.tenant, data.resource, data.id, data.fields, at)];
      }
      case ResourceUpdated.type: {
        const data = event.data;
        return [updated(event.tenant, data.resource, data.id, data.fields, at)];
      }
      case ResourceDeleted.type: {
        const data = event.data;
        return [deleted(event.tenant, data.id)];
      }
      case ChunkProcessed.type: {
        const data = event.data;
        const jobId = jobIdOfStream(event.stream);
        return data.writes.map((write) => chunkWrite(event.tenant, data.resource, write, at, jobId));
      }
      default:
        return [];
    }
  },
});
