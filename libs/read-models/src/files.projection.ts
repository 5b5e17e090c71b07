import { FileCreated, FileDeleted, FileUploaded } from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import { defineProjection } from '@batchyard/projections';

/** A file of the EVRYTHNG Files API. Keyed `<tenant>:<fileId>`; `content` once its bytes were uploaded. */
export interface FileDoc extends Doc {
  tenant: string;
  fileId: string;
  name: string;
  type: string;
  privateAccess: boolean;
  tags?: string[];
  customFields?: Record<string, unknown>;
  content?: { hash: string; size: number };
  createdAt: number;
  updatedAt: number;
  createdBy: { keyId: string; name: string; role: string };
}

export const fileDocId = (tenant: string, fileId: string) => `${tenant}:${fileId}`;

export const FilesProjection = defineProjection({
  name: 'files',
  version: 1,
  events: [FileCreated, FileUploaded, FileDeleted],
  collections: [
    {
      name: 'files',
      indexes: [
        {
          name: 'by_tenant_created',
          fields: [
            ['tenant', 1],
            ['createdAt', 1],
          ],
        },
      ],
    },
  ],
  apply(event) {
    const at = Date.parse(event.occurredAt);
    switch (event.type) {
      case FileCreated.type: {
        const { fileId, ...fields } = event.data;
        const doc: Omit<FileDoc, '_id'> = { ...fields, tenant: event.tenant, fileId, createdAt: at, updatedAt: at };
        return [{ collection: 'files', op: { kind: 'put', id: fileDocId(event.tenant, fileId), doc } }];
      }
      case FileUploaded.type: {
        const { fileId, hash, size } = event.data;
        return [{ collection: 'files', op: { kind: 'patch', id: fileDocId(event.tenant, fileId), set: { content: { hash, size }, updatedAt: at } } }];
      }
      case FileDeleted.type: {
        const { fileId } = event.data;
        return [{ collection: 'files', op: { kind: 'delete', id: fileDocId(event.tenant, fileId) } }];
      }
      default:
        return [];
    }
  },
});
