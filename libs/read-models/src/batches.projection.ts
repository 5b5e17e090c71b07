import { BatchCreated, BatchDeleted, BatchUpdated, ItemsGenerated, TaskCompleted, TaskStarted, UnitAssignedToBatch, UnitDeleted } from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import { defineProjection, type ProjectionWrite } from '@batchyard/projections';

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
  createdAt: number;
  updatedAt: number;
  createdBy: { keyId: string; name: string; role: string };
  /** `identifiers.number` lower-cased: TofuPilot finds batches by number ignoring case. */
  numberKey?: string;
  /** Units (Thngs with a serial number) in the batch. */
  unitCount: number;
}

/**
 * Thngs generated into a batch with one product (EVRYTHNG's `resourceCountsByProduct`), keyed
 * `<tenant>:<batchId>:<product>`. The product is a value here, never a field name: a product id is the client's,
 * and not every id is a name a read store takes (`0AAA…` starts with a digit).
 */
export interface BatchProductCountDoc extends Doc {
  tenant: string;
  batchId: string;
  product: string;
  count: number;
}

const numberKeyOf = (identifiers?: Record<string, string>) => identifiers?.number?.toLowerCase();

export const batchDocId = (tenant: string, batchId: string) => `${tenant}:${batchId}`;
export const batchProductCountId = (tenant: string, batchId: string, product: string) => `${tenant}:${batchId}:${product}`;

/**
 * Version 2 keeps the per-product counts in `batch_product_counts` instead of the batch document's
 * `resourceCountsByProduct.<product>` (docs/production-batches.md: what the new version means for an installation).
 */
export const BatchesProjection = defineProjection({
  name: 'batches',
  version: 2,
  events: [BatchCreated, BatchUpdated, BatchDeleted, UnitAssignedToBatch, UnitDeleted, TaskStarted, ItemsGenerated, TaskCompleted],
  collections: [
    {
      name: 'batches',
      indexes: [
        {
          name: 'by_tenant_created',
          fields: [
            ['tenant', 1],
            ['createdAt', 1],
          ],
        },
        {
          name: 'by_tenant_uuid',
          fields: [
            ['tenant', 1],
            ['uuid', 1],
          ],
        },
        {
          name: 'by_tenant_name',
          fields: [
            ['tenant', 1],
            ['name', 1],
          ],
        },
        {
          name: 'by_tenant_number',
          fields: [
            ['tenant', 1],
            ['numberKey', 1],
          ],
        },
      ],
    },
    {
      name: 'batch_product_counts',
      indexes: [
        {
          name: 'by_tenant_batch_product',
          fields: [
            ['tenant', 1],
            ['batchId', 1],
            ['product', 1],
          ],
        },
      ],
    },
  ],
  apply(event) {
    switch (event.type) {
      case BatchCreated.type: {
        const { batchId, ...fields } = event.data;
        const at = Date.parse(event.occurredAt);
        const doc: Omit<BatchDoc, '_id'> = {
          ...fields,
          tenant: event.tenant,
          batchId,
          status: 'EMPTY',
          ...(numberKeyOf(fields.identifiers) && { numberKey: numberKeyOf(fields.identifiers) }),
          unitCount: 0,
          createdAt: at,
          updatedAt: at,
        };
        return [{ collection: 'batches', op: { kind: 'put', id: batchDocId(event.tenant, batchId), doc } }];
      }
      case BatchUpdated.type: {
        const { batchId, changes } = event.data;
        const set: Record<string, unknown> = { ...changes, updatedAt: Date.parse(event.occurredAt) };
        const numberKey = numberKeyOf(changes.identifiers);
        if (numberKey) set.numberKey = numberKey;
        const unset = changes.identifiers && !numberKey ? ['numberKey'] : [];
        return [{ collection: 'batches', op: { kind: 'patch', id: batchDocId(event.tenant, batchId), set, unset } }];
      }
      case BatchDeleted.type: {
        const { batchId } = event.data;
        return [{ collection: 'batches', op: { kind: 'delete', id: batchDocId(event.tenant, batchId) } }];
      }
      case UnitAssignedToBatch.type: {
        const { batchId, previousBatchId } = event.data;
        return [...countUnit(event.tenant, previousBatchId, -1), ...countUnit(event.tenant, batchId, 1)];
      }
      case UnitDeleted.type: {
        const { batchId } = event.data;
        return countUnit(event.tenant, batchId, -1);
      }
      // A batch follows its tasks: IN_PROGRESS while one runs, COMPLETE once one has completed, with its Thngs counted by product.
      case TaskStarted.type:
      case TaskCompleted.type: {
        const { batchId } = event.data;
        const status: BatchStatus = event.type === TaskStarted.type ? 'IN_PROGRESS' : 'COMPLETE';
        return [{ collection: 'batches', op: { kind: 'patch', id: batchDocId(event.tenant, batchId), set: { status, updatedAt: Date.parse(event.occurredAt) } } }];
      }
      case ItemsGenerated.type: {
        const { batchId, thngTemplate, count } = event.data;
        const product = thngTemplate?.product;
        if (!product) return [];
        const id = batchProductCountId(event.tenant, batchId, product);
        return [{ collection: 'batch_product_counts', op: { kind: 'patch', id, upsert: true, set: { tenant: event.tenant, batchId, product }, inc: { count } } }];
      }
      default:
        return [];
    }
  },
});

function countUnit(tenant: string, batchId: string | null, by: number): ProjectionWrite[] {
  return batchId ? [{ collection: 'batches', op: { kind: 'patch', id: batchDocId(tenant, batchId), inc: { unitCount: by } } }] : [];
}
