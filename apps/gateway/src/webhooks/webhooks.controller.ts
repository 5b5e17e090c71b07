import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { EventsFeedProjection, type EventsFeedDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { WebhookStore, type WebhookDeliveryDoc, type WebhookEndpointDoc } from '@batchyard/webhooks';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { ApiError } from '../http/api-error';
import { requireJsonBody } from '../http/json-body';
import { parseInput } from '../http/zod-issues';
import { INFRASTRUCTURE, READ_STORE } from '../tokens';
import { WEBHOOK_ID, eventsQuerySchema, webhookCreateSchema, webhookUpdateSchema } from './webhook-input';

/** What the API shows of an endpoint: never its secret, which is answered once (create, rotate). */
const endpointView = ({ _id, url, events, description, enabled, disabledAt, disabledReason, failingSince, createdAt, updatedAt }: WebhookEndpointDoc) => ({
  id: _id,
  url,
  events,
  description,
  enabled,
  status: enabled ? ('enabled' as const) : ('disabled' as const),
  disabledAt,
  disabledReason,
  failingSince: failingSince === undefined ? undefined : new Date(failingSince).toISOString(),
  createdAt,
  updatedAt,
});

const deliveryView = ({ _id, eventId, type, state, attempts, nextAttemptAt, createdAt }: WebhookDeliveryDoc) => ({
  id: _id,
  eventId,
  type,
  state,
  createdAt,
  nextAttemptAt: state === 'pending' && nextAttemptAt > 0 ? new Date(nextAttemptAt).toISOString() : undefined,
  attempts,
});

const DELIVERIES_LIMIT = 100;
/** Each endpoint costs a delivery per event: a bound on what one tenant makes the dispatcher do. */
const MAX_ENDPOINTS = 20;

/** Batchyard's own API: a tenant's webhook endpoints and their deliveries (docs/events.md, Webhooks); operator and user keys. */
@Controller('batchyard/v1/webhooks')
export class WebhooksController {
  private readonly webhooks: WebhookStore;

  constructor(
    @Inject(READ_STORE) readStore: ReadStore,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {
    this.webhooks = new WebhookStore(readStore);
  }

  private get allowPrivate(): boolean {
    return this.infra.config.webhooksAllowPrivate ?? false;
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: Request) {
    requireJsonBody(req);
    const fields = parseInput(webhookCreateSchema(this.allowPrivate), body ?? {});
    if ((await this.webhooks.count(caller.tenant)) >= MAX_ENDPOINTS) throw new ApiError('CONFLICT', `A tenant has at most ${MAX_ENDPOINTS} webhook endpoints`);
    const endpoint = await this.webhooks.create(caller.tenant, fields);
    return { ...endpointView(endpoint), secret: endpoint.secret };
  }

  @Get()
  async list(@CurrentCaller() caller: Caller) {
    return (await this.webhooks.list(caller.tenant)).map(endpointView);
  }

  @Get(':id')
  async read(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return endpointView(await this.find(caller, id));
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() req: Request) {
    requireJsonBody(req);
    await this.find(caller, id);
    const changes = parseInput(webhookUpdateSchema(this.allowPrivate), body ?? {});
    return endpointView(this.found(await this.webhooks.update(caller.tenant, id, changes)));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    await this.find(caller, id);
    await this.webhooks.remove(caller.tenant, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  async rotateSecret(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    await this.find(caller, id);
    const endpoint = this.found(await this.webhooks.rotateSecret(caller.tenant, id));
    return { ...endpointView(endpoint), secret: endpoint.secret };
  }

  /** Newest first, each with every attempt (time, status code, duration, error). */
  @Get(':id/deliveries')
  async deliveries(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    await this.find(caller, id);
    return (await this.webhooks.deliveriesOf(caller.tenant, id, DELIVERIES_LIMIT)).map(deliveryView);
  }

  /** Sends a delivery again: once more if it was delivered, at once if it waits or was given up. */
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  async redeliver(@Param('id') id: string, @Param('deliveryId') deliveryId: string, @CurrentCaller() caller: Caller) {
    await this.find(caller, id);
    if (!(await this.webhooks.redeliver(caller.tenant, id, deliveryId))) throw new ApiError('NOT_FOUND', 'Delivery not found');
    return { id: deliveryId, state: 'pending' };
  }

  private async find(caller: Caller, id: string): Promise<WebhookEndpointDoc> {
    return this.found(WEBHOOK_ID.test(id) ? await this.webhooks.get(caller.tenant, id) : undefined);
  }

  private found(endpoint: WebhookEndpointDoc | undefined): WebhookEndpointDoc {
    if (!endpoint) throw new ApiError('NOT_FOUND', 'Webhook endpoint not found');
    return endpoint;
  }
}

/** `GET /batchyard/v1/events`: the caller's tenant's public events in store order; `next` is the cursor of the page after. */
@Controller('batchyard/v1/events')
export class EventsFeedController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  @Get()
  async list(@Query() query: unknown, @CurrentCaller() caller: Caller) {
    const { after, types, limit = 100 } = parseInput(eventsQuerySchema, query ?? {});
    const collection = this.readStore.collection<EventsFeedDoc>(EventsFeedProjection.collections[0].name);
    const page = await collection.find(
      { tenant: caller.tenant, _position: { $gt: Number(after ?? 0) }, ...(types ? { type: { $in: types } } : {}) },
      { sort: [['_position', 1]], limit },
    );
    const events = page.map(({ _id, type, occurredAt, tenant, data }) => ({ id: _id, type, occurredAt, tenant, data }));
    const last = page.at(-1);
    return { events, next: last ? String(last._position) : (after ?? '0') };
  }
}
