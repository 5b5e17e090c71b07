import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { CreateFile, DeleteFile, EVRYTHNG_ID_PATTERN, RecordFileUpload, evrythngIdFrom, maxFileBytes, newEvrythngId } from '@batchyard/contracts';
import { BlobTooLargeError, sizeLimited } from '@batchyard/blob-store';
import { verifySignedUrl } from '@batchyard/http';
import { FilesProjection, fileDocId, type FileDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { CurrentCaller, Public } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { SIGNED_UPLOADER, type SignedBlobs } from '../blobs/signed-blobs';
import { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { requireJsonBody } from '../http/json-body';
import { publicBase } from '../http/public-base';
import { parseInput } from '../http/zod-issues';
import type { IdempotentRequest } from '../idempotency/idempotency.interceptor';
import { COMMAND_GATEWAY, INFRASTRUCTURE, READ_STORE, SIGNED_BLOBS } from '../tokens';
import { FILE_FIELDS, FileCreateSchema, fileDocument } from './file-document';
import { keysetPage } from './listing';

/** The upload route reads its body itself, streamed, whatever its type: the JSON parser must leave it alone. */
export const isFileUpload = (path: string) => /^\/files\/[^/]+\/upload$/.test(path);

/**
 * EVRYTHNG `/files`: a file record, then its bytes PUT to the record's signed `uploadUrl` (with the record's `type`
 * as Content-Type) into the blob store, then downloadable at its signed `contentUrl`.
 */
@Controller('files')
export class EvrythngFilesController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(SIGNED_BLOBS) private readonly signed: SignedBlobs,
  ) {}

  private get files() {
    return this.readStore.collection<FileDoc>('files');
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest, @Res({ passthrough: true }) res: Response) {
    requireJsonBody(req);
    const fields = parseInput(FileCreateSchema, body ?? {});
    const fileId = req.commandId ? evrythngIdFrom(`file:${req.commandId}`) : newEvrythngId();
    await this.commands.execute(CreateFile, { ...fields, fileId }, { caller, aggregateId: fileId, commandId: req.commandId, readModel: FilesProjection });
    res.location(`/files/${fileId}`);
    return this.document(await this.find(caller.tenant, fileId), req);
  }

  @Get()
  async list(@Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await keysetPage(this.files, { tenant: caller.tenant, query, fields: FILE_FIELDS, base: publicBase(this.infra, req), resourcePath: '/files' }, (n, v) =>
      res.setHeader(n, v),
    );
    return page.map((doc) => this.document(doc, req));
  }

  @Get(':fileId')
  async read(@Param('fileId') fileId: string, @CurrentCaller() caller: Caller, @Req() req: Request) {
    return this.document(await this.find(caller.tenant, fileId), req);
  }

  /**
   * Deletes the record; its bytes stay in the blob store, where other files or running tasks may use them, but no
   * longer count to the tenant's stored bytes (the write side gives them back with the delete).
   */
  @Delete(':fileId')
  async remove(@Param('fileId') fileId: string, @CurrentCaller() caller: Caller): Promise<void> {
    await this.find(caller.tenant, fileId);
    await this.commands.execute(DeleteFile, { fileId }, { caller, aggregateId: fileId, readModel: FilesProjection });
  }

  /** `PUT <uploadUrl>`: the signature is the credential. Each upload replaces the file's bytes. */
  @Put(':fileId/upload')
  @Public()
  async upload(@Param('fileId') fileId: string, @Query('tenant') tenant: unknown, @Req() req: Request) {
    const file = await this.signedFile(req, fileId, tenant);
    const mediaType = req.header('content-type')?.split(';')[0].trim().toLowerCase();
    if (mediaType !== file.type.toLowerCase()) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${file.type}, the file's type`);
    const limit = maxFileBytes();
    const tooLarge = new ApiError('PAYLOAD_TOO_LARGE', `A file takes at most ${limit} bytes`);
    if (Number(req.header('content-length') ?? 0) > limit) throw tooLarge;
    const stored = await this.signed.blobs.put(sizeLimited(req, limit), { contentType: file.type }).catch((error: unknown) => {
      throw error instanceof BlobTooLargeError ? tooLarge : error;
    });
    const caller = { tenant: file.tenant, ...SIGNED_UPLOADER };
    // The file's share of its tenant's stored bytes is its latest content (an upload anew replaces it), or 413.
    await this.commands.execute(RecordFileUpload, { fileId, hash: stored.hash, size: stored.size }, { caller, aggregateId: fileId, readModel: FilesProjection });
    return this.document(await this.find(file.tenant, fileId), req);
  }

  /** `GET <contentUrl>`: the file's bytes, under its name, to whoever holds the signed URL. */
  @Get(':fileId/content')
  @Public()
  async content(@Param('fileId') fileId: string, @Query('tenant') tenant: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const file = await this.signedFile(req, fileId, tenant);
    if (!file.content) throw new ApiError('NOT_FOUND', `File ${fileId} has not been uploaded`);
    res.status(200).type(file.type).setHeader('content-length', String(file.content.size));
    res.attachment(file.name);
    await pipeline(await this.signed.blobs.get(file.content.hash), res);
  }

  private document(doc: FileDoc, req: Request) {
    return fileDocument(doc, { base: publicBase(this.infra, req), secret: this.signed.secret });
  }

  private async signedFile(req: Request, fileId: string, tenant: unknown): Promise<FileDoc> {
    const check = verifySignedUrl(req.originalUrl, this.signed.secret);
    if (!check.ok || typeof tenant !== 'string') throw new ApiError('FORBIDDEN', `URL ${!check.ok && check.reason === 'expired' ? 'has expired' : 'is not valid'}`);
    return this.find(tenant, fileId);
  }

  private async find(tenant: string, fileId: string): Promise<FileDoc> {
    const doc = EVRYTHNG_ID_PATTERN.test(fileId) ? await this.files.get(fileDocId(tenant, fileId)) : undefined;
    if (!doc) throw new ApiError('NOT_FOUND', `File ${fileId} not found`);
    return doc;
  }
}
