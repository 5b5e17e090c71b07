import type { DialectDoc } from '../docs/openapi';
import { BatchCreateBody, BatchListQuery, BatchUpdateBody, UnitCreateBody, UnitDeleteQuery, UnitListQuery, UnitUpdateBody } from './tofupilot-schemas';

const str = { type: 'string' };
const who = { type: ['object', 'null'], properties: { id: str, name: { type: ['string', 'null'] } } };
const part = { type: 'object', properties: { id: str, number: str, name: str, revision: { type: 'object', properties: { id: str, number: str } } } };
const unit = {
  type: 'object',
  required: ['id', 'serial_number', 'created_at', 'part', 'parent', 'children'],
  properties: {
    id: str,
    serial_number: str,
    created_at: { type: 'string', format: 'date-time' },
    part,
    batch: { type: ['object', 'null'], properties: { id: str, number: str } },
    parent: { type: 'null' },
    children: { type: 'array', maxItems: 0 },
    created_by_user: who,
    created_by_station: who,
  },
};
const batchItem = {
  type: 'object',
  required: ['id', 'number', 'created_at', 'unit_count'],
  properties: { id: str, number: str, created_at: { type: 'string', format: 'date-time' }, created_by_user: who, created_by_station: who, unit_count: { type: 'integer' } },
};
const list = (item: object) => ({
  type: 'object',
  required: ['data', 'meta'],
  properties: { data: { type: 'array', items: item }, meta: { type: 'object', properties: { has_more: { type: 'boolean' }, next_cursor: { type: ['integer', 'null'] } } } },
});
const idBody = { type: 'object', required: ['id'], properties: { id: str } };
const idsBody = { type: 'object', required: ['id'], properties: { id: { type: 'array', items: str } } };
const number = { number: 'batch number, matched ignoring case' };
const serial = { serial_number: 'unit serial number, matched ignoring case' };

export const TOFUPILOT_DOC: DialectDoc = {
  title: 'Batchyard: TofuPilot-compatible API v2 (batches, units)',
  description: 'Works with the `tofupilot` PyPI client 2.2.4. Every success is 200 application/json. See docs/production-batches.md.',
  servers: ['/api', '/'],
  security: { name: 'bearer', scheme: { type: 'http', scheme: 'bearer' } },
  errorSchema: {
    type: 'object',
    required: ['message', 'code'],
    properties: { message: str, code: str, issues: { type: 'array', items: { type: 'object', properties: { code: str, path: { type: 'array' }, message: str } } } },
  },
  operations: [
    { method: 'get', path: '/v2/batches', summary: 'List batches', query: BatchListQuery, responses: { 200: { description: 'A page', schema: list(batchItem) } } },
    {
      method: 'post',
      path: '/v2/batches',
      summary: 'Create a batch (409 on a duplicate number)',
      body: BatchCreateBody,
      responses: { 200: { description: 'Created', schema: idBody } },
    },
    {
      method: 'get',
      path: '/v2/batches/{number}',
      summary: 'Get a batch with its units',
      pathParams: number,
      responses: { 200: { description: 'The batch', schema: { ...batchItem, properties: { ...batchItem.properties, units: { type: 'array', items: unit } } } } },
    },
    {
      method: 'patch',
      path: '/v2/batches/{number}',
      summary: 'Rename (409 on a clash; not for station keys)',
      pathParams: number,
      body: BatchUpdateBody,
      responses: { 200: { description: 'Renamed', schema: idBody } },
    },
    {
      method: 'delete',
      path: '/v2/batches/{number}',
      summary: 'Delete; units are unlinked (not for station keys)',
      pathParams: number,
      responses: { 200: { description: 'Deleted', schema: idsBody } },
    },
    { method: 'get', path: '/v2/units', summary: 'List units', query: UnitListQuery, responses: { 200: { description: 'A page', schema: list(unit) } } },
    {
      method: 'post',
      path: '/v2/units',
      summary: 'Create a unit (parts and revisions by number; 409 on a duplicate serial)',
      body: UnitCreateBody,
      responses: { 200: { description: 'Created', schema: idBody } },
    },
    { method: 'get', path: '/v2/units/{serial_number}', summary: 'Get a unit', pathParams: serial, responses: { 200: { description: 'The unit', schema: unit } } },
    {
      method: 'patch',
      path: '/v2/units/{serial_number}',
      summary: 'Update; batch_number null unlinks',
      pathParams: serial,
      body: UnitUpdateBody,
      responses: { 200: { description: 'Updated', schema: idBody } },
    },
    {
      method: 'delete',
      path: '/v2/units',
      summary: 'Delete units by serial number (not for station keys)',
      query: UnitDeleteQuery,
      responses: { 200: { description: 'Deleted', schema: idsBody } },
    },
  ],
};
