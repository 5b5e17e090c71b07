import { z } from 'zod';
import type { BatchDoc } from '@batchyard/read-models';
import { TofuNumber } from '../batch-domain/batch-number';

/** `identifiers.number` is the batch's TofuPilot number (decisions.md, the one domain), so it follows that pattern. */
const Identifiers = z.record(z.string().min(1).max(256), z.string().max(256)).superRefine((ids, ctx) => {
  if (ids.number === undefined) return;
  const result = TofuNumber.safeParse(ids.number);
  if (!result.success) ctx.addIssue({ code: 'custom', path: ['number'], message: `number ${result.error.issues[0].message}` });
});

/** The writable fields of EVRYTHNG's BatchDocument (additionalProperties: false). */
export const BatchCreateSchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(256),
  description: z.string().max(4096).optional(),
  tags: z.array(z.string().max(256)).max(60).optional(),
  identifiers: Identifiers.optional(),
  customFields: z.record(z.string().min(1).max(256), z.unknown()).optional(),
});

/**
 * PUT takes any subset of the writable fields, `scopes` included. The read-only fields the server
 * returned are accepted and dropped, because the SDK's `entity.update()` sends the whole document back.
 */
export const BatchUpdateSchema = BatchCreateSchema.partial()
  .extend({
    scopes: z.strictObject({ users: z.array(z.string()), projects: z.array(z.string()) }).optional(),
    id: z.string().optional(),
    createdAt: z.number().optional(),
    updatedAt: z.number().optional(),
    status: z.string().optional(),
    resourceCountsByProduct: z.record(z.string(), z.number()).optional(),
  })
  .transform(({ id, createdAt, updatedAt, status, resourceCountsByProduct, ...changes }) => changes);

/** A BatchDocument as EVRYTHNG returns it: epoch-ms timestamps, unset optional fields left out, `scopes` only when asked. */
export function batchDocument(doc: BatchDoc, resourceCountsByProduct: Record<string, number>, withScopes = false) {
  return {
    id: doc.batchId,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    name: doc.name,
    ...(doc.description !== undefined && { description: doc.description }),
    status: doc.status,
    resourceCountsByProduct,
    ...(doc.identifiers && { identifiers: doc.identifiers }),
    ...(doc.tags && { tags: doc.tags }),
    ...(doc.customFields && { customFields: doc.customFields }),
    ...(withScopes && { scopes: doc.scopes ?? { users: [], projects: [] } }),
  };
}
