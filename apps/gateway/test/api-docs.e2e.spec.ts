import { http, useBatchyard } from '@batchyard/test-support';

/**
 * OpenAPI 3.1 documents of the three dialects and Batchyard's own routes at /docs, built from the schemas the routes parse with. That they are
 * valid OpenAPI, and that nothing they describe makes a server error, is api-fuzz.e2e.spec.ts (schemathesis).
 */
describe('API documents at /docs', () => {
  const by = useBatchyard();
  const docs: Record<string, any> = {};

  beforeAll(async () => {
    for (const dialect of ['evrythng', 'packagex', 'tofupilot', 'batchyard']) docs[dialect] = (await http(`${by.url}/docs/${dialect}`)).body;
  });

  it('lists the documents without a key at /docs/index.json (and /docs for a JSON client), each at a stable .json URL; 404s an unknown one', async () => {
    const index = await http(`${by.url}/docs/index.json`);
    expect(index.status).toBe(200);
    expect(index.body.documents.map((d: any) => [d.url, d.json])).toEqual(
      ['evrythng', 'packagex', 'tofupilot', 'batchyard'].map((name) => [`/docs/${name}`, `/docs/${name}.json`]),
    );
    expect((await http(`${by.url}/docs`)).body).toEqual(index.body);
    for (const doc of index.body.documents) expect((await http(`${by.url}${doc.json}`)).body).toEqual((await http(`${by.url}${doc.url}`)).body);
    for (const missing of ['nothing', 'constructor', '__proto__', 'toString', 'constructor.json', '.json']) expect((await http(`${by.url}/docs/${missing}`)).status).toBe(404);
  });

  it('answers a browser at /docs with the Swagger UI page the build made', async () => {
    const page = await http(`${by.url}/docs`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const script = /src="(\/console\/assets\/docs-[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const bundle = await http(`${by.url}${script}`);
    expect(bundle.status).toBe(200);
    expect(bundle.text).toContain('/docs/index.json');
  });

  it('documents Batchyard’s own routes: the session the console signs in with, webhooks, the events feed and the operator’s status', () => {
    expect(Object.keys(docs.batchyard.paths).sort()).toEqual([
      '/asyncapi.json',
      '/batchyard/v1/events',
      '/batchyard/v1/operator/dead-letters',
      '/batchyard/v1/operator/parked-events',
      '/batchyard/v1/operator/projections',
      '/batchyard/v1/session',
      '/batchyard/v1/webhooks',
      '/batchyard/v1/webhooks/{id}',
      '/batchyard/v1/webhooks/{id}/deliveries',
      '/batchyard/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      '/batchyard/v1/webhooks/{id}/rotate-secret',
      '/health',
    ]);
    expect(docs.batchyard.paths['/health'].get.security).toEqual([]);
    // Its errors are RFC 9457 problem details, not a vendor's shape.
    const problem = docs.batchyard.paths['/batchyard/v1/webhooks'].post.responses['4XX'].content;
    expect(Object.keys(problem)).toEqual(['application/problem+json']);
    expect(problem['application/problem+json'].schema.required).toEqual(['type', 'title', 'status', 'detail', 'code', 'errors']);
    expect(problem['application/problem+json'].schema.properties.errors.items.required).toEqual(['field', 'pointer', 'code', 'detail']);
    expect(docs.batchyard.paths['/batchyard/v1/operator/parked-events'].get.parameters.map((p: any) => p.name)).toEqual(['processor', 'limit']);
    expect(docs.batchyard.paths['/batchyard/v1/operator/projections'].get.summary).toMatch(/^Operator keys only/);
  });

  it('documents every EVRYTHNG route with its auth header and error shape', () => {
    const doc = docs.evrythng;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/access',
      '/accounts/{accountId}/shortDomains',
      '/batches',
      '/batches/{batchId}',
      '/batches/{batchId}/tasks',
      '/batches/{batchId}/tasks/{taskId}',
      '/batches/{batchId}/tasks/{taskId}/cancel',
      '/batches/{batchId}/tasks/{taskId}/logs',
      '/batches/{batchId}/tasks/{taskId}/progress',
      '/batches/{batchId}/tasks/{taskId}/result',
      '/files',
      '/files/{fileId}',
      '/files/{fileId}/content',
      '/files/{fileId}/upload',
      '/operators/{operatorId}',
      '/redirections',
      '/redirections/{shortId}',
      '/thngs',
      '/thngs/{thngId}',
      '/thngs/{thngId}/redirector',
    ]);
    expect(Object.keys(doc.paths['/batches/{batchId}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'Authorization' });
    const perPage = doc.paths['/batches'].get.parameters.find((p: any) => p.name === 'perPage');
    expect(perPage.schema).toMatchObject({ minimum: 1, maximum: 100, default: 30 });
    expect(doc.paths['/batches'].post.requestBody.content['application/json'].schema).toMatchObject({ required: ['name'], additionalProperties: false });
    // Tasks: the body is the union the route parses; the answer is 202 with a Location and no body.
    const queue = doc.paths['/batches/{batchId}/tasks'].post;
    const variants = queue.requestBody.content['application/json'].schema.oneOf ?? queue.requestBody.content['application/json'].schema.anyOf;
    expect(variants.map((v: any) => v.properties.type.const)).toEqual(['POPULATING', 'SHORT_ID_GENERATION']);
    expect(queue.responses['202'].headers.location).toBeDefined();
    expect(Object.keys(doc.paths['/batches/{batchId}/tasks/{taskId}/result'].get.responses['200'].content)).toEqual(['text/csv', 'application/zip']);
    // Signed URLs need no key: their query is the credential.
    expect(doc.paths['/files/{fileId}/upload'].put.security).toEqual([]);
    expect(doc.paths['/files/{fileId}/content'].get.parameters.map((p: any) => p.name)).toEqual(['fileId', 'expires', 'signature']);
  });

  it('documents every PackageX route: batches and the five resources, in the envelope, with PX-API-KEY', () => {
    const doc = docs.packagex;
    const resources = ['contacts', 'groups', 'shipments', 'trackers', 'assets'];
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/v1/batches',
        '/v1/batches/{id}',
        '/v1/batches/{id}/cancel',
        '/v1/batches/{id}/progress',
        '/v1/batches/{id}/upload',
        ...resources.flatMap((r) => [`/v1/${r}`, `/v1/${r}/{id}`]),
      ].sort(),
    );
    for (const r of resources) {
      expect(Object.keys(doc.paths[`/v1/${r}`]).sort()).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths[`/v1/${r}/{id}`]).sort()).toEqual(['delete', 'get', 'post']);
    }
    expect(doc.components.securitySchemes.pxApiKey).toEqual({ type: 'apiKey', in: 'header', name: 'PX-API-KEY' });
    // A new batch, or a retry of an ended one (Batchyard's `retry_of`).
    const [create, retry] = doc.paths['/v1/batches'].post.requestBody.content['application/json'].schema.anyOf;
    expect(create.required).toEqual(['resource', 'action']);
    expect(retry.required).toEqual(['retry_of']);
    expect(retry.additionalProperties).toBe(false);
    expect(create.properties.mode).toMatchObject({ enum: ['sync', 'mixed', 'async'], default: 'mixed' });
    const list = doc.paths['/v1/batches'].get.parameters.map((p: any) => p.name);
    expect(list).toEqual(['page', 'limit', 'resource', 'mode', 'via', 'status']);
    expect(doc.paths['/v1/contacts'].post.requestBody.content['application/json'].schema).toMatchObject({ required: ['name'], additionalProperties: false });
    expect(doc.paths['/v1/contacts/{id}'].post.requestBody.content['application/json'].schema.required).toBeUndefined();
    expect(doc.paths['/v1/contacts'].get.responses['200'].content['application/json'].schema.properties.pagination.required).toEqual(['limit', 'page', 'has_more', 'total_count']);
    expect(doc.paths['/v1/batches'].post.responses['4XX'].content['application/json'].schema.properties.errors.items.required).toEqual(['field', 'code', 'message']);
  });

  it('documents the TofuPilot routes with the exact parameter rules', () => {
    const doc = docs.tofupilot;
    expect(doc.servers).toEqual([{ url: '/api' }, { url: '/' }]);
    const list = doc.paths['/v2/batches'].get.parameters;
    const param = (name: string) => list.find((p: any) => p.name === name);
    expect(param('limit').schema).toMatchObject({ minimum: 1, maximum: 100, default: 50 });
    expect(param('cursor').schema).toMatchObject({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
    expect(param('created_after').schema.pattern).toContain('-02-29');
    expect(param('numbers')).toMatchObject({ style: 'form', explode: true, schema: { type: 'array' } });
    expect(doc.paths['/v2/units'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['latest_only', 'exclude_units_with_parent']));
    expect(doc.paths['/v2/batches'].post.requestBody.content['application/json'].schema.properties.number.pattern).toBe('^[a-zA-Z0-9_.:+-]+$');
  });
});
