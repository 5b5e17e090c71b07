import { isGeneratedThng, type GeneratedThngDoc, type ItemDoc } from '@batchyard/read-models';
import { filterFields, type ListingFields } from './listing';

/**
 * An item as an EVRYTHNG ThngDocument. A unit's serial number is its name and `identifiers.serial_number`; its
 * part and revision are `identifiers.part_number` and `identifiers.revision_number` (Batchyard keeps no EVRYTHNG
 * products). No field is named after a method of the SDK's Thng entity (`redirection`, `locations`, …).
 */
export function thngDocument(item: ItemDoc | GeneratedThngDoc) {
  if (isGeneratedThng(item)) {
    const { template } = item;
    return { id: item.thngId, createdAt: item.createdAt, updatedAt: item.updatedAt, ...template, ...(item.batchId && { batch: item.batchId }), createdByTask: item.createdByTask };
  }
  return {
    id: item.thngId,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    name: item.serialNumber,
    identifiers: { serial_number: item.serialNumber, part_number: item.partNumber, revision_number: item.revisionNumber },
    ...(item.batchId && { batch: item.batchId }),
  };
}

/** Where each Thng filter field lives in the items read model. */
const THNG_FILTER_PATHS = {
  name: { path: 'serialNumber' },
  'identifiers.serial_number': { path: 'serialNumber' },
  'identifiers.part_number': { path: 'partNumber' },
  'identifiers.revision_number': { path: 'revisionNumber' },
  batch: { path: 'batchId' },
};

export const THNG_FIELDS: ListingFields = {
  equals: filterFields(THNG_FILTER_PATHS),
  idPath: 'thngId',
  names: Object.keys(THNG_FILTER_PATHS).join(', '),
};
