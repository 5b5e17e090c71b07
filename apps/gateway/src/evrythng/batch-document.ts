import { z } from 'zod';
import type { BatchDoc } from '@batchyard/read-models';

/** The writable fields of EVRYTHNG's BatchDocument (additionalProperties: false). */
export const BatchCreateSchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(256),
  description: z.string().max(4096).optional(),
  tags: z.array(z.string().max(256)).max(60).optional(),
  identifiers: z.record(z.string().min(1).max(256), z.string().max(256)).optional(),
  customFields: z.record(z.string().min(1).max(256), z.unknown()).optional(),
});

/** A BatchDocument as EVRYTHNG returns it: epoch-ms timestamps, unset optional fields left out. */
export function batchDocument(doc: BatchDoc) {
  return {
    id: doc.batchId,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    name: doc.name,
    ...(doc.description !== undefined && { description: doc.description }),
    status: doc.status,
    resourceCountsByProduct: doc.resourceCountsByProduct,
    ...(doc.identifiers && { identifiers: doc.identifiers }),
    ...(doc.tags && { tags: doc.tags }),
    ...(doc.customFields && { customFields: doc.customFields }),
    ...(doc.scopes && { scopes: doc.scopes }),
  };
}
