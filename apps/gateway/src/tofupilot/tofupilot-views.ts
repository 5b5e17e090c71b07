import { uuidFrom } from '@batchyard/contracts';
import type { BatchDoc, ItemDoc } from '@batchyard/read-models';

/** The response models the TofuPilot client validates (spec/clients/tofupilot-python.md §6). */

const iso = (ms: number) => new Date(ms).toISOString();

/** Operator and user keys fill `created_by_user`, station keys `created_by_station`. */
function creators(createdBy: { keyId: string; name: string; role: string }) {
  const who = { id: createdBy.keyId, name: createdBy.name };
  return createdBy.role === 'station' ? { created_by_user: null, created_by_station: who } : { created_by_user: who, created_by_station: null };
}

/** Parts and revisions exist by their numbers: their ids derive from them, and a part is named by its number. */
function part(tenant: string, item: ItemDoc) {
  const partKey = `${tenant}:${item.partNumber.toLowerCase()}`;
  return {
    id: uuidFrom(`part:${partKey}`),
    number: item.partNumber,
    name: item.partNumber,
    revision: { id: uuidFrom(`revision:${partKey}:${item.revisionNumber.toLowerCase()}`), number: item.revisionNumber },
  };
}

/** Only batches with a number are TofuPilot batches. */
export const batchNumber = (doc: BatchDoc): string => doc.identifiers?.number as string;

export function batchListItem(doc: BatchDoc) {
  return { id: doc.uuid, number: batchNumber(doc), created_at: iso(doc.createdAt), ...creators(doc.createdBy), unit_count: doc.unitCount ?? 0 };
}

export function batchWithUnits(doc: BatchDoc, units: readonly ItemDoc[]) {
  return {
    id: doc.uuid,
    number: batchNumber(doc),
    created_at: iso(doc.createdAt),
    ...creators(doc.createdBy),
    unit_count: units.length,
    units: units.map((u) => ({ id: u.unitId, serial_number: u.serialNumber, created_at: iso(u.createdAt), part: part(doc.tenant, u) })),
  };
}

/** A unit as listed and read; `batch` is null once its batch is gone or has no number. */
export function unitView(item: ItemDoc, batch: BatchDoc | undefined) {
  return {
    id: item.unitId,
    serial_number: item.serialNumber,
    created_at: iso(item.createdAt),
    part: part(item.tenant, item),
    batch: batch && batchNumber(batch) ? { id: batch.uuid, number: batchNumber(batch) } : null,
    parent: null,
    children: [],
    ...creators(item.createdBy),
  };
}
