import { deadLettersQuery, parkedEventsQuery } from '../operator/operator-input';
import { eventsQuerySchema, webhookCreateSchema, webhookUpdateSchema } from '../webhooks/webhook-input';
import type { DialectDoc } from './openapi';

const endpointSchema = {
  type: 'object',
  required: ['id', 'url', 'events', 'enabled', 'status', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    events: { type: 'array', items: { type: 'string' } },
    description: { type: 'string' },
    enabled: { type: 'boolean' },
    status: { type: 'string', enum: ['enabled', 'disabled'], description: 'disabled through PATCH, or after its deliveries failed for 3 days' },
    disabledAt: { type: 'string', description: 'While disabled: since when' },
    disabledReason: { type: 'string', description: 'While disabled: why (through the API, or how long which failures lasted)' },
    failingSince: { type: 'string', description: 'The first failed attempt since the last delivered one; absent while deliveries succeed' },
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
  // RFC 9457 problem details (docs/events.md, Errors of Batchyard's own API).
  errorMediaType: 'application/problem+json',
  errorSchema: {
    type: 'object',
    required: ['type', 'title', 'status', 'detail', 'code', 'errors'],
    properties: {
      type: { type: 'string', const: 'about:blank', description: 'No problem types of its own: `title` is the status’s phrase' },
      title: { type: 'string', description: 'The HTTP status’s phrase (Bad Request, Not Found, …)' },
      status: { type: 'integer' },
      detail: { type: 'string', description: 'What went wrong, in one sentence' },
      instance: { type: 'string', description: 'The path asked for' },
      code: { type: 'string', description: 'BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, UNSUPPORTED_MEDIA_TYPE, TOO_MANY_REQUESTS, …' },
      errors: {
        type: 'array',
        description: 'Each input problem, naming its field (empty for other problems)',
        items: {
          type: 'object',
          required: ['field', 'pointer', 'code', 'detail'],
          properties: {
            field: { type: 'string', description: 'The field’s path, dotted (`events.0`; empty for the whole body or query)' },
            pointer: { type: 'string', description: 'The same as a JSON Pointer (`/events/0`)' },
            code: { type: 'string' },
            detail: { type: 'string' },
          },
        },
      },
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
      summary: 'Changes an endpoint’s url, events, description or enabled; enabled: true enables a disabled endpoint again and sends its held deliveries',
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
