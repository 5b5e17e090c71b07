import { z } from 'zod';
import { signUrl } from '@batchyard/http';
import type { FileDoc } from '@batchyard/read-models';
import { filterFields, type ListingFields } from './listing';

/** EVRYTHNG's `uploadUrl` expires after 30 minutes; so does a private file's `contentUrl`. */
export const UPLOAD_URL_SECONDS = 30 * 60;
/** A public file's `contentUrl` is meant to be handed around: it stays valid for a year. */
const PUBLIC_CONTENT_URL_SECONDS = 365 * 24 * 3600;

/** A MIME type, as the upload's Content-Type must give it. */
const MimeType = z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'type must be a MIME type such as text/csv');

/** A POST /files body: the writable fields of EVRYTHNG's FileDocument (additionalProperties: false). */
export const FileCreateSchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(256),
  type: MimeType,
  privateAccess: z.boolean(),
  tags: z.array(z.string().max(256)).max(60).optional(),
  customFields: z.record(z.string().min(1).max(256), z.unknown()).optional(),
});

/** The signed paths of a file's bytes: the tenant rides in the signed query, as no key is sent with them. */
export const filePath = (tenant: string, fileId: string, what: 'upload' | 'content') => `/files/${fileId}/${what}?tenant=${encodeURIComponent(tenant)}`;

/** A FileDocument: `uploadUrl` signed afresh on every read, `contentUrl` and `size` once the bytes are there. */
export function fileDocument(doc: FileDoc, urls: { base: string; secret: Buffer }) {
  const signed = (what: 'upload' | 'content', expiresInSeconds: number) => signUrl(urls.base, filePath(doc.tenant, doc.fileId, what), { secret: urls.secret, expiresInSeconds });
  return {
    id: doc.fileId,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    name: doc.name,
    type: doc.type,
    privateAccess: doc.privateAccess,
    ...(doc.tags && { tags: doc.tags }),
    ...(doc.customFields && { customFields: doc.customFields }),
    uploadUrl: signed('upload', UPLOAD_URL_SECONDS),
    ...(doc.content && { contentUrl: signed('content', doc.privateAccess ? UPLOAD_URL_SECONDS : PUBLIC_CONTENT_URL_SECONDS), size: doc.content.size }),
  };
}

/** Filterable fields of a file (EVT-OAS FileDocument x-filterable-fields). */
export const FILE_FIELDS: ListingFields = {
  equals: filterFields({ name: { path: 'name' }, tags: { path: 'tags', contains: true } }),
  idPath: 'fileId',
  names: 'name, tags',
};
