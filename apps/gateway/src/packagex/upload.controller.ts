import { Controller, HttpCode, Inject, Param, Put, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { QueueBulkJob, ReserveBulkJobPayload } from '@batchyard/contracts';
import { BulkLimits, formatOf, jobDeadlineSeconds } from '@batchyard/bulk-jobs';
import { verifySignedUrl } from '@batchyard/http';
import { BulkJobsProjection } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { Public } from '../auth/auth.decorators';
import { SIGNED_UPLOADER, type SignedBlobs } from '../blobs/signed-blobs';
import { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { COMMAND_GATEWAY, READ_STORE, SIGNED_BLOBS } from '../tokens';
import { bulkJobDocument } from './bulk-job-document';
import { findJob, waitForMode } from './bulk-job-reads';
import { envelope } from './envelope';
import { checkedPayload, storePayload } from './payload-input';

/** The path a requested job's `_upload_url` signs: the tenant rides in the signed query, as no key is sent. */
export const uploadPath = (tenant: string, jobId: string) => `/v1/batches/${jobId}/upload?tenant=${encodeURIComponent(tenant)}`;

/**
 * `PUT <_upload_url>` with the file (CSV or JSON) as the body: queues a requested job, once. The signature is
 * the credential, so the route is public; the job then runs as its mode says (mixed waits for validation).
 */
@Controller('v1/batches')
export class PackagexUploadController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(SIGNED_BLOBS) private readonly signed: SignedBlobs,
  ) {}

  @Put(':id/upload')
  @Public()
  @HttpCode(200)
  async upload(@Param('id') id: string, @Query('tenant') tenant: unknown, @Req() req: Request) {
    const check = verifySignedUrl(req.originalUrl, this.signed.secret);
    if (!check.ok || typeof tenant !== 'string') throw new ApiError('FORBIDDEN', `Upload URL ${check.ok || check.reason !== 'expired' ? 'is not valid' : 'has expired'}`);
    const job = await findJob(this.readStore, tenant, id);
    if (job.status !== 'requested') throw new ApiError('CONFLICT', `Batch ${id} is ${job.status}: its upload URL takes one file`);
    const body = await uploadedBytes(req);
    const payload = checkedPayload('file', () => {
      const format = formatOf(req.header('content-type')?.split(';')[0].trim(), body);
      if (!format) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Upload CSV (text/csv) or JSON (application/json)');
      return { content: body, format };
    });
    const deadlineAt = new Date(Date.now() + jobDeadlineSeconds() * 1000).toISOString();
    const caller = { tenant, ...SIGNED_UPLOADER };
    const target = { caller, aggregateId: id, readModel: BulkJobsProjection };
    // The job takes its place and the upload's bytes before they are stored: a 429 leaves it requested, and the URL
    // may be used again. Nothing reads the reservation, so nothing waits for a projection.
    await this.commands.execute(ReserveBulkJobPayload, { bytes: payload.content.length }, { ...target, readModel: [] });
    const upload = await storePayload(this.signed.blobs, payload);
    await this.commands.execute(QueueBulkJob, { upload, deadlineAt }, target);
    return envelope(req, 200, 'File uploaded', bulkJobDocument(await waitForMode(this.readStore, tenant, id, job.mode)));
  }
}

/** The request body as bytes: a JSON body was parsed already (and is re-serialised); any other type is read here. */
async function uploadedBytes(req: Request): Promise<Buffer> {
  if (req.body !== undefined) return Buffer.from(JSON.stringify(req.body));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BulkLimits.maxUploadBytes) throw new ApiError('PAYLOAD_TOO_LARGE', `An upload takes at most ${BulkLimits.maxUploadBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
