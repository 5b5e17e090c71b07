import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, useBatchyard } from '@batchyard/test-support';

/** TofuPilot /v2/batches and /v2/units through the gateway, and the one domain shared with EVRYTHNG. */
describe('TofuPilot batches and units (embedded)', () => tofuTests({}));
const distributed = distributedOverrides();
describeTier('TofuPilot batches and units (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => tofuTests(distributed ?? {}));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function tofuTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { keys: { user: ['tofu', 'user'], station: ['tofu', 'station'] } });
  const base = () => `${by.url}/api/v2`;
  const as = (key: string) => ({ authorization: `Bearer ${key}`, accept: 'application/json' });
  const call = (path: string, init: { method?: string; body?: unknown; key?: string; raw?: string; headers?: Record<string, string> } = {}) =>
    http(`${base()}${path}`, { method: init.method, body: init.body, raw: init.raw, headers: { ...as(init.key ?? by.keys.user.key), ...init.headers } });
  const head = async () => (await by.launched.infra.events()).headPosition();
  const expectError = (res: { status: number; body: any; headers: Headers }, status: number, code: string, mention?: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ message: expect.any(String), code, issues: expect.any(Array) });
    if (mention) expect(JSON.stringify(res.body)).toMatch(mention);
  };
  const expectOk = (res: { status: number; headers: Headers }) => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  };

  describe('batches', () => {
    it('creates (200 {id}), reads by number ignoring case, with units [] and the creating key', async () => {
      const created = await call('/batches', { method: 'POST', body: { number: 'LOT-A1' } });
      expectOk(created);
      expect(created.body).toEqual({ id: expect.stringMatching(UUID) });
      const read = await call('/batches/lot-a1');
      expectOk(read);
      expect(read.body).toEqual({
        id: created.body.id,
        number: 'LOT-A1',
        created_at: expect.stringMatching(ISO),
        created_by_user: { id: by.keys.user.keyId, name: expect.any(String) },
        created_by_station: null,
        unit_count: 0,
        units: [],
      });
      // Also at /v2 without /api.
      expect((await http(`${by.url}/v2/batches/LOT-A1`, { headers: as(by.keys.user.key) })).body.id).toBe(created.body.id);
    });

    it('fills created_by_station for station keys; a + in the number stays a +', async () => {
      const created = await call('/batches', { method: 'POST', body: { number: 'st+1:x' }, key: by.keys.station.key });
      expectOk(created);
      const read = await call('/batches/st+1:x', { key: by.keys.station.key });
      expect(read.body).toMatchObject({ number: 'st+1:x', created_by_user: null, created_by_station: { id: by.keys.station.keyId, name: expect.any(String) } });
    });

    it('refuses a duplicate number, ignoring case, with 409 and appends nothing', async () => {
      await call('/batches', { method: 'POST', body: { number: 'Dup-1' } });
      const before = await head();
      expectError(await call('/batches', { method: 'POST', body: { number: 'DUP-1' } }), 409, 'CONFLICT', /already exists/);
      expect(await head()).toBe(before);
    });

    it('renames with new_number, 409 on a clash, and frees the old number', async () => {
      await call('/batches', { method: 'POST', body: { number: 'REN-1' } });
      await call('/batches', { method: 'POST', body: { number: 'REN-2' } });
      expectError(await call('/batches/REN-1', { method: 'PATCH', body: { new_number: 'ren-2' } }), 409, 'CONFLICT');
      const renamed = await call('/batches/ren-1', { method: 'PATCH', body: { new_number: 'REN-3' } });
      expectOk(renamed);
      expect((await call('/batches/REN-3')).body.id).toBe(renamed.body.id);
      expectError(await call('/batches/REN-1'), 404, 'NOT_FOUND');
      expectOk(await call('/batches', { method: 'POST', body: { number: 'REN-1' } })); // the old number is free again
    });

    it('deletes → {id:[…]}, its units stay with batch null; the number can be used again', async () => {
      const batch = (await call('/batches', { method: 'POST', body: { number: 'DEL-1' } })).body;
      await call('/units', { method: 'POST', body: { serial_number: 'DEL-SN1', part_number: 'P1', revision_number: 'A' } });
      expectOk(await call('/units/DEL-SN1', { method: 'PATCH', body: { batch_number: 'DEL-1' } }));
      const deleted = await call('/batches/del-1', { method: 'DELETE' });
      expectOk(deleted);
      expect(deleted.body).toEqual({ id: [batch.id] });
      expectError(await call('/batches/DEL-1'), 404, 'NOT_FOUND');
      expect((await call('/units/DEL-SN1')).body.batch).toBeNull();
      const thngs = await http(`${by.url}/thngs?filter=${encodeURIComponent('identifiers.serial_number=DEL-SN1')}`, { headers: { authorization: by.keys.user.key } });
      expect(thngs.body).toHaveLength(1);
      expect(thngs.body[0]).not.toHaveProperty('batch'); // unlinked on the EVRYTHNG side too
      expectOk(await call('/batches', { method: 'POST', body: { number: 'DEL-1' } }));
    });

    it('lists with meta, offset cursor, next_cursor null on the last page, filters and sorts', async () => {
      const tenant = await issueKey(by.launched.infra, 'tofu-list', 'user');
      const own = (path: string) => http(`${base()}${path}`, { headers: as(tenant.key) });
      const ids: string[] = [];
      for (const n of ['L-1', 'L-2', 'L-3']) ids.push((await http(`${base()}/batches`, { method: 'POST', headers: as(tenant.key), body: { number: n } })).body.id);
      await http(`${base()}/units`, { method: 'POST', headers: as(tenant.key), body: { serial_number: 'FIND-ME-7', part_number: 'PCB', revision_number: 'R2' } });
      await http(`${base()}/units/FIND-ME-7`, { method: 'PATCH', headers: as(tenant.key), body: { batch_number: 'L-2' } });

      const first = await own('/batches?limit=2&sort_by=created_at&sort_order=desc');
      expectOk(first);
      expect(first.body.data.map((b: any) => b.number)).toEqual(['L-3', 'L-2']);
      expect(first.body.meta).toEqual({ has_more: true, next_cursor: 2 });
      expect(first.body.data[1]).toEqual({
        id: ids[1],
        number: 'L-2',
        created_at: expect.stringMatching(ISO),
        created_by_user: expect.any(Object),
        created_by_station: null,
        unit_count: 1,
      });
      const last = await own('/batches?limit=2&cursor=2');
      expect(last.body.data.map((b: any) => b.number)).toEqual(['L-1']);
      expect(last.body.meta).toEqual({ has_more: false, next_cursor: null });

      const numbers = (res: any) => res.body.data.map((b: any) => b.number);
      expect(numbers(await own('/batches?sort_by=number&sort_order=asc'))).toEqual(['L-1', 'L-2', 'L-3']);
      expect(numbers(await own('/batches?numbers=l-1&numbers=L-3'))).toEqual(['L-3', 'L-1']);
      expect(numbers(await own(`/batches?ids=${ids[0]}`))).toEqual(['L-1']);
      expect(numbers(await own('/batches?search_query=find-me'))).toEqual(['L-2']);
      expect(numbers(await own('/batches?search_query=l-3'))).toEqual(['L-3']);
      expect(numbers(await own('/batches?part_numbers=PCB&revision_numbers=R2'))).toEqual(['L-2']);
      expect(numbers(await own('/batches?part_numbers=NONE'))).toEqual([]);
      const created = (await own('/batches/L-2')).body.created_at;
      expect(numbers(await own(`/batches?created_after=${encodeURIComponent(created)}&created_before=${encodeURIComponent(created)}`))).toEqual(['L-2']);
    });

    it('refuses every bad list parameter with 400 and Zod-style issues', async () => {
      const cases = [
        'limit=0',
        'limit=101',
        'limit=x',
        'cursor=-1',
        'cursor=9007199254740992',
        'cursor=1.5',
        'created_after=2023-02-29T00:00:00Z',
        'created_after=2024-01-01T00:00:00',
        'created_before=2024-13-01T00:00:00Z',
        'created_after=yesterday',
        `search_query=${'x'.repeat(101)}`,
        'sort_by=name',
        'sort_order=up',
        'ids=not-a-uuid',
        'colour=red',
        'limit=1&limit=2',
      ];
      for (const query of cases) {
        const res = await call(`/batches?${query}`);
        expectError(res, 400, 'BAD_REQUEST');
        expect(res.body.message).toBe('Input validation failed');
        expect(res.body.issues[0]).toEqual(expect.objectContaining({ code: expect.any(String), path: expect.any(Array), message: expect.any(String) }));
      }
      expectOk(await call('/batches?created_after=2024-02-29T00:00:00Z&created_before=2024-03-01T10:00:00.123456%2B02:00'));
    });

    it('refuses bad bodies, unknown numbers, wrong keys and station writes, appending nothing', async () => {
      await call('/batches', { method: 'POST', body: { number: 'KEEP-1' } });
      const before = await head();
      for (const number of ['', 'a b', 'a/b', 'a(b)', 'a#b', 'a,b', "a'b", 'x'.repeat(61), 5]) {
        expectError(await call('/batches', { method: 'POST', body: { number } }), 400, 'BAD_REQUEST', /number/);
      }
      expectError(await call('/batches', { method: 'POST', body: {} }), 400, 'BAD_REQUEST', /number/);
      expectError(await call('/batches', { method: 'POST', body: { number: 'OK-9', colour: 'red' } }), 400, 'BAD_REQUEST', /colour/);
      expectError(await call('/batches', { method: 'POST', raw: '{"number":', headers: { 'content-type': 'application/json' } }), 400, 'BAD_REQUEST');
      expectError(await call('/batches', { method: 'POST', raw: 'number=x', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectError(await call('/batches/KEEP-1', { method: 'PATCH', body: { new_number: 'bad name' } }), 400, 'BAD_REQUEST', /new_number/);
      expectError(await call('/batches/NOPE-1', { method: 'PATCH', body: { new_number: 'X-1' } }), 404, 'NOT_FOUND');
      expectError(await call('/batches/NOPE-1', { method: 'DELETE' }), 404, 'NOT_FOUND');
      expectError(await call('/batches/KEEP-1', { method: 'PATCH', body: { new_number: 'X-1' }, key: by.keys.station.key }), 403, 'FORBIDDEN');
      expectError(await call('/batches/KEEP-1', { method: 'DELETE', key: by.keys.station.key }), 403, 'FORBIDDEN');
      expectError(await call('/batches', { key: 'bogus' }), 401, 'UNAUTHORIZED');
      expectError(await http(`${base()}/batches`), 401, 'UNAUTHORIZED');
      expectError(await call('/batches/KEEP-1', { key: by.key }), 404, 'NOT_FOUND'); // another tenant
      expectError(await call('/nothing/here'), 404, 'NOT_FOUND');
      expect(await head()).toBe(before);
      expectOk(await call('/batches/KEEP-1'));
    });

    it('answers an Idempotency-Key retry with the first answer', async () => {
      const headers = { 'idempotency-key': 'tofu-once' };
      const first = await call('/batches', { method: 'POST', body: { number: 'IDEM-1' }, headers });
      const second = await call('/batches', { method: 'POST', body: { number: 'IDEM-1' }, headers });
      expectOk(second);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expectError(await call('/batches', { method: 'POST', body: { number: 'IDEM-2' }, headers }), 422, 'UNPROCESSABLE_CONTENT');
    });
  });

  describe('units', () => {
    it('creates a unit with its part and revision, reads and lists it in the client’s models', async () => {
      const created = await call('/units', { method: 'POST', body: { serial_number: 'SN-100', part_number: 'PCB-7', revision_number: 'B' }, key: by.keys.station.key });
      expectOk(created);
      expect(created.body).toEqual({ id: expect.stringMatching(UUID) });
      const part = { id: expect.stringMatching(UUID), number: 'PCB-7', name: 'PCB-7', revision: { id: expect.stringMatching(UUID), number: 'B' } };
      const read = await call('/units/sn-100');
      expectOk(read);
      expect(read.body).toEqual({
        id: created.body.id,
        serial_number: 'SN-100',
        created_at: expect.stringMatching(ISO),
        part,
        batch: null,
        parent: null,
        children: [],
        created_by_user: null,
        created_by_station: { id: by.keys.station.keyId, name: expect.any(String) },
      });
      const list = await call('/units?serial_numbers=SN-100&latest_only=false&exclude_units_with_parent=false&limit=50&sort_by=created_at&sort_order=desc');
      expectOk(list);
      expect(list.body).toEqual({ data: [read.body], meta: { has_more: false, next_cursor: null } });
    });

    it('assigns to a batch, moves part/revision, renames the serial, unlinks with batch_number null', async () => {
      await call('/batches', { method: 'POST', body: { number: 'U-LOT' } });
      await call('/units', { method: 'POST', body: { serial_number: 'SN-200', part_number: 'P', revision_number: 'A' } });
      expectOk(await call('/units/SN-200', { method: 'PATCH', body: { batch_number: 'u-lot', part_number: 'P2', revision_number: 'C', new_serial_number: 'SN-201' } }));
      const unit = (await call('/units/SN-201')).body;
      expect(unit).toMatchObject({ serial_number: 'SN-201', batch: { number: 'U-LOT' }, part: { number: 'P2', revision: { number: 'C' } } });
      expectError(await call('/units/SN-200'), 404, 'NOT_FOUND');
      const batch = (await call('/batches/U-LOT')).body;
      expect(batch.units).toEqual([{ id: unit.id, serial_number: 'SN-201', created_at: unit.created_at, part: unit.part }]);
      expect(batch.unit_count).toBe(1);
      expect((await call('/units?batch_numbers=U-LOT')).body.data.map((u: any) => u.id)).toEqual([unit.id]);
      expect((await call('/batches?numbers=U-LOT')).body.data[0].unit_count).toBe(1);
      expectOk(await call('/units/SN-201', { method: 'PATCH', body: { batch_number: null } }));
      expect((await call('/units/SN-201')).body.batch).toBeNull();
      expect((await call('/batches?numbers=U-LOT')).body.data[0].unit_count).toBe(0);
      expect((await call('/batches/U-LOT')).body).toMatchObject({ unit_count: 0, units: [] });
    });

    it('refuses a PATCH of a unit that changes nothing (no body, {}) with 400, recording nothing', async () => {
      await call('/units', { method: 'POST', body: { serial_number: 'SN-250', part_number: 'P', revision_number: 'A' } });
      const before = await head();
      expectError(await call('/units/SN-250', { method: 'PATCH' }), 400, 'BAD_REQUEST', /at least one/);
      expectError(await call('/units/SN-250', { method: 'PATCH', body: {} }), 400, 'BAD_REQUEST', /at least one/);
      expect(await head()).toBe(before);
    });

    it('refuses a duplicate serial (ignoring case) and a rename onto one, with 409', async () => {
      await call('/units', { method: 'POST', body: { serial_number: 'SN-300', part_number: 'P', revision_number: 'A' } });
      await call('/units', { method: 'POST', body: { serial_number: 'SN-301', part_number: 'P', revision_number: 'A' } });
      const before = await head();
      expectError(await call('/units', { method: 'POST', body: { serial_number: 'sn-300', part_number: 'P', revision_number: 'A' } }), 409, 'CONFLICT', /already exists/);
      expectError(await call('/units/SN-301', { method: 'PATCH', body: { new_serial_number: 'SN-300' } }), 409, 'CONFLICT', /serial number/);
      expect(await head()).toBe(before);
    });

    it('deletes by serial_numbers → {id:[…]}; stations may not; unknown serials are 404 and delete nothing', async () => {
      const a = (await call('/units', { method: 'POST', body: { serial_number: 'SN-400', part_number: 'P', revision_number: 'A' } })).body.id;
      const b = (await call('/units', { method: 'POST', body: { serial_number: 'SN-401', part_number: 'P', revision_number: 'A' } })).body.id;
      const before = await head();
      expectError(await call('/units?serial_numbers=SN-400', { method: 'DELETE', key: by.keys.station.key }), 403, 'FORBIDDEN');
      expectError(await call('/units?serial_numbers=SN-400&serial_numbers=NOPE', { method: 'DELETE' }), 404, 'NOT_FOUND');
      expectError(await call('/units', { method: 'DELETE' }), 400, 'BAD_REQUEST');
      expect(await head()).toBe(before);
      const deleted = await call('/units?serial_numbers=SN-400&serial_numbers=sn-401', { method: 'DELETE' });
      expectOk(deleted);
      expect(deleted.body).toEqual({ id: [a, b] });
      expectError(await call('/units/SN-400'), 404, 'NOT_FOUND');
      expectOk(await call('/units', { method: 'POST', body: { serial_number: 'SN-400', part_number: 'P', revision_number: 'A' } }));
    });

    it('refuses bad unit input with 400, unknown batches with 404, appending nothing', async () => {
      await call('/units', { method: 'POST', body: { serial_number: 'SN-500', part_number: 'P', revision_number: 'A' } });
      const before = await head();
      expectError(await call('/units', { method: 'POST', body: { serial_number: 'SN 1', part_number: 'P', revision_number: 'A' } }), 400, 'BAD_REQUEST', /serial_number/);
      expectError(await call('/units', { method: 'POST', body: { serial_number: 'SN-1' } }), 400, 'BAD_REQUEST', /part_number/);
      expectError(await call('/units', { method: 'POST', body: { serial_number: 'SN-1', part_number: 'P', revision_number: 'A', batch: 'x' } }), 400, 'BAD_REQUEST', /batch/);
      expectError(await call('/units/SN-500', { method: 'PATCH', body: { batch_number: 'NO-SUCH-LOT' } }), 404, 'NOT_FOUND');
      expectError(await call('/units/SN-500', { method: 'PATCH', body: { batch_number: 7 } }), 400, 'BAD_REQUEST');
      expectError(await call('/units/NOPE', { method: 'PATCH', body: { part_number: 'X' } }), 404, 'NOT_FOUND');
      // Another tenant's unit does not exist for this key, on every route.
      expectError(await call('/units/SN-500', { key: by.key }), 404, 'NOT_FOUND');
      expectError(await call('/units/SN-500', { method: 'PATCH', body: { part_number: 'X' }, key: by.key }), 404, 'NOT_FOUND');
      expectError(await call('/units?serial_numbers=SN-500', { method: 'DELETE', key: by.key }), 404, 'NOT_FOUND');
      expect((await call('/units?serial_numbers=SN-500', { key: by.key })).body.data).toEqual([]);
      const thngId = (await http(`${by.url}/thngs?filter=${encodeURIComponent('name=SN-500')}`, { headers: { authorization: by.keys.user.key } })).body[0].id;
      expect((await http(`${by.url}/thngs/${thngId}`, { headers: { authorization: by.key } })).status).toBe(404);
      for (const q of ['limit=0', 'sort_by=name', 'latest_only=maybe', 'created_after=2023-02-29T00:00:00Z', 'outcomes=GOOD']) {
        expectError(await call(`/units?${q}`), 400, 'BAD_REQUEST');
      }
      expect(await head()).toBe(before);
    });
  });

  describe('one domain', () => {
    const evt = () => ({ authorization: by.keys.user.key, 'content-type': 'application/json' });

    it('shows a TofuPilot batch in EVRYTHNG with name and identifiers.number, editable there', async () => {
      await call('/batches', { method: 'POST', body: { number: 'ONE-1' } });
      const listed = await http(`${by.url}/batches?filter=${encodeURIComponent('identifiers.number=ONE-1')}`, { headers: evt() });
      expect(listed.body).toHaveLength(1);
      expect(listed.body[0]).toMatchObject({ name: 'ONE-1', identifiers: { number: 'ONE-1' }, status: 'EMPTY' });
      const put = await http(`${by.url}/batches/${listed.body[0].id}`, { method: 'PUT', headers: evt(), body: { description: 'from EVRYTHNG' } });
      expect(put.status).toBe(200);
      expectOk(await call('/batches/ONE-1'));
    });

    it('shows units as Thngs: read by id, listed newest first, filtered by batch and identifiers, paged by Link', async () => {
      const lot = (await call('/batches', { method: 'POST', body: { number: 'THNG-LOT' } })).body;
      const serials = ['TH-1', 'TH-2', 'TH-3'];
      for (const serial_number of serials) {
        await call('/units', { method: 'POST', body: { serial_number, part_number: 'PT', revision_number: 'R1' } });
        await call(`/units/${serial_number}`, { method: 'PATCH', body: { batch_number: 'THNG-LOT' } });
      }
      const evtBatch = (await http(`${by.url}/batches?filter=${encodeURIComponent('identifiers.number=THNG-LOT')}`, { headers: evt() })).body[0];
      expect(lot.id).not.toBe(evtBatch.id); // each dialect shows only its own id
      const byBatch = await http(`${by.url}/thngs?filter=${encodeURIComponent(`batch=${evtBatch.id}`)}&perPage=2`, { headers: evt() });
      expect(byBatch.status).toBe(200);
      expect(byBatch.headers.get('x-result-count')).toBe('3');
      expect(byBatch.body.map((t: any) => t.name)).toEqual(['TH-3', 'TH-2']);
      expect(byBatch.body[0]).toEqual({
        id: expect.stringMatching(/^[a-zA-Z0-9]{24}$/),
        createdAt: expect.any(Number),
        updatedAt: expect.any(Number),
        name: 'TH-3',
        identifiers: { serial_number: 'TH-3', part_number: 'PT', revision_number: 'R1' },
        batch: evtBatch.id,
      });
      const next = decodeURIComponent(byBatch.headers.get('link')!.split(';')[0].slice(1, -1));
      expect((await http(next, { headers: evt() })).body.map((t: any) => t.name)).toEqual(['TH-1']);
      const one = await http(`${by.url}/thngs/${byBatch.body[0].id}`, { headers: evt() });
      expect(one.body).toEqual(byBatch.body[0]);
      const bySerial = await http(`${by.url}/thngs?filter=${encodeURIComponent('identifiers.serial_number=TH-2')}`, { headers: evt() });
      expect(bySerial.body.map((t: any) => t.name)).toEqual(['TH-2']);
      for (const bad of ['/thngs/UmNqmfDEBDswtpaaRDs6xHpn', '/thngs/short']) {
        const res = await http(`${by.url}${bad}`, { headers: evt() });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ status: 404, errors: [expect.any(String)] });
      }
      const badFilter = await http(`${by.url}/thngs?filter=${encodeURIComponent('colour=red')}`, { headers: evt() });
      expect(badFilter.status).toBe(400);
      expect(badFilter.body.errors[0]).toMatch(/colour/);
      expect((await http(`${by.url}/thngs`, { method: 'POST', headers: evt(), body: { name: 'x' } })).status).toBe(405);
    });

    it('lists an EVRYTHNG batch under /v2 once a PUT gives it a number; a clashing number is 409 in EVRYTHNG shape', async () => {
      const batch = (await http(`${by.url}/batches`, { method: 'POST', headers: evt(), body: { name: 'Free text name' } })).body;
      expectError(await call('/batches/Free text name'.replace(/ /g, '%20')), 404, 'NOT_FOUND');
      const put = await http(`${by.url}/batches/${batch.id}`, { method: 'PUT', headers: evt(), body: { identifiers: { number: 'EVT-9' } } });
      expect(put.status).toBe(200);
      const tofu = await call('/batches/evt-9');
      expectOk(tofu);
      expect(tofu.body.number).toBe('EVT-9');
      await call('/batches', { method: 'POST', body: { number: 'TAKEN-1' } });
      const before = await head();
      const clash = await http(`${by.url}/batches/${batch.id}`, { method: 'PUT', headers: evt(), body: { identifiers: { number: 'taken-1' } } });
      expect(clash.status).toBe(409);
      expect(clash.body).toEqual({ status: 409, errors: [expect.stringMatching(/already exists/)], code: 'CONFLICT', moreInfo: expect.any(String) });
      const bad = await http(`${by.url}/batches/${batch.id}`, { method: 'PUT', headers: evt(), body: { identifiers: { number: 'has space' } } });
      expect(bad.status).toBe(400);
      const taken = await http(`${by.url}/batches`, { method: 'POST', headers: evt(), body: { name: 'Another', identifiers: { number: 'TAKEN-1' } } });
      expect(taken.status).toBe(409);
      expect(taken.body.errors[0]).toMatch(/already exists/);
      expect(await head()).toBe(before);
      // Deleting through EVRYTHNG frees the number too.
      await http(`${by.url}/batches/${batch.id}`, { method: 'DELETE', headers: evt() });
      expectOk(await call('/batches', { method: 'POST', body: { number: 'EVT-9' } }));
    });
  });
}
