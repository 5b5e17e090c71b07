import { deadLettersQuery, parkedEventsQuery } from '../operator/operator-input';
import { eventsQuerySchema, webhookCreateSchema, webhookUpdateSchema } from '../webhooks/webhook-input';
import type { DialectDoc } from './openapi';

const endpointSchema = {
  type: 'object',
  required: ['id', 'url', 'events', 'enabled', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    events: { type: 'array', items: { type: 'string' } },
    description: { type: 'string' },
    enabled: { type: 'boolean' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
};
const withSecret = { ...endpointSchema, required: [...endpointSchema.required, 'secret'], properties: { ...endpointSchema.properties, secret: { type: 'string' } } };
const endpointId = { id: 'The endpoint’s id (we_…)' };

/** Batchyard's own routes, beside the three dialects: what the console uses and what operators read. */
export const BATCHYARD_DOC: DialectDoc = {
  title: 'Batchyard: its own API (session, webhooks, events feed, operator status, health, events catalogue)',
  description:
    'Routes of Batchyard itself. The live progress of an EVRYTHNG task (server-sent events) is in the EVRYTHNG document, at the task’s path. The console is at /console.',
  servers: ['/'],
  security: { name: 'apiKey', scheme: { type: 'apiKey', in: 'header', name: 'Authorization' } },
  errorSchema: {
    type: 'object',
    required: ['status', 'errors', 'code', 'moreInfo'],
    properties: {
      status: { type: 'integer' },
      errors: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1 },
      code: { type: 'string' },
      moreInfo: { type: 'string' },
    },
  },
  operations: [
    {
      method: 'get',
      path: '/batchyard/v1/session',
      summary: 'Who the key is: its tenant, key id, name and role (operator, user, …)',
      responses: {
        200: {
          description: 'The key’s session',
          schema: {
            type: 'object',
            required: ['tenant', 'keyId', 'name', 'role'],
            properties: { tenant: { type: 'string' }, keyId: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
          },
        },
      },
    },
    {
      method: 'post',
      path: '/batchyard/v1/webhooks',
      summary: 'Adds a webhook endpoint: the public event types it receives (or ["*"]); its signing secret is answered this once',
      body: webhookCreateSchema(false),
      responses: { 201: { description: 'The endpoint, with its secret', schema: withSecret } },
    },
    {
      method: 'get',
      path: '/batchyard/v1/webhooks',
      summary: 'The tenant’s webhook endpoints (without secrets)',
      responses: { 200: { description: 'Endpoints, oldest first', schema: { type: 'array', items: endpointSchema } } },
    },
    {
      method: 'get',
      path: '/batchyard/v1/webhooks/{id}',
      summary: 'One webhook endpoint',
      pathParams: endpointId,
      responses: { 200: { description: 'The endpoint', schema: endpointSchema } },
    },
    {
      method: 'patch',
      path: '/batchyard/v1/webhooks/{id}',
      summary: 'Changes an endpoint’s url, events, description or enabled',
      pathParams: endpointId,
      body: webhookUpdateSchema(false),
      responses: { 200: { description: 'The endpoint', schema: endpointSchema } },
    },
    {
      method: 'delete',
      path: '/batchyard/v1/webhooks/{id}',
      summary: 'Removes an endpoint and its deliveries',
      pathParams: endpointId,
      responses: { 204: { description: 'Removed' } },
    },
    {
      method: 'post',
      path: '/batchyard/v1/webhooks/{id}/rotate-secret',
      summary: 'A new signing secret, answered this once; the old one signs nothing more',
      pathParams: endpointId,
      responses: { 200: { description: 'The endpoint, with its new secret', schema: withSecret } },
    },
    {
      method: 'get',
      path: '/batchyard/v1/webhooks/{id}/deliveries',
      summary: 'The endpoint’s last 100 deliveries, newest first, each attempt with its time, status code, duration and error',
      pathParams: endpointId,
      responses: { 200: { description: 'Deliveries', schema: { type: 'array', items: { type: 'object' } } } },
    },
    {
      method: 'post',
      path: '/batchyard/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      summary: 'Sends a delivery again, with the same event id and body',
      pathParams: { ...endpointId, deliveryId: 'The delivery’s id, from the deliveries list' },
      responses: { 202: { description: 'Queued', schema: { type: 'object', properties: { id: { type: 'string' }, state: { type: 'string' } } } } },
    },
    {
      method: 'get',
      path: '/batchyard/v1/events',
      summary: 'The tenant’s public events in order, from the cursor `after` (the `next` of the page before)',
      query: eventsQuerySchema,
      responses: {
        200: {
          description: 'A page of events and the cursor of the next',
          schema: {
            type: 'object',
            required: ['events', 'next'],
            properties: {
              events: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'type', 'occurredAt', 'tenant', 'data'],
                  properties: { id: { type: 'string' }, type: { type: 'string' }, occurredAt: { type: 'string' }, tenant: { type: 'string' }, data: {} },
                },
              },
              next: { type: 'string' },
            },
          },
        },
      },
    },
    {
      method: 'get',
      path: '/batchyard/v1/operator/projections',
      summary:
        'Operator keys only (others 403): each projection, then the relay, with its status (running, degraded, stalled, rebuilding, stopped), checkpoint, lag (positions behind the furthest checkpoint) and parked count',
      responses: {
        200: {
          description: 'The processors',
          schema: {
            type: 'object',
            required: ['head', 'processors'],
            properties: {
              head: { type: 'integer' },
              processors: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['name', 'status', 'checkpoint', 'lag', 'parked'],
                  properties: {
                    name: { type: 'string' },
                    status: { type: 'string', enum: ['running', 'degraded', 'stalled', 'rebuilding', 'stopped'] },
                    checkpoint: { type: 'integer' },
                    lag: { type: 'integer' },
                    parked: { type: 'integer' },
                    stalledSince: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    {
      method: 'get',
      path: '/batchyard/v1/operator/parked-events',
      summary: 'Operator keys only: the parked (or held) events of the key’s own tenant, by processor then position',
      query: parkedEventsQuery,
      responses: { 200: { description: 'Parked events', schema: { type: 'array', items: { type: 'object' } } } },
    },
    {
      method: 'get',
      path: '/batchyard/v1/operator/dead-letters',
      summary: 'Operator keys only: the dead letters of the key’s own tenant (by the message’s tenant header), oldest first',
      query: deadLettersQuery,
      responses: { 200: { description: 'Dead letters', schema: { type: 'array', items: { type: 'object' } } } },
    },
    {
      method: 'get',
      path: '/health',
      summary: 'Each port of this process probed with a real call; 503 when one is down',
      public: true,
      responses: { 200: { description: 'Healthy' }, 503: { description: 'A port is down' } },
    },
    {
      method: 'get',
      path: '/asyncapi.json',
      summary: 'The event catalogue of this installation (AsyncAPI)',
      public: true,
      responses: { 200: { description: 'AsyncAPI document' } },
    },
  ],
};
