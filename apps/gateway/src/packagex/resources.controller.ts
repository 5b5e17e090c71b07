import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { CreateResource, DeleteResource, UpdateResource, evrythngIdFrom, newEvrythngId, type ResourceType } from '@batchyard/contracts';
import { ResourceCreateSchemas, ResourceUpdateSchemas, isResourceId, resourceId } from '@batchyard/bulk-jobs';
import { ResourcesProjection, resourceDocId, type ResourceDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import type { Request } from 'express';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { parseInput } from '../http/zod-issues';
import type { IdempotentRequest } from '../idempotency/idempotency.interceptor';
import { COMMAND_GATEWAY, READ_STORE } from '../tokens';
import { envelope, pageQuery, pagination } from './envelope';
import { ResourcePaths, resourceDocument } from './resource-document';

const typeOf = (req: Request): ResourceType => ResourcePaths[req.path.split('/')[2]];

/**
 * PackageX `/v1/contacts`, `/v1/groups`, `/v1/shipments`, `/v1/trackers`, `/v1/assets`: POST to the plural URL
 * creates, POST to the singular URL updates (PX-RR), DELETE deletes, GET lists newest first with page/limit.
 */
@Controller(Object.keys(ResourcePaths).map((plural) => `v1/${plural}`))
export class PackagexResourcesController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    const resource = typeOf(req);
    const fields = parseInput(ResourceCreateSchemas[resource], body ?? {});
    const id = resourceId(resource, req.commandId ? evrythngIdFrom(`${resource}:${req.commandId}`) : newEvrythngId());
    await this.commands.execute(CreateResource, { resource, id, fields }, { caller, aggregateId: id, commandId: req.commandId, readModel: ResourcesProjection });
    return envelope(req, 201, `${resource} created`, resourceDocument(await this.find(caller, resource, id)));
  }

  @Get()
  async list(@Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller, @Req() req: Request) {
    const resource = typeOf(req);
    const { page, limit } = pageQuery(query, 25);
    const filter = { tenant: caller.tenant, resource };
    const collection = this.readStore.collection<ResourceDoc>('resources');
    const [docs, total] = await Promise.all([collection.find(filter, { sort: [['createdAt', -1]], skip: (page - 1) * limit, limit }), collection.count(filter)]);
    return envelope(req, 200, `${resource}s retrieved`, docs.map(resourceDocument), pagination(page, limit, total));
  }

  @Get(':id')
  async read(@Param('id') id: string, @CurrentCaller() caller: Caller, @Req() req: Request) {
    const resource = typeOf(req);
    return envelope(req, 200, `${resource} retrieved`, resourceDocument(await this.find(caller, resource, id)));
  }

  @Post(':id')
  @HttpCode(200)
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    const resource = typeOf(req);
    await this.find(caller, resource, id);
    const fields = parseInput(ResourceUpdateSchemas[resource], body ?? {});
    await this.commands.execute(UpdateResource, { resource, id, fields }, { caller, aggregateId: id, commandId: req.commandId, readModel: ResourcesProjection });
    return envelope(req, 200, `${resource} updated`, resourceDocument(await this.find(caller, resource, id)));
  }

  @Delete(':id')
  async remove(@Param('id') id: string, @CurrentCaller() caller: Caller, @Req() req: Request) {
    const resource = typeOf(req);
    const doc = await this.find(caller, resource, id);
    await this.commands.execute(DeleteResource, { resource, id }, { caller, aggregateId: id, readModel: ResourcesProjection });
    return envelope(req, 200, `${resource} deleted`, resourceDocument(doc));
  }

  private async find(caller: Caller, resource: ResourceType, id: string): Promise<ResourceDoc> {
    const doc = isResourceId(resource, id) ? await this.readStore.collection<ResourceDoc>('resources').get(resourceDocId(caller.tenant, id)) : undefined;
    if (!doc || doc.resource !== resource) throw new ApiError('NOT_FOUND', `${resource} ${id} not found`);
    return doc;
  }
}
