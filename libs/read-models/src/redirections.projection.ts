import { RedirectionCreated, RedirectionDeleted, RedirectionUpdated } from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import { defineProjection } from '@batchyard/projections';
import { redirectionDocId } from './tasks.projection';

/**
 * A redirection as the redirections API made or last changed it, keyed like the task-made ones
 * (`<shortDomain>/<shortId>`, unique across tenants), so one read of each collection finds a short URL:
 * this one, when present, wins over the task's (`managedRedirection` below). `deleted` marks one deleted (a
 * task-made one too, which stays in the tasks' collection). No `createdAt` on one a task made and the API then
 * changed: its creation is the task's.
 */
export interface ManagedRedirectionDoc extends Doc {
  tenant: string;
  redirectionId: string;
  shortDomain: string;
  shortId: string;
  /** The target, in which `{shortId}` and `{evrythngId}` are replaced at redirect time. */
  url?: string;
  thngId?: string;
  taskId?: string;
  deleted?: boolean;
  createdAt?: number;
  updatedAt: number;
}

export const RedirectionsProjection = defineProjection({
  name: 'redirections',
  version: 1,
  events: [RedirectionCreated, RedirectionUpdated, RedirectionDeleted],
  collections: [
    {
      name: 'managed_redirections',
      indexes: [
        {
          name: 'by_tenant_thng',
          fields: [
            ['tenant', 1],
            ['thngId', 1],
          ],
        },
      ],
    },
  ],
  apply(event) {
    const at = Date.parse(event.occurredAt);
    const { tenant } = event;
    switch (event.type) {
      case RedirectionCreated.type: {
        const { createdBy: _, ...fields } = event.data;
        const doc: Omit<ManagedRedirectionDoc, '_id'> = { ...fields, tenant, createdAt: at, updatedAt: at };
        return [{ collection: 'managed_redirections', op: { kind: 'put', id: redirectionDocId(fields.shortDomain, fields.shortId), doc } }];
      }
      case RedirectionUpdated.type: {
        const { thngId, taskId, ...fields } = event.data;
        const set = { ...fields, tenant, updatedAt: at, ...(thngId !== undefined && { thngId }), ...(taskId !== undefined && { taskId }) };
        const unset = ['deleted', ...(thngId === undefined ? ['thngId'] : [])];
        return [{ collection: 'managed_redirections', op: { kind: 'patch', id: redirectionDocId(fields.shortDomain, fields.shortId), set, unset, upsert: true } }];
      }
      case RedirectionDeleted.type: {
        const doc: Omit<ManagedRedirectionDoc, '_id'> = { ...event.data, tenant, deleted: true, updatedAt: at };
        return [{ collection: 'managed_redirections', op: { kind: 'put', id: redirectionDocId(event.data.shortDomain, event.data.shortId), doc } }];
      }
      default:
        return [];
    }
  },
});
