import { spawnSync } from 'node:child_process';
import { describeTier, http, startBatchyard, type BatchyardUnderTest } from '@batchyard/test-support';

/** OpenAPI 3.1 documents of the EVRYTHNG and TofuPilot dialects at /docs, built from the schemas the routes parse with. */
describe('API documents at /docs', () => {
  let by: BatchyardUnderTest;
  const docs: Record<string, any> = {};

  beforeAll(async () => {
    by = await startBatchyard();
    for (const dialect of ['evrythng', 'tofupilot']) docs[dialect] = (await http(`${by.url}/docs/${dialect}`)).body;
  });
  afterAll(async () => {
    await by?.stop();
  });

  it('lists the documents without a key, and 404s an unknown one', async () => {
    const index = await http(`${by.url}/docs`);
    expect(index.status).toBe(200);
    expect(index.body.documents.map((d: any) => d.url)).toEqual(['/docs/evrythng', '/docs/tofupilot']);
    expect((await http(`${by.url}/docs/nothing`)).status).toBe(404);
  });

  it('documents every EVRYTHNG route with its auth header and error shape', () => {
    const doc = docs.evrythng;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/access', '/accounts/{accountId}/shortDomains', '/batches', '/batches/{batchId}', '/files', '/files/{fileId}', '/files/{fileId}/content', '/files/{fileId}/upload', '/operators/{operatorId}', '/thngs', '/thngs/{thngId}']);
    expect(Object.keys(doc.paths['/batches/{batchId}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'Authorization' });
    const perPage = doc.paths['/batches'].get.parameters.find((p: any) => p.name === 'perPage');
    expect(perPage.schema).toMatchObject({ minimum: 1, maximum: 100, default: 30 });
    expect(doc.paths['/batches'].post.requestBody.content['application/json'].schema).toMatchObject({ required: ['name'], additionalProperties: false });
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

  const validator = spawnSync('python3', ['-c', 'import openapi_spec_validator'], { encoding: 'utf8' });
  describeTier('OpenAPI validation', validator.status === 0, 'python3 with openapi-spec-validator is not installed', () => {
    it.each(['evrythng', 'tofupilot'])('%s is a valid OpenAPI 3.1 document', (dialect) => {
      const run = spawnSync('python3', ['-c', 'import json,sys; from openapi_spec_validator import validate; validate(json.load(sys.stdin))'], {
        input: JSON.stringify(docs[dialect]),
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    });
  });
});
