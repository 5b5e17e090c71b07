import { BatchDeleted, UnitAssignedToBatch, UnitCreated, UnitDeleted, UnitUpdated, type EventData, type RecordedEvent } from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import type { ProjectionDefinition, ProjectionWrite } from '@batchyard/projections';

/**
 * One item of a batch: a Thng to EVRYTHNG and, when it has a serial number, a unit to TofuPilot.
 * Keyed `<tenant>:<unitId>`.
 */
export interface ItemDoc extends Doc {
  tenant: string;
  unitId: string;
  thngId: string;
  serialNumber: string;
  /** The serial number lower-cased: TofuPilot finds units by serial ignoring case. */
  serialKey: string;
  partNumber: string;
  revisionNumber: string;
  batchId: string | null;
  createdAt: number;
  updatedAt: number;
  createdBy: { keyId: string; name: string; role: string };
}

export const itemDocId = (tenant: string, unitId: string) => `${tenant}:${unitId}`;

export const ItemsProjection: ProjectionDefinition = {
  name: 'items',
  version: 1,
  eventTypes: [UnitCreated.type, UnitUpdated.type, UnitAssignedToBatch.type, UnitDeleted.type, BatchDeleted.type],
  collections: [
    {
      name: 'items',
      indexes: [
        { name: 'by_tenant_created', fields: [['tenant', 1], ['createdAt', 1]] },
        { name: 'by_tenant_serial', fields: [['tenant', 1], ['serialKey', 1]] },
        { name: 'by_tenant_batch', fields: [['tenant', 1], ['batchId', 1]] },
        { name: 'by_tenant_thng', fields: [['tenant', 1], ['thngId', 1]] },
      ],
    },
  ],
  apply(event: RecordedEvent): ProjectionWrite[] {
    const at = Date.parse(event.occurredAt);
    switch (event.type) {
      case UnitCreated.type: {
        const data = event.data as EventData<typeof UnitCreated>;
        const doc: Omit<ItemDoc, '_id'> = {
          ...data,
          tenant: event.tenant,
          serialKey: data.serialNumber.toLowerCase(),
          batchId: null,
          createdAt: at,
          updatedAt: at,
        };
        return [{ collection: 'items', op: { kind: 'put', id: itemDocId(event.tenant, data.unitId), doc } }];
      }
      case UnitUpdated.type: {
        const { unitId, changes } = event.data as EventData<typeof UnitUpdated>;
        const set = { ...changes, ...(changes.serialNumber && { serialKey: changes.serialNumber.toLowerCase() }), updatedAt: at };
        return [{ collection: 'items', op: { kind: 'patch', id: itemDocId(event.tenant, unitId), set } }];
      }
      case UnitAssignedToBatch.type: {
        const { unitId, batchId } = event.data as EventData<typeof UnitAssignedToBatch>;
        return [{ collection: 'items', op: { kind: 'patch', id: itemDocId(event.tenant, unitId), set: { batchId, updatedAt: at } } }];
      }
      case UnitDeleted.type: {
        const { unitId } = event.data as EventData<typeof UnitDeleted>;
        return [{ collection: 'items', op: { kind: 'delete', id: itemDocId(event.tenant, unitId) } }];
      }
      case BatchDeleted.type: {
        const { unlinkedUnits = [] } = event.data as EventData<typeof BatchDeleted>;
        return unlinkedUnits.map((unitId) => ({ collection: 'items', op: { kind: 'patch', id: itemDocId(event.tenant, unitId), set: { batchId: null, updatedAt: at } } }));
      }
      default:
        return [];
    }
  },
};
