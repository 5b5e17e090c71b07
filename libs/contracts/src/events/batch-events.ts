import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';

/** The fields of a production batch that its dialects can write. */
export const BatchFieldsSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  identifiers: z.record(z.string(), z.string()).optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
  scopes: z.object({ users: z.array(z.string()), projects: z.array(z.string()) }).optional(),
});
export type BatchFields = z.infer<typeof BatchFieldsSchema>;

/** A change to a batch: every field given replaces the stored one whole (nested objects included). */
export const BatchChangesSchema = BatchFieldsSchema.partial();
export type BatchChanges = z.infer<typeof BatchChangesSchema>;

export const BatchCreated = defineEvent({
  type: 'BatchCreated',
  version: 1,
  category: StreamCategory.batch,
  description: 'A production batch was created. `batchId` is its EVRYTHNG id (24 characters), `uuid` its TofuPilot id.',
  schema: BatchFieldsSchema.extend({
    batchId: z.string(),
    uuid: z.uuid(),
    createdBy: z.object({ keyId: z.string(), name: z.string(), role: z.string() }),
  }),
});

export const BatchUpdated = defineEvent({
  type: 'BatchUpdated',
  version: 1,
  category: StreamCategory.batch,
  description: 'Fields of a batch were replaced; fields not in `changes` are kept.',
  schema: z.object({ batchId: z.string(), changes: BatchChangesSchema }),
});

export const BatchDeleted = defineEvent({
  type: 'BatchDeleted',
  version: 1,
  category: StreamCategory.batch,
  description: 'A batch was deleted. Its tasks and Thngs are kept; through TofuPilot its units are unlinked too, listed in `unlinkedUnits` (unit ids).',
  schema: z.object({ batchId: z.string(), unlinkedUnits: z.array(z.string()).optional() }),
});
