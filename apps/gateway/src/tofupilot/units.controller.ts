import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { CreateUnit, DeleteUnit, UpdateUnit, evrythngIdFrom, uuidFrom } from '@batchyard/contracts';
import { BatchesProjection, ItemsProjection, type ItemDoc } from '@batchyard/read-models';
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
import { UnitCreateBody, UnitDeleteQuery, UnitListQuery, UnitUpdateBody } from './tofupilot-schemas';
import { unitView } from './tofupilot-views';

const SORT_FIELDS = { serial_number: 'serialKey', part_number: 'partNumber' } as Record<string, string>;

/** TofuPilot `/v2/units` (Seed C.6): units are the Thngs of the one domain that carry a serial number. */
@Controller(['api/v2/units', 'v2/units'])
@AllowRoles('operator', 'user', 'station')
export class TofuPilotUnitsController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(TofuLookups) private readonly lookups: TofuLookups,
  ) {}

  /** Parts and revisions need no creating: a unit names them by number (see docs/production-batches.md). */
  @Post()
  @HttpCode(200) // the client accepts exactly 200
  async create(@Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    requireJsonBody(req);
    const input = parseInput(UnitCreateBody, body ?? {});
    const unitId = req.commandId ? uuidFrom(`unit:${req.commandId}`) : randomUUID();
    const data = { unitId, thngId: evrythngIdFrom(unitId), serialNumber: input.serial_number, partNumber: input.part_number, revisionNumber: input.revision_number };
    await this.commands.execute(CreateUnit, data, { caller, aggregateId: unitId, commandId: req.commandId, readModel: ItemsProjection });
    return { id: unitId };
  }

  @Get()
  async list(@Query() query: unknown, @CurrentCaller() caller: Caller) {
    const q = parseInput(UnitListQuery, query ?? {});
    const runFilter = q.procedure_ids || q.outcomes || q.started_after !== undefined || q.started_before !== undefined || (q.run_count_min ?? 0) > 0;
    const rows = runFilter
      ? []
      : await this.lookups.items.find(await this.listFilter(caller.tenant, q), {
          sort: [[SORT_FIELDS[q.sort_by] ?? 'createdAt', q.sort_order === 'asc' ? 1 : -1]],
          skip: q.cursor,
          limit: q.limit + 1,
        });
    const batches = await this.lookups.batchesOf(caller.tenant, rows);
    return offsetPage(rows, q, (u) => unitView(u, u.batchId ? batches.get(u.batchId) : undefined));
  }

  @Get(':serial')
  async read(@Param('serial') serial: string, @CurrentCaller() caller: Caller) {
    const unit = await this.lookups.unitBySerial(caller.tenant, serial);
    const batches = await this.lookups.batchesOf(caller.tenant, [unit]);
    return unitView(unit, unit.batchId ? batches.get(unit.batchId) : undefined);
  }

  /** `batch_number: null` unlinks; the batch service claims a new serial number (409 on a clash) and releases the old one. */
  @Patch(':serial')
  async update(@Param('serial') serial: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    requireJsonBody(req);
    const input = parseInput(UnitUpdateBody, body ?? {});
    const unit = await this.lookups.unitBySerial(caller.tenant, serial);
    const batchId =
      input.batch_number === undefined ? undefined : input.batch_number === null ? null : (await this.lookups.batchByNumber(caller.tenant, input.batch_number)).batchId;
    const renamed = input.new_serial_number !== undefined && input.new_serial_number !== unit.serialNumber;
    const changes = {
      ...(renamed && { serialNumber: input.new_serial_number }),
      ...(input.part_number !== undefined && { partNumber: input.part_number }),
      ...(input.revision_number !== undefined && { revisionNumber: input.revision_number }),
    };
    // A move between batches also changes their unit counts.
    const readModel = batchId === undefined ? ItemsProjection : [ItemsProjection, BatchesProjection];
    await this.commands.execute(UpdateUnit, { unitId: unit.unitId, changes, batchId }, { caller, aggregateId: unit.unitId, readModel });
    return { id: unit.unitId };
  }

  /** Every named unit must exist (404 otherwise, nothing deleted). */
  @Delete()
  @AllowRoles('operator', 'user')
  async remove(@Query() query: unknown, @CurrentCaller() caller: Caller) {
    const { serial_numbers } = parseInput(UnitDeleteQuery, query ?? {});
    const units: ItemDoc[] = [];
    for (const serial of serial_numbers) units.push(await this.lookups.unitBySerial(caller.tenant, serial));
    for (const unit of units) {
      await this.commands.execute(DeleteUnit, { unitId: unit.unitId }, { caller, aggregateId: unit.unitId, readModel: [ItemsProjection, BatchesProjection] });
    }
    return { id: units.map((u) => u.unitId) };
  }

  private async listFilter(tenant: string, q: UnitListQuery): Promise<Filter> {
    const and: Filter[] = [{ tenant }];
    if (q.ids) and.push({ unitId: { $in: q.ids } });
    if (q.serial_numbers) and.push({ serialKey: { $in: q.serial_numbers.map((s) => s.toLowerCase()) } });
    if (q.part_numbers) and.push({ partNumber: { $in: q.part_numbers } });
    if (q.revision_numbers) and.push({ revisionNumber: { $in: q.revision_numbers } });
    if (q.search_query) and.push({ serialKey: { $contains: q.search_query } });
    if (q.batch_numbers) {
      const batches = await this.lookups.batches.find({ tenant, numberKey: { $in: q.batch_numbers.map((n) => n.toLowerCase()) } });
      and.push({ batchId: { $in: batches.map((b) => b.batchId) } });
    }
    if (q.created_by_user_ids) and.push({ 'createdBy.keyId': { $in: q.created_by_user_ids }, 'createdBy.role': { $ne: 'station' } });
    if (q.created_by_station_ids) and.push({ 'createdBy.keyId': { $in: q.created_by_station_ids }, 'createdBy.role': 'station' });
    if (q.created_after !== undefined || q.created_before !== undefined) {
      and.push({ createdAt: { ...(q.created_after !== undefined && { $gte: q.created_after }), ...(q.created_before !== undefined && { $lte: q.created_before }) } });
    }
    return { $and: and };
  }
}
