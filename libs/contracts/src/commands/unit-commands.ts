import { z } from 'zod';
import { UniqueValueKindSchema, UnitFieldsSchema } from '../events/unit-events';
import { StreamCategory } from '../streams';
import { defineCommand } from './command-definitions';

const ClaimSchema = z.object({ kind: UniqueValueKindSchema, value: z.string().min(1), ownerId: z.string() });

/** Aggregate id: `claimId(kind, value)`. */
export const ClaimUniqueValue = defineCommand({ type: 'ClaimUniqueValue', category: StreamCategory.reservation, schema: ClaimSchema });
export const ReleaseUniqueValue = defineCommand({ type: 'ReleaseUniqueValue', category: StreamCategory.reservation, schema: ClaimSchema });

export const claimId = (kind: z.infer<typeof UniqueValueKindSchema>, value: string) => `${kind}:${value.toLowerCase()}`;

/** Aggregate id of the unit commands: the unit's UUID. */
export const CreateUnit = defineCommand({
  type: 'CreateUnit',
  category: StreamCategory.unit,
  schema: UnitFieldsSchema.extend({ unitId: z.uuid(), thngId: z.string() }),
});

/** Replaces the given fields; `batchId` (null: no batch) moves the unit when given. */
export const UpdateUnit = defineCommand({
  type: 'UpdateUnit',
  category: StreamCategory.unit,
  schema: z.object({ unitId: z.uuid(), changes: UnitFieldsSchema.partial(), batchId: z.string().nullable().optional() }),
});

export const DeleteUnit = defineCommand({
  type: 'DeleteUnit',
  category: StreamCategory.unit,
  schema: z.object({ unitId: z.uuid() }),
});
