import { z } from 'zod';
import { ResourceCreateSchemas, ResourceUpdateSchemas } from '@batchyard/bulk-jobs';
import type { ResourceType } from '@batchyard/contracts';
import { SignedUrlQuery, type DialectDoc, type OperationDoc } from '../docs/openapi';
import { CancelBatchSchema, CreateBatchSchema, IncludeSchema, ListFiltersSchema, RetryBatchSchema } from './batches.controller';
import { PageQuerySchema } from './envelope';
import { ResourcePaths } from './resource-document';

const str = { type: 'string' };
const count = { type: 'integer', minimum: 0 };
const seconds = { type: 'integer', description: 'epoch seconds' };
const nullableUrl = { type: ['string', 'null'], description: 'a signed download URL valid for an hour when asked for with its include_* flag, else null' };

/** Every answer, success or error, shares PackageX's envelope (Seed B.6). */
const envelope = (data: object, paged = false) => ({
  type: 'object',
  required: ['message', 'data', 'status', 'errors', 'code', 'pagination', 'endpoint'],
  properties: {
    message: str,
    data,
    status: { type: 'integer' },
    errors: { type: 'array', maxItems: 0 },
    code: { const: 'ok' },
    pagination: paged
      ? { type: 'object', required: ['limit', 'page', 'has_more', 'total_count'], properties: { limit: count, page: count, has_more: { type: 'boolean' }, total_count: count } }
      : { type: 'null' },
    endpoint: str,
  },
});

const phase = {
  type: 'object',
  required: ['name', 'mode', 'total', 'processed', 'success', 'error'],
  properties: {
    name: { enum: ['parsing', 'validation', 'processing', 'cleanup'] },
    mode: { enum: ['sync', 'async'] },
    total: count,
    processed: count,
    success: count,
    error: count,
  },
};
const stats = Object.fromEntries(['created', 'updated', 'deleted', 'overwritten', 'ignored', 'rejected', 'unprocessed', 'events'].map((name) => [name, count]));
const bulkJob = {
  type: 'object',
  required: ['object', 'id', 'organization_id', 'resource', 'mode', 'via', 'action', 'status', 'duplicate_handling', 'phases', 'stats', 'created_at', 'updated_at'],
  properties: {
    object: { const: 'batch' },
    id: { type: 'string', pattern: '^batch_' },
    organization_id: str,
    resource: { enum: Object.values(ResourcePaths) },
    mode: { enum: ['sync', 'mixed', 'async'] },
    via: { enum: ['api', 'file'] },
    action: { enum: ['merge', 'overwrite', 'delete'] },
    status: { enum: ['requested', 'queued', 'processing', 'completed', 'failed', 'timed_out', 'expired'] },
    duplicate_handling: { enum: ['ignore_all', 'use_first'] },
    reason: { type: ['string', 'null'] },
    retry_of: { type: ['string', 'null'], description: 'Batchyard’s addition: the batch whose rejected and unprocessed rows this one retries' },
    phases: { type: 'array', items: phase },
    stats: { type: 'object', required: Object.keys(stats), properties: stats, description: '`ignored`, `rejected`, `unprocessed` are Batchyard’s additions' },
    has_upload_file: { type: 'boolean' },
    has_errors_file: { type: 'boolean' },
    checksum: { type: ['string', 'null'] },
    created_at: seconds,
    updated_at: seconds,
    updated_by: str,
    _upload_url: { type: ['string', 'null'], description: 'a requested job’s signed upload URL, until it expires' },
    _upload_csv_url: nullableUrl,
    _upload_json_url: nullableUrl,
    _errors_csv_url: nullableUrl,
    _errors_json_url: nullableUrl,
    _result_json_url: nullableUrl,
    _result_csv_url: nullableUrl,
    _unprocessed_csv_url: nullableUrl,
    _unprocessed_json_url: nullableUrl,
  },
};
const resource = (type: ResourceType) => ({
  type: 'object',
  required: ['object', 'id', 'organization_id', 'created_at', 'updated_at'],
  properties: { object: { const: type }, id: str, organization_id: str, created_at: seconds, updated_at: seconds },
  description: `the ${type}’s fields as written, besides these`,
});

const resourceOperations = Object.entries(ResourcePaths).flatMap(([plural, type]): OperationDoc[] => {
  const id = { id: `the ${type}’s id` };
  const one = envelope(resource(type));
  return [
    { method: 'post', path: `/v1/${plural}`, summary: `Create a ${type}`, body: ResourceCreateSchemas[type], responses: { 201: { description: 'Created', schema: one } } },
    {
      method: 'get',
      path: `/v1/${plural}`,
      summary: `List ${type}s, newest first`,
      query: PageQuerySchema(25),
      responses: { 200: { description: 'A page', schema: envelope({ type: 'array', items: resource(type) }, true) } },
    },
    { method: 'get', path: `/v1/${plural}/{id}`, summary: `Read a ${type}`, pathParams: id, responses: { 200: { description: `The ${type}`, schema: one } } },
    {
      method: 'post',
      path: `/v1/${plural}/{id}`,
      summary: `Update a ${type}: the fields given (POST to the singular URL, PX-RR)`,
      pathParams: id,
      body: ResourceUpdateSchemas[type],
      responses: { 200: { description: 'Updated', schema: one } },
    },
    { method: 'delete', path: `/v1/${plural}/{id}`, summary: `Delete a ${type}`, pathParams: id, responses: { 200: { description: `The deleted ${type}`, schema: one } } },
  ];
});

const batchId = { id: 'the batch’s id (`batch_…`)' };

export const PACKAGEX_DOC: DialectDoc = {
  title: 'Batchyard: PackageX-compatible API (batches and their five resources)',
  description:
    'Bulk jobs over contacts, groups, shipments, trackers and assets, and the resources themselves. `X-API-KEY` is accepted as well as `PX-API-KEY`. See docs/bulk-jobs.md.',
  servers: ['/'],
  security: { name: 'pxApiKey', scheme: { type: 'apiKey', in: 'header', name: 'PX-API-KEY' } },
  errorSchema: {
    type: 'object',
    required: ['message', 'data', 'status', 'errors', 'code', 'pagination', 'endpoint'],
    properties: {
      message: str,
      data: { type: 'null' },
      status: { type: 'integer' },
      errors: { type: 'array', items: { type: 'object', required: ['field', 'code', 'message'], properties: { field: str, code: str, message: str } } },
      code: str,
      pagination: { type: 'null' },
      endpoint: str,
    },
  },
  operations: [
    {
      method: 'post',
      path: '/v1/batches',
      summary:
        'Create a batch: `data` as items or a base64 data URL of a CSV/JSON file; none, and it waits for an upload to `_upload_url`; or `retry_of` an ended batch, over its rejected and unprocessed rows',
      body: z.union([CreateBatchSchema, RetryBatchSchema]),
      responses: { 201: { description: 'Created (sync: completed; mixed: validated; async: queued)', schema: envelope(bulkJob) } },
    },
    {
      method: 'get',
      path: '/v1/batches',
      summary: 'List batches, oldest first',
      query: PageQuerySchema(25).extend(ListFiltersSchema.shape),
      responses: { 200: { description: 'A page', schema: envelope({ type: 'array', items: bulkJob }, true) } },
    },
    {
      method: 'get',
      path: '/v1/batches/{id}',
      summary: 'Read a batch; each include_* flag fills its signed `_…_url`',
      pathParams: batchId,
      query: IncludeSchema,
      responses: { 200: { description: 'The batch', schema: envelope(bulkJob) } },
    },
    {
      method: 'post',
      path: '/v1/batches/{id}/cancel',
      summary: 'Batchyard’s addition: cancel a requested, queued or processing batch; it ends `failed` with `reason` "Cancelled by …" between chunks (409 once ended)',
      pathParams: batchId,
      body: CancelBatchSchema,
      responses: { 202: { description: 'The batch as it stands; the processor ends it at its next step', schema: envelope(bulkJob) } },
    },
    {
      method: 'get',
      path: '/v1/batches/{id}/progress',
      summary: 'Batchyard’s addition: the batch as server-sent events (`progress` on each change of status, phases or stats, then `end`), each the batch object',
      pathParams: batchId,
      responses: { 200: { description: 'An event stream, open until the batch reads as ended', files: ['text/event-stream'] } },
    },
    {
      method: 'put',
      path: '/v1/batches/{id}/upload',
      summary: 'The signed `_upload_url` of a requested batch: the file (CSV or JSON) as the body, once; no key',
      pathParams: batchId,
      query: SignedUrlQuery.extend({ tenant: z.string().describe('as signed') }),
      public: true,
      upload: ['text/csv', 'application/json'],
      responses: { 200: { description: 'The batch, run as its mode says', schema: envelope(bulkJob) } },
    },
    ...resourceOperations,
  ],
};
