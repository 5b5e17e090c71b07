import { BatchCreated, type EventData, type RecordedEvent } from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import type { ProjectionDefinition, ProjectionWrite } from '@batchyard/projections';

export type BatchStatus = 'EMPTY' | 'IN_PROGRESS' | 'COMPLETE' | 'SEALED';

/** One production batch, in the shape both batch dialects map from. Keyed `<tenant>:<batchId>`. */
export interface BatchDoc extends Doc {
  tenant: string;
  batchId: string;
  uuid: string;
  name: string;
  description?: string;
  tags?: string[];
  identifiers?: Record<string, string>;
  customFields?: Record<string, unknown>;
  scopes?: { users: string[]; projects: string[] };
  status: BatchStatus;
  resourceCountsByProduct: Record<string, number>;
  createdAt: number;
  updatedAt: number;
  createdBy: { keyId: string; name: string; role: string };
}

export const batchDocId = (tenant: string, batchId: string) => `${tenant}:${batchId}`;

export const BatchesProjection: ProjectionDefinition = {
  name: 'batches',
  version: 1,
  eventTypes: [BatchCreated.type],
  collections: [
    {
      name: 'batches',
      indexes: [
        { name: 'by_tenant_created', fields: [['tenant', 1], ['createdAt', 1]] },
        { name: 'by_tenant_uuid', fields: [['tenant', 1], ['uuid', 1]] },
        { name: 'by_tenant_name', fields: [['tenant', 1], ['name', 1]] },
      ],
    },
  ],
  apply(event: RecordedEvent): ProjectionWrite[] {
    switch (event.type) {
      case BatchCreated.type: {
        const { batchId, ...fields } = event.data as EventData<typeof BatchCreated>;
        const at = Date.parse(event.occurredAt);
        const doc: Omit<BatchDoc, '_id'> = {
          ...fields,
          tenant: event.tenant,
          batchId,
          status: 'EMPTY',
          resourceCountsByProduct: {},
          createdAt: at,
          updatedAt: at,
        };
        return [{ collection: 'batches', op: { kind: 'put', id: batchDocId(event.tenant, batchId), doc } }];
      }
      default:
        return [];
    }
  },
};
