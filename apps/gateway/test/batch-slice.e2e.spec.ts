import { EVRYTHNG_ID_PATTERN } from '@batchyard/contracts';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, revokeKey, useBatchyard } from '@batchyard/test-support';

/**
 * The vertical slice: POST /batches → command on the bus → batch service appends BatchCreated →
 * projection → GET /batches/:id, with auth, tenancy, idempotency and every bad input; embedded, and
 * over real Kafka + the MongoDB wire protocol when the servers are there.
 */
describe('batch slice through the gateway (embedded)', () => sliceTests({}));
const distributed = distributedOverrides();
describeTier('batch slice through the gateway (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => sliceTests(distributed ?? {}));

function sliceTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides);
  const auth = () => ({ authorization: by.key });
  const head = async () => (await by.launched.infra.events()).headPosition();

  const expectEvrythngError = (body: any, status: number) => {
    expect(body).toEqual({ status, errors: [expect.any(String)], code: expect.any(String), moreInfo: expect.any(String) });
  };

  it('reports health per component without a key', async () => {
    const res = await http(`${by.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.components.readStore).toEqual({ adapter: overrides.mongoUrl ? 'mongodb' : 'sqlite', status: 'up' });
    expect(res.body.components.bus).toEqual({ adapter: overrides.kafkaBrokers ? 'kafka' : 'embedded', status: 'up' });
  });

  it('creates a batch and reads it back at once', async () => {
    const created = await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Lot 42', tags: ['x'] } });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(EVRYTHNG_ID_PATTERN);
    expect(created.headers.get('location')).toBe(`/batches/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'Lot 42', tags: ['x'], status: 'EMPTY', resourceCountsByProduct: {} });
    expect(created.body.createdAt).toEqual(expect.any(Number));
    expect(created.body).not.toHaveProperty('errors');

    const read = await http(`${by.url}/batches/${created.body.id}`, { headers: { ...auth(), 'content-type': 'application/json' } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('answers 401 without a key or with a wrong one, in EVRYTHNG shape', async () => {
    for (const headers of [{}, { authorization: 'not-a-key' }] as Record<string, string>[]) {
      const res = await http(`${by.url}/batches`, { method: 'POST', headers, body: { name: 'x' } });
      expect(res.status).toBe(401);
      expectEvrythngError(res.body, 401);
    }
  });

  it('hides one tenant’s batch from another tenant (404)', async () => {
    const created = await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Mine' } });
    const other = await issueKey(by.launched.infra, 'tenant-two', 'operator');
    const res = await http(`${by.url}/batches/${created.body.id}`, { headers: { authorization: other.key } });
    expect(res.status).toBe(404);
    expectEvrythngError(res.body, 404);
  });

  it('refuses bad input with 400 in EVRYTHNG shape and appends nothing', async () => {
    const before = await head();
    const cases: { raw?: string; body?: unknown; mention: RegExp }[] = [
      { raw: '{"name": "x",', mention: /malformed json/i },
      { body: {}, mention: /name/ },
      { body: { name: 'x', colour: 'red' }, mention: /colour/ },
      { body: { name: 5 }, mention: /name/ },
      { body: { name: 'x', tags: 'not-a-list' }, mention: /tags/ },
      { body: { name: 'x', id: 'UmNqmfDEBDswtpaaRDs6xHpn' }, mention: /id/ },
    ];
    for (const c of cases) {
      const res = await http(`${by.url}/batches`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, raw: c.raw, body: c.body });
      expect(res.status).toBe(400);
      expectEvrythngError(res.body, 400);
      expect(res.body.errors[0]).toMatch(c.mention);
      expect(res.body).not.toHaveProperty('message');
    }
    expect(await head()).toBe(before);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'x', description: 'y'.repeat(2_000_000) } });
    expect(res.status).toBe(413);
    expectEvrythngError(res.body, 413);
  });

  it('refuses with 413 a body under the JSON limit whose command or event would pass the bus or the event store, appending nothing', async () => {
    const before = await head();
    // The event would take more than an event may (1,008 KiB); the command would take more than the bus takes (1,048,588 bytes).
    for (const size of [1_040_000, 1_048_200]) {
      const res = await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Large', customFields: { notes: 'x'.repeat(size) } } });
      expect(res.status).toBe(413);
      expectEvrythngError(res.body, 413);
    }
    expect(await head()).toBe(before);
    expect((await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Small' } })).status).toBe(201);
  });

  it('creates one batch for one Idempotency-Key, replays the first answer, refuses another body', async () => {
    const headers = { ...auth(), 'idempotency-key': 'order-7' };
    const before = await head();
    const first = await http(`${by.url}/batches`, { method: 'POST', headers, body: { name: 'Once' } });
    const second = await http(`${by.url}/batches`, { method: 'POST', headers, body: { name: 'Once' } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    const events = await (await by.launched.infra.events()).readAll({ after: before, maxCount: 100, eventTypes: ['BatchCreated'] });
    expect(events).toHaveLength(1);

    const changed = await http(`${by.url}/batches`, { method: 'POST', headers, body: { name: 'Other' } });
    expect(changed.status).toBe(422);
    expectEvrythngError(changed.body, 422);
  });

  it('answers unknown routes with 404 in each dialect’s shape', async () => {
    const evt = await http(`${by.url}/nothing-here`, { headers: auth() });
    expect(evt.status).toBe(404);
    expectEvrythngError(evt.body, 404);
    const tofu = await http(`${by.url}/api/v2/nothing`, { headers: { authorization: `Bearer ${by.key}` } });
    expect(tofu.status).toBe(404);
    expect(tofu.body).toMatchObject({ message: expect.any(String), code: 'NOT_FOUND' });
    const px = await http(`${by.url}/v1/nothing`, { headers: { 'px-api-key': by.key } });
    expect(px.status).toBe(404);
    expect(px.body).toMatchObject({ status: 404, data: null, code: expect.any(String), endpoint: '/v1/nothing' });
  });

  it('refuses station keys on EVRYTHNG routes and revoked keys everywhere', async () => {
    const station = await issueKey(by.launched.infra, 'default', 'station');
    const res = await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: station.key }, body: { name: 'x' } });
    expect(res.status).toBe(403);
    expectEvrythngError(res.body, 403);

    const user = await issueKey(by.launched.infra, 'default', 'user');
    expect((await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: user.key }, body: { name: 'ok' } })).status).toBe(201);
    await revokeKey(by.launched.infra, 'default', user.keyId);
    const revoked = await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: user.key }, body: { name: 'no' } });
    expect(revoked.status).toBe(401);
    expectEvrythngError(revoked.body, 401);
  });
}
