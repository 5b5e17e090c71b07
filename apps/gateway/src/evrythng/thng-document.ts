import { z } from 'zod';
import { EVRYTHNG_ID_PATTERN } from '@batchyard/contracts';
import { isGeneratedThng, type GeneratedThngDoc, type ItemDoc } from '@batchyard/read-models';
import { TofuNumber } from '../batch-domain/batch-number';
import { customFieldKey, filterFields, identifierKey, type FilterTarget, type ListingFields } from './listing';

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

/**
 * Where each Thng filter field lives in the items read model, which holds two shapes: a unit's Thng (serial, part and
 * revision as fields of their own) and a generated one (its task's `thngTemplate` under `template`). A field either
 * shape has matches in both (EVRYTHNG's filterable Thng fields: name, tags, identifiers.<key>, product, batch,
 * customFields.<key>, createdAt); one only a generated Thng has matches generated Thngs only.
 */
const UNIT_IDENTIFIERS: Record<string, string> = { serial_number: 'serialNumber', part_number: 'partNumber', revision_number: 'revisionNumber' };
const THNG_FILTER_PATHS = {
  name: [{ path: 'serialNumber' }, { path: 'template.name' }],
  tags: { path: 'template.tags', contains: true },
  product: { path: 'template.product' },
  batch: { path: 'batchId' },
};

function keyedThngFilter(field: string): FilterTarget | FilterTarget[] | undefined {
  const identifier = identifierKey(field);
  if (identifier !== undefined) {
    const generated = { path: `template.identifiers.${identifier}` };
    return Object.hasOwn(UNIT_IDENTIFIERS, identifier) ? [{ path: UNIT_IDENTIFIERS[identifier] }, generated] : generated;
  }
  const custom = customFieldKey(field);
  return custom !== undefined ? { path: `template.customFields.${custom}` } : undefined;
}

export const THNG_FIELDS: ListingFields = {
  equals: filterFields(THNG_FILTER_PATHS, keyedThngFilter),
  idPath: 'thngId',
  names: `${Object.keys(THNG_FILTER_PATHS).join(', ')}, identifiers.<key>, customFields.<key>`,
};

/**
 * A PUT of a unit's Thng: what the unit has. `name` and `identifiers.serial_number` are its serial number (both given:
 * they must agree), `identifiers.part_number` and `identifiers.revision_number` its part and revision, `batch` its
 * batch (`null` takes it out). An identifier left out is kept. The read-only fields the SDK's `entity.update()` sends
 * back are ignored; any other field is 400, as a unit holds nothing else.
 */
export const UnitThngUpdateSchema = z.strictObject({
  name: TofuNumber.optional(),
  identifiers: z.strictObject({ serial_number: TofuNumber.optional(), part_number: TofuNumber.optional(), revision_number: TofuNumber.optional() }).optional(),
  batch: z.string().regex(EVRYTHNG_ID_PATTERN, 'batch must be a 24-character batch id').nullable().optional(),
  id: z.string().optional(),
  createdAt: z.number().optional(),
  updatedAt: z.number().optional(),
});
