import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CreateBatch, EVRYTHNG_ID_PATTERN, evrythngIdFrom, newEvrythngId, uuidFrom } from '@batchyard/contracts';
import { BatchesProjection, batchDocId, type BatchDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { randomUUID } from 'node:crypto';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { parseInput } from '../http/zod-issues';
import type { IdempotentRequest } from '../idempotency/idempotency.interceptor';
import { COMMAND_GATEWAY, READ_STORE } from '../tokens';
import { BatchCreateSchema, batchDocument } from './batch-document';

/** EVRYTHNG `/batches` (Seed A.2, A.3). */
@Controller('batches')
export class EvrythngBatchesController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @Req() req: IdempotentRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const fields = parseInput(BatchCreateSchema, body ?? {});
    // Under an Idempotency-Key the ids derive from the command id, so a retried command is the same batch.
    const batchId = req.commandId ? evrythngIdFrom(req.commandId) : newEvrythngId();
    const uuid = req.commandId ? uuidFrom(`batch:${req.commandId}`) : randomUUID();
    await this.commands.execute(CreateBatch, { ...fields, batchId, uuid }, {
      caller,
      aggregateId: batchId,
      commandId: req.commandId,
      readModel: BatchesProjection,
    });
    res.location(`/batches/${batchId}`);
    return batchDocument(await this.find(caller, batchId));
  }

  @Get(':batchId')
  async read(@Param('batchId') batchId: string, @CurrentCaller() caller: Caller) {
    return batchDocument(await this.find(caller, batchId));
  }

  private async find(caller: Caller, batchId: string): Promise<BatchDoc> {
    const doc = EVRYTHNG_ID_PATTERN.test(batchId)
      ? await this.readStore.collection<BatchDoc>('batches').get(batchDocId(caller.tenant, batchId))
      : undefined;
    if (!doc) throw new ApiError('NOT_FOUND', `Batch ${batchId} not found`);
    return doc;
  }
}
