import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';

/**
 * What must be unique per tenant ignoring case: TofuPilot batch numbers and unit serial numbers. A
 * claim is a stream of its own (`reservation-<tenant>.<kind>:<lower-case value>`), so the event
 * store's expected-revision check, not a read model, decides who gets a value.
 */
export const UniqueValueKindSchema = z.enum(['batch-number', 'serial-number', 'short-domain']);
export type UniqueValueKind = z.infer<typeof UniqueValueKindSchema>;
const ClaimSchema = z.object({ kind: UniqueValueKindSchema, value: z.string(), ownerId: z.string() });

export const UniqueValueClaimed = defineEvent({
  type: 'UniqueValueClaimed',
  version: 1,
  category: StreamCategory.reservation,
  description: 'A batch number or serial number was claimed by its owner (a batch id or a unit id).',
  schema: ClaimSchema,
});

export const UniqueValueReleased = defineEvent({
  type: 'UniqueValueReleased',
  version: 1,
  category: StreamCategory.reservation,
  description: 'A batch number or serial number was given up by its owner (renamed or deleted).',
  schema: ClaimSchema,
});

/** A unit's own fields: its serial number, part and revision (parts and revisions exist by their numbers). */
export const UnitFieldsSchema = z.object({ serialNumber: z.string(), partNumber: z.string(), revisionNumber: z.string() });

export const UnitCreated = defineEvent({
  type: 'UnitCreated',
  version: 1,
  category: StreamCategory.unit,
  description: 'A unit (a Thng with identifiers.serial_number) was created. `unitId` is its UUID, `thngId` its EVRYTHNG id.',
  schema: UnitFieldsSchema.extend({
    unitId: z.uuid(),
    thngId: z.string(),
    createdBy: z.object({ keyId: z.string(), name: z.string(), role: z.string() }),
  }),
});

export const UnitUpdated = defineEvent({
  type: 'UnitUpdated',
  version: 1,
  category: StreamCategory.unit,
  description: 'Fields of a unit were replaced; fields not in `changes` are kept.',
  schema: z.object({ unitId: z.uuid(), changes: UnitFieldsSchema.partial() }),
});

export const UnitAssignedToBatch = defineEvent({
  type: 'UnitAssignedToBatch',
  version: 1,
  category: StreamCategory.unit,
  description: 'A unit joined a batch, or left one (`batchId` null). `previousBatchId` keeps batch counts exact.',
  schema: z.object({ unitId: z.uuid(), batchId: z.string().nullable(), previousBatchId: z.string().nullable() }),
});

export const UnitDeleted = defineEvent({
  type: 'UnitDeleted',
  version: 1,
  category: StreamCategory.unit,
  description: 'A unit was deleted; `batchId` is the batch it left.',
  schema: z.object({ unitId: z.uuid(), batchId: z.string().nullable() }),
});
