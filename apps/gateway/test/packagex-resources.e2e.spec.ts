import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, useBatchyard } from '@batchyard/test-support';

/** PackageX resources (Seed B.7) through the gateway: the envelope, ids, epoch seconds, CRUD and paging. */
describe('PackageX resources (embedded)', () => resourceTests({}));
const distributed = distributedOverrides();
describeTier('PackageX resources (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => resourceTests(distributed ?? {}));

function resourceTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides);
  const px = () => ({ 'px-api-key': by.key });
  const head = async () => (await by.launched.infra.events()).headPosition();

  const expectEnvelope = (body: any, status: number, endpoint: string, paged = false) =>
    expect(body).toEqual({ message: expect.any(String), data: expect.anything(), status, errors: [], code: 'ok', pagination: paged ? expect.any(Object) : null, endpoint });
  const expectError = (body: any, status: number, field?: string) => {
    expect(body).toMatchObject({ message: expect.any(String), data: null, status, code: expect.any(String), pagination: null, endpoint: expect.stringMatching(/^\/v1\//) });
    if (field) expect(body.errors.map((e: any) => e.field)).toContain(field);
  };

  it('creates, reads, updates by POST to the singular URL, lists and deletes a contact', async () => {
    const before = Math.floor(Date.now() / 1000);
    const created = await http(`${by.url}/v1/contacts`, { method: 'POST', headers: px(), body: { name: 'Jamie Jones', email: 'jamie@packagex.xyz', phone: '+11234567890' } });
    expect(created.status).toBe(201);
    expectEnvelope(created.body, 201, '/v1/contacts');
    const contact = created.body.data;
    expect(contact).toMatchObject({ object: 'contact', name: 'Jamie Jones', email: 'jamie@packagex.xyz', organization_id: 'default' });
    expect(contact.id).toMatch(/^contact_[A-Za-z0-9]+$/);
    expect(contact.created_at).toBeGreaterThanOrEqual(before - 1);
    expect(contact.created_at).toBeLessThan(before + 60);

    const read = await http(`${by.url}/v1/contacts/${contact.id}`, { headers: { 'x-api-key': by.key } });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(contact);

    const updated = await http(`${by.url}/v1/contacts/${contact.id}`, { method: 'POST', headers: px(), body: { nickname: 'JJ' } });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ id: contact.id, name: 'Jamie Jones', nickname: 'JJ' });

    const list = await http(`${by.url}/v1/contacts?page=1&limit=10`, { headers: px() });
    expect(list.status).toBe(200);
    expectEnvelope(list.body, 200, '/v1/contacts', true);
    expect(list.body.data.map((c: any) => c.id)).toContain(contact.id);
    expect(list.body.pagination).toMatchObject({ page: 1, limit: 10, total_count: list.body.data.length, has_more: false });

    const deleted = await http(`${by.url}/v1/contacts/${contact.id}`, { method: 'DELETE', headers: px() });
    expect(deleted.status).toBe(200);
    expect((await http(`${by.url}/v1/contacts/${contact.id}`, { headers: px() })).status).toBe(404);
    expect((await http(`${by.url}/v1/contacts/${contact.id}`, { method: 'DELETE', headers: px() })).status).toBe(404);
  });

  it('pages with page/limit and total_count', async () => {
    for (const name of ['Finance', 'Ops', 'Sales']) {
      expect((await http(`${by.url}/v1/groups`, { method: 'POST', headers: px(), body: { name, resource: 'contact' } })).status).toBe(201);
    }
    const page1 = await http(`${by.url}/v1/groups?limit=2`, { headers: px() });
    const page2 = await http(`${by.url}/v1/groups?limit=2&page=2`, { headers: px() });
    expect(page1.body.pagination).toEqual({ limit: 2, page: 1, has_more: true, total_count: 3 });
    expect(page2.body.pagination).toEqual({ limit: 2, page: 2, has_more: false, total_count: 3 });
    const ids = [...page1.body.data, ...page2.body.data].map((g: any) => g.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^grp_/);
  });

  it('answers a page past any offset the store can skip to with 400, not 500 (found by schemathesis)', async () => {
    const last = Math.floor(Number.MAX_SAFE_INTEGER / 100);
    expect((await http(`${by.url}/v1/groups?limit=100&page=${last}`, { headers: px() })).body.data).toEqual([]);
    for (const path of ['groups', 'batches']) {
      const res = await http(`${by.url}/v1/${path}?page=${last + 1}&limit=25`, { headers: px() });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status: 400, code: 'bad_request', errors: [expect.objectContaining({ field: 'page' })] });
    }
  });

  it('creates shipments, trackers and assets with their prefixes', async () => {
    const cases = [
      ['shipments', { tracking_number: '1Z999AA10123456784' }, /^shp_/],
      ['trackers', { tracking_number: 'PKGX-DELIVER-ABC1234', type: 'inbound' }, /^track_/],
      ['assets', { name: 'Forklift 7' }, /^asset_/],
    ] as const;
    for (const [path, body, prefix] of cases) {
      const res = await http(`${by.url}/v1/${path}`, { method: 'POST', headers: px(), body });
      expect(res.status).toBe(201);
      expect(res.body.data.id).toMatch(prefix);
      expect((await http(`${by.url}/v1/${path}/${res.body.data.id}`, { headers: px() })).body.data).toMatchObject(body);
    }
  });

  it('refuses bad input with 400 in the envelope, naming the field, and appends nothing', async () => {
    const before = await head();
    const cases: [string, unknown, string][] = [
      ['contacts', {}, 'name'],
      ['contacts', { name: 'x', email: 'not-an-email' }, 'email'],
      ['contacts', { name: 'x', colour: 'red' }, 'colour'],
      ['groups', { name: 'x', resource: 'planet' }, 'resource'],
      ['shipments', { provider: 'ups' }, 'tracking_number'],
      ['trackers', {}, 'tracking_number'],
      ['trackers', { tracking_number: 'x', type: 'sideways' }, 'type'],
    ];
    for (const [path, body, field] of cases) {
      const res = await http(`${by.url}/v1/${path}`, { method: 'POST', headers: px(), body });
      expect(res.status).toBe(400);
      expectError(res.body, 400, field);
    }
    const badPage = await http(`${by.url}/v1/contacts?limit=1000`, { headers: px() });
    expect(badPage.status).toBe(400);
    expectError(badPage.body, 400, 'limit');
    expect(await head()).toBe(before);
  });

  it('hides another tenant’s resources (404) and wants a key (401)', async () => {
    const created = await http(`${by.url}/v1/contacts`, { method: 'POST', headers: px(), body: { name: 'Mine' } });
    const other = await issueKey(by.launched.infra, 'tenant-px', 'user');
    const res = await http(`${by.url}/v1/contacts/${created.body.data.id}`, { headers: { 'px-api-key': other.key } });
    expect(res.status).toBe(404);
    expectError(res.body, 404);
    const list = await http(`${by.url}/v1/contacts`, { headers: { 'px-api-key': other.key } });
    expect(list.body.data).toEqual([]);
    const anonymous = await http(`${by.url}/v1/contacts`);
    expect(anonymous.status).toBe(401);
    expectError(anonymous.body, 401);
  });
}
