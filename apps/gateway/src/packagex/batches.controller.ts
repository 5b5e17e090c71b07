import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  BulkActionSchema,
  BulkModeSchema,
  CancelBulkJob,
  DuplicateHandlingSchema,
  QueueBulkJob,
  RequestBulkJob,
  ResourceTypeSchema,
  evrythngIdFrom,
  newEvrythngId,
  uuidFrom,
} from '@batchyard/contracts';
import { BulkLimits, ResourceUpdateSchemas, csvRecordsAt, decodeDataUrl, jobDeadlineSeconds, readAllRows, uploadExpirySeconds, type PayloadFormat } from '@batchyard/bulk-jobs';
import { BlobNotFoundError, type BlobStore } from '@batchyard/blob-store';
import { signUrl } from '@batchyard/http';
import { BulkJobsProjection, type BulkJobDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import type { SignedBlobs } from '../blobs/signed-blobs';
import { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { ServerSentEvents } from '../http/server-sent-events';
import { parseInput, toIssues } from '../http/zod-issues';
import type { IdempotentRequest } from '../idempotency/idempotency.interceptor';
import { COMMAND_GATEWAY, INFRASTRUCTURE, READ_STORE, SIGNED_BLOBS } from '../tokens';
import { NO_URLS, bulkJobDocument, type BulkJobUrls } from './bulk-job-document';
import { findJob, isEnded, readableJob, resourcesReached, waitForMode } from './bulk-job-reads';
import { envelope, pageQuery, pagination, publicBase } from './envelope';
import { checkedPayload, storePayload } from './payload-input';
import { uploadPath } from './upload.controller';

export const CreateBatchSchema = z.strictObject({
  resource: ResourceTypeSchema,
  action: BulkActionSchema,
  mode: BulkModeSchema.default('mixed'),
  data: z
    .union([z.array(z.unknown()).min(1).max(BulkLimits.maxRows), z.string().max(BulkLimits.maxDataUrlChars)])
    .nullable()
    .optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
  duplicate_handling: DuplicateHandlingSchema.default('ignore_all'),
  save_upload: z.boolean().default(false),
  save_result: z.boolean().default(false),
  validate_only: z.boolean().default(false),
});
type CreateBatch = z.infer<typeof CreateBatchSchema>;

/**
 * `POST /v1/batches` with `retry_of` (Batchyard's addition): a new job of the same definition (resource, action,
 * properties, duplicate handling) over the rejected and unprocessed rows of an ended job of the same tenant. Its
 * payload is built from that job's upload, so `data`, `properties` and `duplicate_handling` are refused beside it.
 */
export const RetryBatchSchema = z.strictObject({
  retry_of: z.string().min(1).max(100),
  resource: ResourceTypeSchema.optional(),
  action: BulkActionSchema.optional(),
  mode: BulkModeSchema.default('mixed'),
  save_upload: z.boolean().default(false),
  save_result: z.boolean().default(false),
  validate_only: z.boolean().default(false),
});
type RetryBatch = z.infer<typeof RetryBatchSchema>;

/** `POST /v1/batches/:id/cancel`: an optional note, kept in the job's `reason` after who cancelled it. */
export const CancelBatchSchema = z.strictObject({ reason: z.string().min(1).max(500).optional() });

export const ListFiltersSchema = z.object({
  resource: ResourceTypeSchema.optional(),
  mode: BulkModeSchema.optional(),
  via: z.enum(['api', 'file']).optional(),
  status: z.enum(['requested', 'queued', 'processing', 'completed', 'failed', 'timed_out', 'expired']).optional(),
});

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();
export const IncludeSchema = z.object({
  include_upload_csv: flag,
  include_upload_json: flag,
  include_errors_csv: flag,
  include_errors_json: flag,
  include_result_json: flag,
  include_result_csv: flag,
  include_unprocessed_csv: flag,
  include_unprocessed_json: flag,
});

const MERGE_ONLY = new Set(['shipment', 'tracker', 'asset']);
const SIGNED_URL_SECONDS = 3600;
/** How long a job created with its data may wait for the gateway to store it: seconds, unless the gateway died. */
const PAYLOAD_STORE_SECONDS = 10 * 60;

/** PackageX `/v1/batches` (Seed B): bulk jobs over resources, run by the bulk processor. */
@Controller('v1/batches')
export class PackagexBatchesController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(SIGNED_BLOBS) private readonly signed: SignedBlobs,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(ServerSentEvents) private readonly events: ServerSentEvents,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    if (typeof body === 'object' && body !== null && 'retry_of' in body) return this.retry(parseInput(RetryBatchSchema, body), caller, req);
    const input = parseInput(CreateBatchSchema, body ?? {});
    this.checkRules(input);
    return this.createJob(input, caller, req);
  }

  /** A job over the rows another job of this tenant rejected or never reached, read from that job's upload. */
  private async retry(input: RetryBatch, caller: Caller, req: IdempotentRequest) {
    const original = await findJob(this.readStore, caller.tenant, input.retry_of);
    const refuse = (path: string, message: string, code = 'invalid_value') => ApiError.validation([{ code, path: [path], message }]);
    for (const field of ['resource', 'action'] as const) {
      if (input[field] !== undefined && input[field] !== original[field]) throw refuse(field, `a retry runs as ${input.retry_of} did: ${field} ${original[field]}`);
    }
    if (!isEnded(original)) throw new ApiError('CONFLICT', `Batch ${input.retry_of} has not ended: retry it once it has`);
    if (!original.properties) throw refuse('retry_of', `batch ${input.retry_of} was recorded before retries were possible; send its rows again as data`);
    const lines = await this.retryLines(original);
    if (lines.size === 0 || !original.upload) throw refuse('retry_of', `batch ${input.retry_of} has no rejected or unprocessed rows to retry`);
    const content = await readBlob(this.signed.blobs, original.upload.hash).catch((error: unknown) => {
      if (error instanceof BlobNotFoundError) throw refuse('retry_of', `the upload of batch ${input.retry_of} is no longer stored`);
      throw error;
    });
    const format = original.upload.format;
    const payload = { content: format === 'csv' ? retryCsv(content, lines) : retryJson(content, lines), format };
    return this.createJob(
      {
        resource: original.resource,
        action: original.action,
        mode: input.mode,
        data: null,
        properties: original.properties,
        duplicate_handling: original.duplicateHandling,
        save_upload: input.save_upload,
        save_result: input.save_result,
        validate_only: input.validate_only,
      },
      caller,
      req,
      { retryOf: original.jobId, via: original.via, payload },
    );
  }

  /** The lines of a job's error and unprocessed files. */
  private async retryLines(doc: BulkJobDoc): Promise<Set<number>> {
    const lines = new Set<number>();
    for (const ref of [doc.files.errorsJson, doc.files.unprocessedJson]) {
      if (!ref) continue;
      const entries = JSON.parse((await readBlob(this.signed.blobs, ref.hash)).toString('utf8')) as { line: number }[];
      for (const { line } of entries) lines.add(line);
    }
    return lines;
  }

  private async createJob(
    input: CreateBatch,
    caller: Caller,
    req: IdempotentRequest,
    retry?: { retryOf: string; via: 'api' | 'file'; payload: { content: Buffer; format: PayloadFormat } },
  ) {
    const jobId = `batch_${req.commandId ? evrythngIdFrom(`bulk:${req.commandId}`) : newEvrythngId()}`;
    const target = { caller, aggregateId: jobId, commandId: req.commandId, readModel: BulkJobsProjection };
    const spec = {
      jobId,
      resource: input.resource,
      action: input.action,
      mode: input.mode,
      via: retry?.via ?? (Array.isArray(input.data) ? ('api' as const) : ('file' as const)),
      duplicateHandling: input.duplicate_handling,
      properties: input.properties,
      saveUpload: input.save_upload,
      saveResult: input.save_result,
      ...(input.validate_only && { validateOnly: true }),
      ...(retry && { retryOf: retry.retryOf }),
    };
    if (!retry && (input.data === undefined || input.data === null)) {
      // No data: the job waits for one upload to its signed URL (docs/bulk-jobs.md).
      const expiresAt = new Date(Date.now() + uploadExpirySeconds() * 1000).toISOString();
      await this.commands.execute(RequestBulkJob, { ...spec, expiresAt }, target);
      const doc = await findJob(this.readStore, caller.tenant, jobId);
      return envelope(req, 201, 'Batch requested: upload the file to _upload_url', bulkJobDocument(doc, { ...NO_URLS, _upload_url: this.uploadUrl(req, doc) }));
    }
    const data = input.data;
    const payload = retry
      ? checkedPayload('retry_of', () => retry.payload)
      : checkedPayload('data', () => (Array.isArray(data) ? { content: Buffer.from(JSON.stringify(data)), format: 'json' } : decodeDataUrl(data!)));
    if (input.mode === 'sync' && payload.rows.length > BulkLimits.maxSyncRows) {
      throw ApiError.validation([{ code: 'too_big', path: ['mode'], message: `sync takes at most ${BulkLimits.maxSyncRows} rows; use mixed or async` }]);
    }
    // The job takes its place, bytes and lock first (a refused job stores nothing), then gets its payload. Nothing
    // reads a requested job here, so nothing waits for its projection. Cut short by a crash, it expires as any request.
    const expiresAt = new Date(Date.now() + PAYLOAD_STORE_SECONDS * 1000).toISOString();
    await this.commands.execute(RequestBulkJob, { ...spec, expiresAt, uploadBytes: payload.content.length }, { ...target, readModel: [] });
    const upload = await storePayload(this.signed.blobs, payload);
    const deadlineAt = new Date(Date.now() + jobDeadlineSeconds() * 1000).toISOString();
    await this.commands.execute(QueueBulkJob, { upload, deadlineAt }, { ...target, commandId: req.commandId && uuidFrom(`${req.commandId}:queue`) });
    const doc = await waitForMode(this.readStore, caller.tenant, jobId, input.mode);
    return envelope(req, 201, 'Batch created', bulkJobDocument(doc));
  }

  @Get()
  async list(@Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller, @Req() req: Request) {
    const { page, limit } = pageQuery(query, 25);
    const filters = parseInput(ListFiltersSchema, { resource: query.resource, mode: query.mode, via: query.via, status: query.status });
    const filter = { tenant: caller.tenant, ...filters };
    const jobs = this.readStore.collection<BulkJobDoc>('bulk_jobs');
    const reached = await resourcesReached(this.readStore);
    const [docs, total] = await Promise.all([jobs.find(filter, { sort: [['createdAt', 1]], skip: (page - 1) * limit, limit }), jobs.count(filter)]);
    return envelope(
      req,
      200,
      'Batches retrieved',
      docs.map((d) => bulkJobDocument(readableJob(d, reached))),
      pagination(page, limit, total),
    );
  }

  @Get(':id')
  async read(@Param('id') id: string, @Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller, @Req() req: Request) {
    const include = parseInput(IncludeSchema, {
      include_upload_csv: query.include_upload_csv,
      include_upload_json: query.include_upload_json,
      include_errors_csv: query.include_errors_csv,
      include_errors_json: query.include_errors_json,
      include_result_json: query.include_result_json,
      include_result_csv: query.include_result_csv,
      include_unprocessed_csv: query.include_unprocessed_csv,
      include_unprocessed_json: query.include_unprocessed_json,
    });
    const doc = await findJob(this.readStore, caller.tenant, id);
    const origin = publicBase(req, this.infra);
    const url = (ref: { hash: string } | undefined, wanted: boolean | undefined, filename: string) =>
      ref && wanted ? this.signed.urlFor(origin, ref.hash, { expiresInSeconds: SIGNED_URL_SECONDS, filename }) : null;
    const savedUpload = doc.saveUpload ? doc.upload : undefined;
    const urls: BulkJobUrls = {
      ...NO_URLS,
      _upload_url: this.uploadUrl(req, doc),
      _upload_csv_url: url(savedUpload?.format === 'csv' ? savedUpload : undefined, include.include_upload_csv, `${id}-upload.csv`),
      _upload_json_url: url(savedUpload?.format === 'json' ? savedUpload : undefined, include.include_upload_json, `${id}-upload.json`),
      _errors_csv_url: url(doc.files.errorsCsv, include.include_errors_csv, `${id}-errors.csv`),
      _errors_json_url: url(doc.files.errorsJson, include.include_errors_json, `${id}-errors.json`),
      _result_json_url: url(doc.files.resultJson, include.include_result_json, `${id}-result.json`),
      _result_csv_url: url(doc.files.resultCsv, include.include_result_csv, `${id}-result.csv`),
      _unprocessed_csv_url: url(doc.files.unprocessedCsv, include.include_unprocessed_csv, `${id}-unprocessed.csv`),
      _unprocessed_json_url: url(doc.files.unprocessedJson, include.include_unprocessed_json, `${id}-unprocessed.json`),
    };
    return envelope(req, 200, 'Batch retrieved', bulkJobDocument(doc, urls));
  }

  /**
   * Batchyard's addition: the job as server-sent events, `progress` each time its object changes (status, phases,
   * stats) and `end` once it reads as ended, each the batch object as `GET /v1/batches/:id` has it (without file URLs:
   * ask that route for them). The console watches jobs with it. Another tenant's or an unknown job is 404 before the stream.
   */
  @Get(':id/progress')
  async progress(@Param('id') id: string, @CurrentCaller() caller: Caller, @Req() req: Request, @Res() res: Response): Promise<void> {
    await findJob(this.readStore, caller.tenant, id);
    await this.events.stream(req, res, async () => {
      const doc = await findJob(this.readStore, caller.tenant, id);
      return { data: bulkJobDocument(doc), ended: isEnded(doc) };
    });
  }

  /**
   * Batchyard's addition to the PackageX API: cancels a requested, queued or processing job. 202 with the job as it
   * stands; the bulk processor then ends it `failed`, with `reason` "Cancelled by <key name>…", at its next step
   * (between chunks), keeping what it wrote and counting the rest as `unprocessed`. An ended job is 409. As for an
   * EVRYTHNG task's cancel, the answer does not wait for the read model, which may be busy with this job's own chunks.
   */
  @Post(':id/cancel')
  @HttpCode(202)
  async cancel(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    const input = parseInput(CancelBatchSchema, body ?? {});
    await findJob(this.readStore, caller.tenant, id);
    const reason = `Cancelled by ${caller.name}${input.reason ? `: ${input.reason}` : ''}`;
    await this.commands.execute(CancelBulkJob, { reason }, { caller, aggregateId: id, commandId: req.commandId, readModel: [] });
    return envelope(req, 202, 'Batch cancelling', bulkJobDocument(await findJob(this.readStore, caller.tenant, id)));
  }

  /** A requested job's signed upload URL, valid until the job expires; null for every other job. */
  private uploadUrl(req: Request, doc: BulkJobDoc): string | null {
    const seconds = (doc.expiresAt ?? 0) - Math.floor(Date.now() / 1000);
    if (doc.status !== 'requested' || seconds <= 0) return null;
    return signUrl(publicBase(req, this.infra), uploadPath(doc.tenant, doc.jobId), { secret: this.signed.secret, expiresInSeconds: seconds });
  }

  /** Rules across fields: which actions a resource allows, and `properties` as the resource's fields. */
  private checkRules(input: CreateBatch): void {
    if (MERGE_ONLY.has(input.resource) && input.action !== 'merge') {
      throw ApiError.validation([{ code: 'invalid_value', path: ['action'], message: `${input.resource} batches allow merge only` }]);
    }
    const properties = ResourceUpdateSchemas[input.resource].safeParse(input.properties);
    if (!properties.success) throw ApiError.validation(toIssues(properties.error).map((i) => ({ ...i, path: ['properties', ...i.path] })));
  }
}

async function readBlob(blobs: BlobStore, hash: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(hash)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A CSV upload's header and its records at these lines, in line order. Every cell is quoted as it was read, without
 * the error file's formula guard: this payload is read by the same parser as the first, never by a spreadsheet.
 */
function retryCsv(content: Buffer, lines: ReadonlySet<number>): Buffer {
  const { header, records } = csvRecordsAt(content, lines);
  const row = (cells: readonly string[]) => `${cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')}\n`;
  const kept = [...records.keys()].sort((a, b) => a - b).map((line) => row(records.get(line)!));
  return Buffer.from([row(header), ...kept].join(''));
}

/** A JSON upload's items at these lines (1-based), in order. */
function retryJson(content: Buffer, lines: ReadonlySet<number>): Buffer {
  const items = readAllRows(content, 'json', BulkLimits.maxRows).filter((r) => lines.has(r.line));
  return Buffer.from(JSON.stringify(items.map((r) => r.value)));
}
