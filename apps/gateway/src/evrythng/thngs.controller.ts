import { Body, Controller, Delete, Get, Inject, Param, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DeleteUnit, EVRYTHNG_ID_PATTERN, UpdateUnit } from '@batchyard/contracts';
import { BatchesProjection, ItemsProjection, batchDocId, isGeneratedThng, type BatchDoc, type GeneratedThngDoc, type ItemDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { requireJsonBody } from '../http/json-body';
import { parseInput } from '../http/zod-issues';
import type { IdempotentRequest } from '../idempotency/idempotency.interceptor';
import { publicBase } from '../http/public-base';
import { COMMAND_GATEWAY, INFRASTRUCTURE, READ_STORE } from '../tokens';
import { keysetPage } from './listing';
import { THNG_FIELDS, UnitThngUpdateSchema, thngDocument } from './thng-document';

/**
 * EVRYTHNG `/thngs`: Thngs are made by tasks and by TofuPilot units. Newest first, like EVRYTHNG. A unit's Thng is
 * updated and deleted as its unit (the same commands as TofuPilot's PATCH and DELETE); a Thng a task generated
 * cannot be changed yet (409).
 */
@Controller('thngs')
export class EvrythngThngsController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
  ) {}

  private get items() {
    return this.readStore.collection<ItemDoc | GeneratedThngDoc>('items');
  }

  @Get()
  async list(@Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const base = publicBase(this.infra, req);
    const page = await keysetPage(this.items, { tenant: caller.tenant, query, fields: THNG_FIELDS, base, resourcePath: '/thngs' }, (n, v) => res.setHeader(n, v));
    return page.map(thngDocument);
  }

  @Get(':thngId')
  async read(@Param('thngId') thngId: string, @CurrentCaller() caller: Caller) {
    return thngDocument(await this.find(caller, thngId));
  }

  /** The unit's serial number, part, revision and batch, from the Thng's fields (see UnitThngUpdateSchema). */
  @Put(':thngId')
  async update(@Param('thngId') thngId: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    requireJsonBody(req);
    const input = parseInput(UnitThngUpdateSchema, body ?? {});
    const unit = this.unitOf(await this.find(caller, thngId));
    const serial = input.identifiers?.serial_number;
    if (input.name !== undefined && serial !== undefined && input.name !== serial) {
      throw new ApiError('BAD_REQUEST', 'name and identifiers.serial_number are both the unit’s serial number: they must agree');
    }
    const serialNumber = input.name ?? serial;
    const changes = {
      ...(serialNumber !== undefined && serialNumber !== unit.serialNumber && { serialNumber }),
      ...(input.identifiers?.part_number !== undefined && input.identifiers.part_number !== unit.partNumber && { partNumber: input.identifiers.part_number }),
      ...(input.identifiers?.revision_number !== undefined && input.identifiers.revision_number !== unit.revisionNumber && { revisionNumber: input.identifiers.revision_number }),
    };
    if (input.batch) {
      const batch = await this.readStore.collection<BatchDoc>('batches').get(batchDocId(caller.tenant, input.batch));
      if (!batch) throw new ApiError('NOT_FOUND', `Batch ${input.batch} not found`);
    }
    const batchId = input.batch === undefined || input.batch === unit.batchId ? undefined : input.batch;
    if (Object.keys(changes).length || batchId !== undefined) {
      // A move between batches also changes their unit counts; a serial clash is 409 (the batch service claims it).
      const readModel = batchId === undefined ? ItemsProjection : [ItemsProjection, BatchesProjection];
      await this.commands.execute(UpdateUnit, { unitId: unit.unitId, changes, batchId }, { caller, aggregateId: unit.unitId, commandId: req.commandId, readModel });
    }
    return thngDocument(await this.find(caller, thngId));
  }

  /** Deletes the unit whose Thng it is: it leaves TofuPilot too, and its serial number is free again. */
  @Delete(':thngId')
  async remove(@Param('thngId') thngId: string, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest): Promise<void> {
    const unit = this.unitOf(await this.find(caller, thngId));
    await this.commands.execute(
      DeleteUnit,
      { unitId: unit.unitId },
      { caller, aggregateId: unit.unitId, commandId: req.commandId, readModel: [ItemsProjection, BatchesProjection] },
    );
  }

  private async find(caller: Caller, thngId: string): Promise<ItemDoc | GeneratedThngDoc> {
    const [item] = EVRYTHNG_ID_PATTERN.test(thngId) ? await this.items.find({ tenant: caller.tenant, thngId }, { limit: 1 }) : [];
    if (!item) throw new ApiError('NOT_FOUND', `Thng ${thngId} not found`);
    return item;
  }

  private unitOf(item: ItemDoc | GeneratedThngDoc): ItemDoc {
    if (isGeneratedThng(item)) throw new ApiError('CONFLICT', `Thng ${item.thngId} was generated by task ${item.createdByTask}: Batchyard does not change generated Thngs yet`);
    return item;
  }
}
