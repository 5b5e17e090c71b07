import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CreateBatch, DeleteBatch, EVRYTHNG_ID_PATTERN, UpdateBatch, evrythngIdFrom, newEvrythngId, uuidFrom } from '@batchyard/contracts';
import { BatchesProjection, batchDocId, type BatchDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { randomUUID } from 'node:crypto';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { parseInput } from '../http/zod-issues';
import type { IdempotentRequest } from '../idempotency/idempotency.interceptor';
import { COMMAND_GATEWAY, INFRASTRUCTURE, READ_STORE } from '../tokens';
import { BatchCreateSchema, BatchUpdateSchema, batchDocument } from './batch-document';
import { IDENTIFIER_KEY_RULE, filterFields, identifierFilter, keysetPage, type ListingFields } from './listing';
import { productCounts } from './product-counts';
import { withScopes } from './scopes-query';
import { requireJsonBody } from '../http/json-body';
import { publicBase } from '../http/public-base';

/** EVRYTHNG `/batches` (Seed A.2, A.3, A.9, A.10). */
@Controller('batches')
export class EvrythngBatchesController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest, @Res({ passthrough: true }) res: Response) {
    const scopes = withScopes(query);
    requireJsonBody(req);
    const fields = parseInput(BatchCreateSchema, body ?? {});
    // Under an Idempotency-Key the ids derive from the command id, so a retried command is the same batch.
    const batchId = req.commandId ? evrythngIdFrom(req.commandId) : newEvrythngId();
    const uuid = req.commandId ? uuidFrom(`batch:${req.commandId}`) : randomUUID();
    // The batch service claims `identifiers.number` (unique per tenant) as it creates the batch: a clash is 409.
    await this.commands.execute(
      CreateBatch,
      { ...fields, batchId, uuid },
      {
        caller,
        aggregateId: batchId,
        commandId: req.commandId,
        readModel: BatchesProjection,
      },
    );
    res.location(`/batches/${batchId}`);
    return this.document(caller, await this.find(caller, batchId), scopes);
  }

  @Get()
  async list(@Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const scopes = withScopes(query);
    const base = publicBase(this.infra, req);
    const page = await keysetPage(this.readStore.collection<BatchDoc>('batches'), { tenant: caller.tenant, query, fields: BATCH_FIELDS, base, resourcePath: '/batches' }, (n, v) =>
      res.setHeader(n, v),
    );
    const counts = await productCounts(
      this.readStore,
      caller.tenant,
      page.map((doc) => doc.batchId),
    );
    return page.map((doc) => batchDocument(doc, counts.get(doc.batchId)!, scopes));
  }

  @Get(':batchId')
  async read(@Param('batchId') batchId: string, @Query() query: unknown, @CurrentCaller() caller: Caller) {
    const scopes = withScopes(query);
    return this.document(caller, await this.find(caller, batchId), scopes);
  }

  @Put(':batchId')
  async update(@Param('batchId') batchId: string, @Body() body: unknown, @Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: Request) {
    const scopes = withScopes(query);
    requireJsonBody(req);
    // Another tenant's or a missing batch: 404 before the body is read.
    await this.find(caller, batchId);
    const changes = parseInput(BatchUpdateSchema, body ?? {});
    // A TofuPilot number given, changed or removed through identifiers: the batch service claims and releases it.
    await this.commands.execute(UpdateBatch, { batchId, changes }, { caller, aggregateId: batchId, readModel: BatchesProjection });
    return this.document(caller, await this.find(caller, batchId), scopes);
  }

  /** Deletes the batch only: its tasks and Thngs stay, as EVRYTHNG documents. */
  @Delete(':batchId')
  async remove(@Param('batchId') batchId: string, @Query() query: unknown, @CurrentCaller() caller: Caller): Promise<void> {
    withScopes(query);
    await this.find(caller, batchId);
    await this.commands.execute(DeleteBatch, { batchId }, { caller, aggregateId: batchId, readModel: BatchesProjection });
  }

  private async document(caller: Caller, doc: BatchDoc, scopes: boolean) {
    return batchDocument(doc, (await productCounts(this.readStore, caller.tenant, [doc.batchId])).get(doc.batchId)!, scopes);
  }

  private async find(caller: Caller, batchId: string): Promise<BatchDoc> {
    const doc = EVRYTHNG_ID_PATTERN.test(batchId) ? await this.readStore.collection<BatchDoc>('batches').get(batchDocId(caller.tenant, batchId)) : undefined;
    if (!doc) throw new ApiError('NOT_FOUND', `Batch ${batchId} not found`);
    return doc;
  }
}

/** Filterable fields of a batch (EVT-OAS x-filterable-fields). */
const BATCH_FIELDS: ListingFields = {
  equals: filterFields({ name: { path: 'name' }, tags: { path: 'tags', contains: true } }, identifierFilter),
  idPath: 'batchId',
  names: `name, tags, ${IDENTIFIER_KEY_RULE}`,
};
