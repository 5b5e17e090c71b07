import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';

/** The writable fields of an EVRYTHNG FileDocument: `type` is the MIME type the upload must be sent with. */
export const FileFieldsSchema = z.object({
  name: z.string(),
  type: z.string(),
  privateAccess: z.boolean(),
  tags: z.array(z.string()).optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
});

/** The most bytes a file takes (`BATCHYARD_FILE_MAX_BYTES`, default 100 MiB); a ZIP's CSV is held to it too. */
export function maxFileBytes(): number {
  const value = Number(process.env.BATCHYARD_FILE_MAX_BYTES);
  return Number.isSafeInteger(value) && value > 0 ? value : 100 * 1024 * 1024;
}

/** Where a file's bytes are: a blob of the blob store, addressed by its SHA-256. */
export const FileContentSchema = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() });

export const FileCreated = defineEvent({
  type: 'FileCreated',
  version: 1,
  category: StreamCategory.file,
  description: 'A file record was created (EVRYTHNG Files API); its bytes follow with FileUploaded.',
  schema: FileFieldsSchema.extend({ fileId: z.string(), createdBy: z.object({ keyId: z.string(), name: z.string(), role: z.string() }) }),
});

export const FileUploaded = defineEvent({
  type: 'FileUploaded',
  version: 1,
  category: StreamCategory.file,
  description: 'The bytes of a file were uploaded to its signed upload URL; a later upload replaces them.',
  schema: FileContentSchema.extend({ fileId: z.string() }),
});

export const FileDeleted = defineEvent({
  type: 'FileDeleted',
  version: 1,
  category: StreamCategory.file,
  description: 'A file record was deleted. Its bytes stay in the blob store, which may share them with other files and tasks.',
  schema: z.object({ fileId: z.string() }),
});
