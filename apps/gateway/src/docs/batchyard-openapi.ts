import type { DialectDoc } from './openapi';

/** Batchyard's own routes, beside the three dialects: what the console uses and what operators read. */
export const BATCHYARD_DOC: DialectDoc = {
  title: 'Batchyard: its own API (session, health, events catalogue)',
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
