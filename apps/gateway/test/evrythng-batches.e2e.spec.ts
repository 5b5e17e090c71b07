import type { RuntimeConfig } from '@batchyard/runtime';
import { EVRYTHNG_ID_PATTERN } from '@batchyard/contracts';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, useBatchyard } from '@batchyard/test-support';

/** EVRYTHNG's key resolution, batch listing, update and delete through the gateway; embedded and over real servers. */
describe('EVRYTHNG batches (embedded)', () => evrythngTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG batches (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => evrythngTests(distributed ?? {}));

function evrythngTests(overrides: Partial<RuntimeConfig>) {
  // A tenant of its own, so listings see only this suite's batches.
  const by = useBatchyard(overrides, { keys: { list: ['evt-list', 'operator'] } });
  // The SDK's headers: raw key, JSON content type even without a body, accept */*.
  const sdk = (key = by.keys.list.key) => ({ authorization: key, 'content-type': 'application/json', accept: '*/*' });
  const head = async () => (await by.launched.infra.events()).headPosition();
  const create = async (body: Record<string, unknown>) => {
    const res = await http(`${by.url}/batches`, { method: 'POST', headers: sdk(), body });
    expect(res.status).toBe(201);
    return res.body;
  };
  const expectError = (res: { status: number; body: any }, status: number, mention?: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ status, errors: [expect.any(String)], code: expect.any(String), moreInfo: expect.any(String) });
    if (mention) expect(res.body.errors[0]).toMatch(mention);
  };

  describe('key resolution', () => {
    it('resolves a key to its operator, as new Operator(key) needs', async () => {
      const key = await issueKey(by.launched.infra, 'evt-access', 'operator');
      const access = await http(`${by.url}/access`, { headers: sdk(key.key) });
      expect(access.status).toBe(200);
      // A 24-character id, as EVRYTHNG's operator ids are; the same on every read.
      expect(access.body).toEqual({ account: 'evt-access', actor: { type: 'operator', id: expect.stringMatching(EVRYTHNG_ID_PATTERN) } });
      expect((await http(`${by.url}/access`, { headers: sdk(key.key) })).body).toEqual(access.body);
      const operator = await http(`${by.url}/operators/${access.body.actor.id}`, { headers: sdk(key.key) });
      expect(operator.status).toBe(200);
      expect(operator.body).toEqual({ id: access.body.actor.id, name: expect.any(String), account: 'evt-access' });
      // Another key of the same tenant is another operator; the key's own id names none.
      const other = await issueKey(by.launched.infra, 'evt-access', 'operator');
      expect((await http(`${by.url}/access`, { headers: sdk(other.key) })).body.actor.id).not.toBe(access.body.actor.id);
      expectError(await http(`${by.url}/operators/${access.body.actor.id}`, { headers: sdk(other.key) }), 404);
      expectError(await http(`${by.url}/operators/${key.keyId}`, { headers: sdk(key.key) }), 404);
    });

    it('never names a field the SDK scope holds as a method, nor apiKey', async () => {
      const key = await issueKey(by.launched.infra, 'evt-access', 'operator');
      const { actor } = (await http(`${by.url}/access`, { headers: sdk(key.key) })).body;
      const operator = await http(`${by.url}/operators/${actor.id}`, { headers: sdk(key.key) });
      expect(operator.status).toBe(200);
      const forbidden = [
        'batch',
        'thng',
        'product',
        'project',
        'role',
        'user',
        'collection',
        'file',
        'place',
        'action',
        'actionType',
        'me',
        'rule',
        'redirector',
        'accessPolicy',
        'accessToken',
        'sharedAccount',
        'adiOrder',
        'purchaseOrder',
        'reactorLog',
        'shipmentNotice',
        'apiKey',
      ];
      for (const field of forbidden) expect(operator.body).not.toHaveProperty(field);
    });

    it('answers 401 to a bad key and 404 to another operator', async () => {
      expectError(await http(`${by.url}/access`, { headers: sdk('bogus') }), 401);
      expectError(await http(`${by.url}/access`, { headers: { accept: '*/*' } }), 401);
      expectError(await http(`${by.url}/operators/key_someone_else`, { headers: sdk() }), 404);
    });
  });

  describe('listing', () => {
    const ids: string[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 5; i++) {
        const batch = await create({ name: i % 2 ? 'Odd lot' : 'Even lot', tags: [`t${i}`, 'all'], identifiers: { gtin: `g${i}` } });
        ids.push(batch.id);
      }
    });

    it('lists newest first with x-result-count, filters by name, tags, identifiers and createdAt', async () => {
      const all = await http(`${by.url}/batches`, { headers: sdk() });
      expect(all.status).toBe(200);
      expect(all.body.map((b: any) => b.id)).toEqual([...ids].reverse());
      expect(all.headers.get('x-result-count')).toBe('5');
      expect(all.headers.get('link')).toBeNull();

      const q = (filter: string) => http(`${by.url}/batches?filter=${encodeURIComponent(filter)}`, { headers: sdk() });
      expect((await q('name=Odd lot')).body.map((b: any) => b.id)).toEqual([ids[3], ids[1]]);
      expect((await q('tags=t2')).body.map((b: any) => b.id)).toEqual([ids[2]]);
      expect((await q('identifiers.gtin=g4')).body.map((b: any) => b.id)).toEqual([ids[4]]);
      const third = (await http(`${by.url}/batches/${ids[2]}`, { headers: sdk() })).body;
      const after = await q(`createdAt>${third.createdAt - 1}&name=Even lot`);
      expect(after.body.map((b: any) => b.id)).toEqual([ids[4], ids[2]]);
      expect(after.headers.get('x-result-count')).toBe('2');
      expect((await q(`createdAt<${third.createdAt}`)).body.every((b: any) => b.createdAt < third.createdAt)).toBe(true);
    });

    it('reads by ids and in ascending order', async () => {
      const res = await http(`${by.url}/batches?ids=${ids[0]},${ids[3]}&sortOrder=ASCENDING`, { headers: sdk() });
      expect(res.body.map((b: any) => b.id)).toEqual([ids[0], ids[3]]);
    });

    it('pages through an absolute, URL-encoded Link that keeps filter and perPage', async () => {
      const seen: string[] = [];
      let url: string | undefined = `${by.url}/batches?filter=${encodeURIComponent('tags=all')}&perPage=2`;
      let pages = 0;
      while (url) {
        const res = await http(url, { headers: sdk() });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-result-count')).toBe('5');
        seen.push(...res.body.map((b: any) => b.id));
        pages++;
        const link = res.headers.get('link');
        if (!link) break;
        // What the SDK does: split on ',' and ';', take <…>, rel="next", decode once, request as is.
        expect(link).not.toMatch(/[,]/);
        const [target, rel] = link.split(';');
        expect(rel.trim()).toBe('rel="next"');
        url = decodeURIComponent(target.trim().slice(1, -1));
        expect(url).toMatch(/^http:\/\//);
        expect(url).toContain('perPage=2');
        expect(url).toContain(`filter=${encodeURIComponent('tags=all')}`);
      }
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());
    });

    it('uses BATCHYARD_PUBLIC_URL as the Link base when set', async () => {
      const config = by.launched.infra.config as { publicUrl?: string };
      config.publicUrl = 'https://batches.example.com';
      try {
        const res = await http(`${by.url}/batches?perPage=1`, { headers: sdk() });
        expect(decodeURIComponent(res.headers.get('link')!)).toMatch(/^<https:\/\/batches\.example\.com\/batches\?perPage=1&nextPageToken=/);
      } finally {
        delete config.publicUrl;
      }
    });

    it('refuses bad listing parameters with 400 in EVRYTHNG shape', async () => {
      const tooMany = Array.from({ length: 101 }, () => ids[0]).join(',');
      const cases: [string, RegExp][] = [
        ['perPage=0', /perPage/],
        ['perPage=101', /perPage/],
        ['perPage=abc', /perPage/],
        ['sortOrder=UP', /sortOrder/],
        [`filter=${encodeURIComponent('colour=red')}`, /colour/],
        [`filter=${encodeURIComponent('createdAt=5')}`, /createdAt/],
        [`filter=${encodeURIComponent('createdAt>soon')}`, /createdAt/],
        [`filter=${encodeURIComponent('name>x')}`, /name/],
        [`ids=${tooMany}`, /ids/],
        ['ids=not-an-id', /ids/],
        ['nextPageToken=garbage', /nextPageToken/],
        ['perPage=1&perPage=2', /perPage/],
      ];
      for (const [query, mention] of cases) expectError(await http(`${by.url}/batches?${query}`, { headers: sdk() }), 400, mention);
    });
  });

  describe('update and delete', () => {
    it('updates any subset, replaces nested fields, keeps the rest', async () => {
      const batch = await create({ name: 'To change', description: 'd', tags: ['a', 'b'], identifiers: { x: '1', y: '2' } });
      const res = await http(`${by.url}/batches/${batch.id}`, { method: 'PUT', headers: sdk(), body: { tags: ['c'], identifiers: { z: '3' } } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: batch.id, name: 'To change', description: 'd', tags: ['c'], identifiers: { z: '3' }, createdAt: batch.createdAt });
      expect(res.body.identifiers).toEqual({ z: '3' });
      expect(res.body.updatedAt).toBeGreaterThanOrEqual(batch.updatedAt);
      expect((await http(`${by.url}/batches/${batch.id}`, { headers: sdk() })).body).toEqual(res.body);
    });

    it('accepts the whole document back (entity.update()) and ignores its read-only fields', async () => {
      const batch = await create({ name: 'Whole' });
      const before = await head();
      const res = await http(`${by.url}/batches/${batch.id}`, {
        method: 'PUT',
        headers: sdk(),
        body: { ...batch, id: batch.id, status: 'SEALED', createdAt: 1, name: 'Whole again', scopes: { users: [], projects: ['p1'] } },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: batch.id, status: 'EMPTY', createdAt: batch.createdAt, name: 'Whole again' });
      // As EVRYTHNG: scopes only under ?withScopes=true, and then both lists even when empty.
      expect(res.body).not.toHaveProperty('scopes');
      expect((await http(`${by.url}/batches/${batch.id}?withScopes=true`, { headers: sdk() })).body.scopes).toEqual({ users: [], projects: ['p1'] });
      expect((await http(`${by.url}/batches/${batch.id}?withScopes=false`, { headers: sdk() })).body).not.toHaveProperty('scopes');
      const unscoped = await create({ name: 'Unscoped' });
      expect(unscoped).not.toHaveProperty('scopes');
      expect((await http(`${by.url}/batches/${unscoped.id}?withScopes=true`, { headers: sdk() })).body.scopes).toEqual({ users: [], projects: [] });
      const listed = await http(`${by.url}/batches?withScopes=true&filter=name=Whole%20again`, { headers: sdk() });
      expect(listed.body.map((b: { scopes: unknown }) => b.scopes)).toEqual([{ users: [], projects: ['p1'] }]);
      const events = await (await by.launched.infra.events()).readAll({ after: before, maxCount: 10, eventTypes: ['BatchUpdated'] });
      expect(events.map((e) => e.data)).toEqual([{ batchId: batch.id, changes: { name: 'Whole again', scopes: { users: [], projects: ['p1'] } } }]);
    });

    it('refuses bad updates with 400, 404 and 415 and changes nothing', async () => {
      const batch = await create({ name: 'Stays' });
      const station = await issueKey(by.launched.infra, 'evt-list', 'station');
      const before = await head();
      const put = (body: unknown, headers = sdk(), id = batch.id) => http(`${by.url}/batches/${id}`, { method: 'PUT', headers, body });
      expectError(await put({ colour: 'red' }), 400, /colour/);
      expectError(await put({ name: '' }), 400, /name/);
      expectError(await put({ tags: 'x' }), 400, /tags/);
      expectError(await put({ scopes: { users: [] } }), 400, /scopes/);
      expectError(await http(`${by.url}/batches/${batch.id}?withScopes=yes`, { method: 'PUT', headers: sdk(), body: { name: 'x' } }), 400, /withScopes/);
      expectError(await http(`${by.url}/batches/${batch.id}?project=UmNqmfDEBDswtpaaRDs6xHpn`, { method: 'PUT', headers: sdk(), body: { name: 'x' } }), 400, /project/);
      expectError(await http(`${by.url}/batches/${batch.id}`, { method: 'PUT', headers: sdk(), raw: '{"name":' }), 400, /json/i);
      expectError(await http(`${by.url}/batches/${batch.id}`, { method: 'PUT', headers: { ...sdk(), 'content-type': 'text/plain' }, raw: 'name=x' }), 415);
      expectError(await put({ name: 'x' }, sdk(), 'UmNqmfDEBDswtpaaRDs6xHpn'), 404);
      expectError(await put({ name: 'x' }, sdk(), 'nope'), 404);
      expectError(await put({ name: 'x' }, sdk(by.key)), 404); // another tenant's batch
      expectError(await put({ name: 'x' }, sdk('bogus')), 401);
      expectError(await put({ name: 'x' }, sdk(station.key)), 403);
      expect(await head()).toBe(before);
      expect((await http(`${by.url}/batches/${batch.id}`, { headers: sdk() })).body).toEqual(batch);
    });

    it('deletes a batch (200, no body), then it is gone; a second delete is 404', async () => {
      const batch = await create({ name: 'Doomed' });
      const res = await http(`${by.url}/batches/${batch.id}`, { method: 'DELETE', headers: sdk() });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expectError(await http(`${by.url}/batches/${batch.id}`, { headers: sdk() }), 404);
      const before = await head();
      expectError(await http(`${by.url}/batches/${batch.id}`, { method: 'DELETE', headers: sdk() }), 404);
      expectError(await http(`${by.url}/batches/${batch.id}`, { method: 'PUT', headers: sdk(), body: { name: 'back' } }), 404);
      expect(await head()).toBe(before);
    });

    it('answers 405 to unsupported methods and 415 to a non-JSON create, appending nothing', async () => {
      const batch = await create({ name: 'Methods' });
      const before = await head();
      expectError(await http(`${by.url}/batches/${batch.id}`, { method: 'POST', headers: sdk(), body: {} }), 405);
      expectError(await http(`${by.url}/batches/${batch.id}`, { method: 'PATCH', headers: sdk(), body: {} }), 405);
      expectError(await http(`${by.url}/batches`, { method: 'DELETE', headers: sdk() }), 405);
      expectError(await http(`${by.url}/batches`, { method: 'POST', headers: { ...sdk(), 'content-type': 'text/plain' }, raw: '{"name":"x"}' }), 415);
      expect(await head()).toBe(before);
    });
  });
}
