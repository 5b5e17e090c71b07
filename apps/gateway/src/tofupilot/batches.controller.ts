import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { CreateBatch, DeleteBatch, UpdateBatch, evrythngIdFrom, newEvrythngId, uuidFrom } from '@batchyard/contracts';
import { BatchesProjection, ItemsProjection } from '@batchyard/read-models';
import type { Filter } from '@batchyard/read-store';
import { randomUUID } from 'node:crypto';
import { AllowRoles, CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { CommandGateway } from '../commands/command-gateway';
import { requireJsonBody } from '../http/json-body';
import { parseInput } from '../http/zod-issues';
import type { IdempotentRequest } from '../idempotency/idempotency.interceptor';
import { COMMAND_GATEWAY } from '../tokens';
import { offsetPage } from './offset-page';
import { TofuLookups } from './tofupilot-lookups';
import { BatchCreateBody, BatchListQuery, BatchUpdateBody } from './tofupilot-schemas';
import { batchListItem, batchNumber, batchWithUnits } from './tofupilot-views';

/** TofuPilot `/v2/batches` (Seed C.2–C.5), where the client calls it (`/api/v2`) and at `/v2`. */
@Controller(['api/v2/batches', 'v2/batches'])
@AllowRoles('operator', 'user', 'station')
export class TofuPilotBatchesController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(TofuLookups) private readonly lookups: TofuLookups,
  ) {}

  @Get()
  async list(@Query() query: unknown, @CurrentCaller() caller: Caller) {
    const q = parseInput(BatchListQuery, query ?? {});
    const filter = await this.listFilter(caller.tenant, q);
    const sortField = q.sort_by === 'number' ? 'numberKey' : 'createdAt';
    const rows = await this.lookups.batches.find(filter, {
      sort: [[sortField, q.sort_order === 'asc' ? 1 : -1]],
      skip: q.cursor,
      limit: q.limit + 1,
    });
    return offsetPage(rows, q, batchListItem);
  }

  @Post()
  @HttpCode(200) // the client accepts exactly 200
  async create(@Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    requireJsonBody(req);
    const { number } = parseInput(BatchCreateBody, body ?? {});
    const batchId = req.commandId ? evrythngIdFrom(req.commandId) : newEvrythngId();
    const uuid = req.commandId ? uuidFrom(`batch:${req.commandId}`) : randomUUID();
    await this.commands.execute(
      CreateBatch,
      { name: number, identifiers: { number }, batchId, uuid },
      {
        caller,
        aggregateId: batchId,
        commandId: req.commandId,
        readModel: BatchesProjection,
      },
    );
    return { id: uuid };
  }

  @Get(':number')
  async read(@Param('number') number: string, @CurrentCaller() caller: Caller) {
    const batch = await this.lookups.batchByNumber(caller.tenant, number);
    const units = await this.lookups.items.find({ tenant: caller.tenant, batchId: batch.batchId }, { sort: [['createdAt', 1]] });
    return batchWithUnits(batch, units);
  }

  /** Renames: the batch service claims the new number (409 on a clash) and releases the old one. */
  @Patch(':number')
  @AllowRoles('operator', 'user')
  async rename(@Param('number') number: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    requireJsonBody(req);
    const { new_number } = parseInput(BatchUpdateBody, body ?? {});
    const batch = await this.lookups.batchByNumber(caller.tenant, number);
    const old = batchNumber(batch);
    // A batch named after its number (as TofuPilot creates them) keeps being named after it.
    const changes = { identifiers: { ...batch.identifiers, number: new_number }, ...(batch.name === old && { name: new_number }) };
    await this.commands.execute(UpdateBatch, { batchId: batch.batchId, changes }, { caller, aggregateId: batch.batchId, readModel: BatchesProjection });
    return { id: batch.uuid };
  }

  /** Deletes the batch and unlinks its units (on the EVRYTHNG side too: their Thngs lose `batch`); the units stay. */
  @Delete(':number')
  @AllowRoles('operator', 'user')
  async remove(@Param('number') number: string, @CurrentCaller() caller: Caller) {
    const batch = await this.lookups.batchByNumber(caller.tenant, number);
    const unlinkedUnits = (await this.lookups.items.find({ tenant: caller.tenant, batchId: batch.batchId })).map((u) => u.unitId);
    // Read next: the batch (gone) and its units (unlinked).
    await this.commands.execute(DeleteBatch, { batchId: batch.batchId, unlinkedUnits }, { caller, aggregateId: batch.batchId, readModel: [BatchesProjection, ItemsProjection] });
    return { id: [batch.uuid] };
  }

  /** Filters AND across parameters, OR within one; unit filters select the batches holding such units. */
  private async listFilter(tenant: string, q: BatchListQuery): Promise<Filter> {
    const and: Filter[] = [{ tenant, numberKey: { $exists: true } }];
    if (q.ids) and.push({ uuid: { $in: q.ids } });
    if (q.numbers) and.push({ numberKey: { $in: q.numbers.map((n) => n.toLowerCase()) } });
    if (q.created_after !== undefined || q.created_before !== undefined) {
      and.push({ createdAt: { ...(q.created_after !== undefined && { $gte: q.created_after }), ...(q.created_before !== undefined && { $lte: q.created_before }) } });
    }
    if (q.part_numbers) and.push({ batchId: { $in: await this.batchIdsOfUnits({ tenant, partNumber: { $in: q.part_numbers } }) } });
    if (q.revision_numbers) and.push({ batchId: { $in: await this.batchIdsOfUnits({ tenant, revisionNumber: { $in: q.revision_numbers } }) } });
    if (q.search_query) {
      const bySerial = await this.batchIdsOfUnits({ tenant, serialKey: { $contains: q.search_query } });
      and.push({ $or: [{ numberKey: { $contains: q.search_query } }, { batchId: { $in: bySerial } }] });
    }
    return { $and: and };
  }

  private async batchIdsOfUnits(filter: Filter): Promise<string[]> {
    const units = await this.lookups.items.find({ ...filter, batchId: { $ne: null } });
    return [...new Set(units.map((u) => u.batchId as string))];
  }
}
