import { SignedUrlQuery, type DialectDoc } from '../docs/openapi';
import { BatchCreateSchema, BatchUpdateSchema } from './batch-document';
import { FileCreateSchema } from './file-document';
import { RedirectionCreateSchema, RedirectionQuerySchema, RedirectionUpdateSchema, redirectionSchema } from './redirection-document';
import { ListQuerySchema } from './listing';
import { WithScopesQuery } from './scopes-query';
import { TaskCreateSchema } from './task-document';
import { UnitThngUpdateSchema } from './thng-document';

const id = { type: 'string', pattern: '^[abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0123456789]{24}$' };
const batch = {
  type: 'object',
  required: ['id', 'createdAt', 'updatedAt', 'name', 'status', 'resourceCountsByProduct'],
  properties: {
    id,
    createdAt: { type: 'integer', description: 'epoch ms' },
    updatedAt: { type: 'integer', description: 'epoch ms' },
    name: { type: 'string' },
    description: { type: 'string' },
    status: { enum: ['EMPTY', 'IN_PROGRESS', 'COMPLETE', 'SEALED'] },
    resourceCountsByProduct: { type: 'object', additionalProperties: { type: 'integer' } },
    identifiers: { type: 'object', additionalProperties: { type: 'string' }, description: '`number` is the TofuPilot batch number' },
    tags: { type: 'array', items: { type: 'string' } },
    customFields: { type: 'object' },
    scopes: { type: 'object', properties: { users: { type: 'array' }, projects: { type: 'array' } } },
  },
};
const thng = {
  type: 'object',
  required: ['id', 'createdAt', 'updatedAt', 'name', 'identifiers'],
  properties: { id, createdAt: { type: 'integer' }, updatedAt: { type: 'integer' }, name: { type: 'string' }, identifiers: { type: 'object' }, batch: id },
};
const file = {
  type: 'object',
  required: ['id', 'createdAt', 'updatedAt', 'name', 'type', 'privateAccess', 'uploadUrl'],
  properties: {
    id,
    createdAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
    name: { type: 'string' },
    type: { type: 'string', description: 'MIME type; the upload must be sent with it as Content-Type' },
    privateAccess: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    customFields: { type: 'object' },
    uploadUrl: { type: 'string', description: 'signed; PUT the bytes to it within 30 minutes' },
    contentUrl: { type: 'string', description: 'signed download URL, once uploaded (30 minutes for a private file, a year for a public one)' },
    size: { type: 'integer', description: 'bytes, once uploaded' },
  },
};
const count = { type: 'integer', minimum: 0 };
const task = {
  type: 'object',
  required: ['id', 'type', 'batch', 'createdAt', 'updatedAt', 'status', 'inputParameters', 'progress'],
  properties: {
    id,
    type: { enum: ['POPULATING', 'SHORT_ID_GENERATION'] },
    batch: id,
    createdAt: { type: 'integer', description: 'epoch ms' },
    updatedAt: { type: 'integer', description: 'epoch ms' },
    completedAt: { type: 'integer', description: 'epoch ms, once ended' },
    status: { enum: ['PENDING', 'EXECUTING', 'CANCELLING', 'EXECUTED', 'EXECUTED_WITH_FAILURES', 'FAILED'] },
    tags: { type: 'array', items: { type: 'string' } },
    customFields: { type: 'object' },
    inputParameters: { type: 'object', description: 'as given' },
    outputParameters: { type: 'object', properties: { type: { const: 'CSV' }, columns: { type: 'array', items: { enum: ['SHORT_ID', 'THNG'] } } } },
    progress: {
      type: 'object',
      required: ['contributions', 'totalAmount'],
      properties: { contributions: { type: 'object', additionalProperties: { type: 'object', additionalProperties: count } }, totalAmount: count },
    },
    result: {
      type: 'object',
      description: 'once ended',
      required: ['type', 'failedOperationsAmount'],
      properties: {
        type: { enum: ['POPULATING', 'SHORT_ID_GENERATION', 'ERROR'] },
        totalCount: count,
        totalThngsCreated: count,
        totalUrlBindingsCreated: count,
        failedOperationsAmount: count,
        location: { type: 'string', description: 'signed URL of the result file: downloaded with no key, for 30 minutes from this read' },
        format: { enum: ['CSV', 'ZIP'] },
        error: { type: 'string' },
      },
    },
  },
};
const taskLog = {
  type: 'object',
  required: ['jobId', 'type', 'message', 'createdAt'],
  properties: { jobId: id, type: { const: 'ERROR' }, message: { type: 'string' }, payload: {}, createdAt: { type: 'integer' } },
};
const page = { 'x-result-count': 'matching resources', link: '`<url-encoded absolute URL>; rel="next"` while a next page exists' };
const batchId = { batchId: 'the batch’s 24-character id' };
const fileId = { fileId: 'the file’s 24-character id' };
const shortId = { shortId: 'the short ID (the path of the short URL)' };
const taskIds = { ...batchId, taskId: 'the task’s 24-character id' };

export const EVRYTHNG_DOC: DialectDoc = {
  title: 'Batchyard: EVRYTHNG-compatible Batches API (batches, tasks, Thngs, redirections, files)',
  description: 'Works with the `evrythng` npm SDK (Operator scope). See docs/production-batches.md and docs/tasks.md.',
  servers: ['/'],
  security: { name: 'apiKey', scheme: { type: 'apiKey', in: 'header', name: 'Authorization' } },
  errorSchema: {
    type: 'object',
    required: ['status', 'errors', 'code', 'moreInfo'],
    properties: {
      status: { type: 'integer' },
      errors: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1 },
      code: { type: 'string' },
      moreInfo: { type: 'string' },
    },
  },
  operations: [
    { method: 'get', path: '/access', summary: 'The key’s account and operator', responses: { 200: { description: 'KeyAccessDocument' } } },
    {
      method: 'get',
      path: '/operators/{operatorId}',
      summary: 'The key’s own operator',
      pathParams: { operatorId: 'actor.id from /access' },
      responses: { 200: { description: 'Operator' } },
    },
    {
      method: 'post',
      path: '/batches',
      summary: 'Create a batch',
      body: BatchCreateSchema,
      responses: { 201: { description: 'Created', schema: batch, headers: { location: '/batches/{id}' } } },
    },
    {
      method: 'get',
      path: '/batches',
      summary: 'List batches, newest first',
      query: ListQuerySchema.extend(WithScopesQuery.shape),
      responses: { 200: { description: 'A page', schema: { type: 'array', items: batch }, headers: page } },
    },
    {
      method: 'get',
      path: '/batches/{batchId}',
      summary: 'Read a batch (`scopes` only with withScopes=true)',
      pathParams: batchId,
      query: WithScopesQuery,
      responses: { 200: { description: 'The batch', schema: batch } },
    },
    {
      method: 'put',
      path: '/batches/{batchId}',
      summary: 'Update any subset; nested fields are replaced',
      pathParams: batchId,
      body: BatchUpdateSchema,
      responses: { 200: { description: 'The updated batch', schema: batch } },
    },
    {
      method: 'delete',
      path: '/batches/{batchId}',
      summary: 'Delete a batch (its tasks and Thngs stay)',
      pathParams: batchId,
      responses: { 200: { description: 'Deleted, no body' } },
    },
    {
      method: 'post',
      path: '/batches/{batchId}/tasks',
      summary: 'Queue a POPULATING or SHORT_ID_GENERATION task; it is PENDING when the answer leaves',
      pathParams: batchId,
      body: TaskCreateSchema,
      responses: { 202: { description: 'Queued, no body', headers: { location: '/batches/{batchId}/tasks/{id}' } } },
    },
    {
      method: 'get',
      path: '/batches/{batchId}/tasks',
      summary: 'List the batch’s tasks, newest first (filter on status, type)',
      pathParams: batchId,
      query: ListQuerySchema,
      responses: { 200: { description: 'A page', schema: { type: 'array', items: task }, headers: page } },
    },
    {
      method: 'get',
      path: '/batches/{batchId}/tasks/{taskId}',
      summary: 'Read a task: its progress, and its result once ended',
      pathParams: taskIds,
      responses: { 200: { description: 'The task', schema: task } },
    },
    {
      method: 'get',
      path: '/batches/{batchId}/tasks/{taskId}/result',
      summary: 'Download the task’s result file with the key (`result.location` is the same file at a signed URL)',
      pathParams: taskIds,
      responses: { 200: { description: 'The CSV, or a ZIP holding it above 100,000 rows', files: ['text/csv', 'application/zip'] } },
    },
    {
      method: 'get',
      path: '/batches/{batchId}/tasks/{taskId}/logs',
      summary: 'The task’s error log, oldest first (its first 1,000 entries)',
      pathParams: taskIds,
      responses: { 200: { description: 'Log entries', schema: { type: 'array', items: taskLog } } },
    },
    {
      method: 'get',
      path: '/batches/{batchId}/tasks/{taskId}/progress',
      summary: 'Batchyard’s addition: the task’s progress as server-sent events (`progress` on each change, then `end`; each `{task, percent}`)',
      pathParams: taskIds,
      responses: { 200: { description: 'An event stream, open until the task reads as ended', files: ['text/event-stream'] } },
    },
    {
      method: 'post',
      path: '/batches/{batchId}/tasks/{taskId}/cancel',
      summary: 'Batchyard’s addition: cancel a pending or running task (409 once ended)',
      pathParams: taskIds,
      responses: { 202: { description: 'The task, CANCELLING', schema: task } },
    },
    {
      method: 'get',
      path: '/thngs',
      summary: 'List Thngs, newest first',
      query: ListQuerySchema,
      responses: { 200: { description: 'A page', schema: { type: 'array', items: thng }, headers: page } },
    },
    { method: 'get', path: '/thngs/{thngId}', summary: 'Read a Thng', pathParams: { thngId: 'the Thng’s id' }, responses: { 200: { description: 'The Thng', schema: thng } } },
    {
      method: 'put',
      path: '/thngs/{thngId}',
      summary:
        'Update a unit’s Thng: name / identifiers.serial_number (its serial), identifiers.part_number, identifiers.revision_number, batch (null takes it out); a generated Thng is 409',
      pathParams: { thngId: 'the Thng’s id' },
      body: UnitThngUpdateSchema,
      responses: { 200: { description: 'The Thng', schema: thng }, 409: { description: 'The serial number is another unit’s, or the Thng was generated by a task' } },
    },
    {
      method: 'delete',
      path: '/thngs/{thngId}',
      summary: 'Delete a unit’s Thng: the unit goes from TofuPilot too; a generated Thng is 409',
      pathParams: { thngId: 'the Thng’s id' },
      responses: { 200: { description: 'Deleted, no body' } },
    },
    {
      method: 'post',
      path: '/redirections',
      summary:
        'Create a redirection (short ID on a short domain, optionally bound to a Thng); the short domain is the Host when it is one of the account’s, else `shortDomain`, else tn.gg; without `shortId`, 8 characters are drawn',
      body: RedirectionCreateSchema,
      query: RedirectionQuerySchema,
      responses: {
        201: { description: 'Created', schema: redirectionSchema, headers: { location: '/redirections/{shortId}' } },
        409: { description: 'The short ID is taken on that short domain (by another account, or an existing redirection)' },
      },
    },
    {
      method: 'get',
      path: '/redirections',
      summary: 'A Thng’s redirections (`evrythngId` required), as the SDK’s `thng.redirection().read()` asks',
      query: RedirectionQuerySchema,
      responses: { 200: { description: 'Newest first', schema: { type: 'array', items: redirectionSchema } } },
    },
    {
      method: 'get',
      path: '/redirections/{shortId}',
      summary: 'Read a redirection (a task’s too) with its hits',
      pathParams: shortId,
      query: RedirectionQuerySchema,
      responses: { 200: { description: 'The redirection', schema: redirectionSchema } },
    },
    {
      method: 'put',
      path: '/redirections/{shortId}',
      summary: 'Move a redirection’s target or Thng (`evrythngId: null` unbinds); the short ID and domain stay',
      pathParams: shortId,
      query: RedirectionQuerySchema,
      body: RedirectionUpdateSchema,
      responses: { 200: { description: 'The redirection', schema: redirectionSchema } },
    },
    {
      method: 'delete',
      path: '/redirections/{shortId}',
      summary: 'Delete a redirection: its short URL answers 404, its hits go',
      pathParams: shortId,
      query: RedirectionQuerySchema,
      responses: { 200: { description: 'Deleted, no body' } },
    },
    {
      method: 'get',
      path: '/thngs/{thngId}/redirector',
      summary: 'A Thng’s redirection (its newest)',
      pathParams: { thngId: 'the Thng’s id' },
      responses: { 200: { description: 'The redirection', schema: redirectionSchema } },
    },
    {
      method: 'get',
      path: '/accounts/{accountId}/shortDomains',
      summary: 'The account’s short domains: tn.gg, then its own',
      pathParams: { accountId: 'account from /access (the tenant)' },
      responses: { 200: { description: 'Domain names', schema: { type: 'array', items: { type: 'string' } } } },
    },
    {
      method: 'post',
      path: '/files',
      summary: 'Create a file record; PUT its bytes to `uploadUrl`',
      body: FileCreateSchema,
      responses: { 201: { description: 'Created', schema: file, headers: { location: '/files/{id}' } } },
    },
    {
      method: 'get',
      path: '/files',
      summary: 'List files, newest first (filter on name, tags)',
      query: ListQuerySchema,
      responses: { 200: { description: 'A page', schema: { type: 'array', items: file }, headers: page } },
    },
    { method: 'get', path: '/files/{fileId}', summary: 'Read a file record', pathParams: fileId, responses: { 200: { description: 'The file', schema: file } } },
    { method: 'delete', path: '/files/{fileId}', summary: 'Delete a file record', pathParams: fileId, responses: { 200: { description: 'Deleted, no body' } } },
    {
      method: 'put',
      path: '/files/{fileId}/upload',
      summary: 'The signed `uploadUrl`: the file’s bytes, Content-Type the file’s type; no key',
      pathParams: fileId,
      query: SignedUrlQuery,
      public: true,
      upload: ['*/*'],
      responses: {
        200: { description: 'The file', schema: file },
        413: { description: 'Above BATCHYARD_FILE_MAX_BYTES' },
        415: { description: 'Content-Type is not the file’s type' },
      },
    },
    {
      method: 'get',
      path: '/files/{fileId}/content',
      summary: 'The signed `contentUrl`: the file’s bytes; no key',
      pathParams: fileId,
      query: SignedUrlQuery,
      public: true,
      responses: { 200: { description: 'The bytes', files: ['*/*'] } },
    },
  ],
};
