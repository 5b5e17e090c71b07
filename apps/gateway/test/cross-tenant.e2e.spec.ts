import { newEvrythngId } from '@batchyard/contracts';
import { http, untilTaskEnded, type Dialect, type HttpResult, useBatchyard } from '@batchyard/test-support';
import { AUTH } from './support/hostile-input';

/**
 * The cross-tenant matrix: for every route that takes an id, tenant B gets for tenant A's id exactly the 404 (status
 * and body, with the id written as a placeholder) it gets for an id that names nothing, nothing is appended, and A's
 * resource is as it was; B's lists, whatever they filter on, never show one of A's rows. Paths take placeholders:
 * `{batch}`, `{task}`, `{thng}`, `{unitThng}`, `{file}`, `{contact}`, `{shipment}`, `{job}`, `{number}`, `{serial}`,
 * `{keyId}`, `{tenant}` (A's) and `{ownBatch}` (B's).
 */

interface IdRoute {
  dialect: Dialect;
  method: string;
  path: string;
  body?: unknown;
}

const route = (dialect: Dialect, method: string, path: string, body?: unknown): IdRoute => ({ dialect, method, path, body });

const ROUTES: IdRoute[] = [
  route('evrythng', 'GET', '/batches/{batch}'),
  route('evrythng', 'PUT', '/batches/{batch}', { name: 'Taken over' }),
  route('evrythng', 'DELETE', '/batches/{batch}'),
  route('evrythng', 'GET', '/batches/{batch}/tasks'),
  route('evrythng', 'POST', '/batches/{batch}/tasks', {
    type: 'POPULATING',
    inputParameters: { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'T' }, quantity: 1 },
  }),
  route('evrythng', 'GET', '/batches/{batch}/tasks/{task}'),
  route('evrythng', 'GET', '/batches/{ownBatch}/tasks/{task}'),
  route('evrythng', 'GET', '/batches/{batch}/tasks/{task}/logs'),
  route('evrythng', 'GET', '/batches/{batch}/tasks/{task}/result'),
  route('evrythng', 'POST', '/batches/{batch}/tasks/{task}/cancel'),
  route('evrythng', 'GET', '/thngs/{thng}'),
  route('evrythng', 'GET', '/thngs/{unitThng}'),
  route('evrythng', 'PUT', '/thngs/{unitThng}', { name: 'TAKEN-OVER' }),
  route('evrythng', 'DELETE', '/thngs/{unitThng}'),
  route('evrythng', 'PUT', '/thngs/{thng}', { name: 'TAKEN-OVER' }),
  route('evrythng', 'DELETE', '/thngs/{thng}'),
  route('evrythng', 'GET', '/thngs/{thng}/redirector'),
  route('evrythng', 'GET', '/redirections/{shortId}'),
  route('evrythng', 'PUT', '/redirections/{shortId}', { defaultRedirectUrl: 'https://taken.example/' }),
  route('evrythng', 'DELETE', '/redirections/{shortId}'),
  route('evrythng', 'GET', '/files/{file}'),
  route('evrythng', 'DELETE', '/files/{file}'),
  route('evrythng', 'GET', '/operators/{keyId}'),
  route('evrythng', 'GET', '/accounts/{tenant}/shortDomains'),
  route('packagex', 'GET', '/v1/batches/{job}'),
  route('packagex', 'GET', '/v1/batches/{job}?include_errors_json=true&include_errors_csv=true&include_upload_csv=true'),
  route('packagex', 'GET', '/v1/contacts/{contact}'),
  route('packagex', 'POST', '/v1/contacts/{contact}', { nickname: 'Taken over' }),
  route('packagex', 'DELETE', '/v1/contacts/{contact}'),
  route('packagex', 'GET', '/v1/shipments/{shipment}'),
  route('packagex', 'DELETE', '/v1/shipments/{shipment}'),
  route('tofupilot', 'GET', '/api/v2/batches/{number}'),
  route('tofupilot', 'PATCH', '/api/v2/batches/{number}', { new_number: 'TAKEN-OVER' }),
  route('tofupilot', 'DELETE', '/v2/batches/{number}'),
  route('tofupilot', 'GET', '/api/v2/units/{serial}'),
  route('tofupilot', 'PATCH', '/v2/units/{serial}', { part_number: 'TAKEN' }),
  route('tofupilot', 'DELETE', '/api/v2/units?serial_numbers={serial}'),
];

/** B's lists, filtered to A's rows where the dialect lets a filter name them. */
const LISTS: { dialect: Dialect; path: string }[] = [
  ...[
    '/batches',
    '/batches?ids={batch}',
    '/batches?filter=identifiers.number%3D{number}',
    '/thngs',
    '/thngs?filter=batch%3D{batch}',
    '/thngs?ids={thng},{unitThng}',
    '/files',
    '/files?ids={file}',
    '/redirections?evrythngId={thng}',
    '/batches/{ownBatch}/tasks?filter=batch%3D{batch}',
  ].map((path) => ({ dialect: 'evrythng' as const, path })),
  ...['/v1/batches', '/v1/batches?resource=contact&status=completed', '/v1/contacts', '/v1/groups', '/v1/shipments', '/v1/trackers', '/v1/assets'].map((path) => ({
    dialect: 'packagex' as const,
    path,
  })),
  ...[
    '/api/v2/batches',
    '/api/v2/batches?numbers={number}',
    '/api/v2/batches?search_query={serial}',
    '/v2/units',
    '/v2/units?serial_numbers={serial}',
    '/v2/units?batch_numbers={number}',
    '/v2/units?search_query=A-SN',
  ].map((path) => ({ dialect: 'tofupilot' as const, path })),
];

describe('Cross-tenant matrix through the gateway (embedded)', () => {
  const by = useBatchyard({}, { keys: { b: ['tenant-b', 'operator'] } });
  /** A's ids, B's own batch, and ids that name nothing (same shapes), by placeholder. */
  const ofA: Record<string, string> = {};
  const unknown: Record<string, string> = {};
  const ownB: Record<string, string> = {};
  const head = async () => (await by.launched.infra.events()).headPosition();
  const as = (dialect: Dialect, key: string) => AUTH[dialect](key);
  const fill = (path: string, ids: Record<string, string>) => path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? ownB[name]);

  beforeAll(async () => {
    const a = (dialect: Dialect) => as(dialect, by.key);
    const post = (path: string, headers: Record<string, string>, body: unknown) => http(`${by.url}${path}`, { method: 'POST', headers, body });

    ofA.number = 'A-LOT-1';
    ofA.batch = (await post('/batches', a('evrythng'), { name: 'A lot', identifiers: { number: ofA.number } })).body.id;
    const task = await post(`/batches/${ofA.batch}/tasks`, a('evrythng'), {
      type: 'POPULATING',
      outputParameters: { type: 'CSV', columns: ['THNG'] },
      inputParameters: { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'A thng' }, quantity: 2 },
    });
    ofA.task = (await untilTaskEnded(by.url, task.headers.get('location')!, a('evrythng'))).id;
    ofA.thng = (await http(`${by.url}/thngs?filter=batch%3D${ofA.batch}`, { headers: a('evrythng') })).body[0].id;
    ofA.serial = 'A-SN-1';
    await post('/api/v2/units', a('tofupilot'), { serial_number: ofA.serial, part_number: 'P', revision_number: 'A' });
    await http(`${by.url}/api/v2/units/${ofA.serial}`, { method: 'PATCH', headers: a('tofupilot'), body: { batch_number: ofA.number } });
    ofA.unitThng = (await http(`${by.url}/thngs?filter=identifiers.serial_number%3D${ofA.serial}`, { headers: a('evrythng') })).body[0].id;
    ofA.shortId = 'AshortA1';
    expect((await post('/redirections', a('evrythng'), { shortId: ofA.shortId, defaultRedirectUrl: 'https://a.example/', evrythngId: ofA.thng })).status).toBe(201);
    ofA.file = (await post('/files', a('evrythng'), { name: 'a.csv', type: 'text/csv', privateAccess: true })).body.id;
    ofA.contact = (await post('/v1/contacts', a('packagex'), { name: 'A contact', email: 'a@example.com' })).body.data.id;
    ofA.shipment = (await post('/v1/shipments', a('packagex'), { tracking_number: 'A-TRACK-1' })).body.data.id;
    ofA.job = (
      await post('/v1/batches', a('packagex'), { resource: 'contact', action: 'merge', mode: 'sync', save_upload: true, data: [{ name: 'A row' }, { email: 'bad' }] })
    ).body.data.id;
    ofA.keyId = (await http(`${by.url}/access`, { headers: a('evrythng') })).body.actor.id;
    ofA.tenant = 'default';

    Object.assign(unknown, {
      batch: newEvrythngId(),
      task: newEvrythngId(),
      thng: newEvrythngId(),
      unitThng: newEvrythngId(),
      shortId: 'NoShort1',
      file: newEvrythngId(),
      keyId: 'key_nothing',
      tenant: 'no-tenant',
      contact: `contact_${newEvrythngId()}`,
      shipment: `shipment_${newEvrythngId()}`,
      job: `batch_${newEvrythngId()}`,
      number: 'NO-LOT-1',
      serial: 'NO-SN-1',
    });
    ownB.ownBatch = (await post('/batches', as('evrythng', by.keys.b.key), { name: 'B lot' })).body.id;
  }, 60_000);

  /** A response with every id it was asked about written as its placeholder (and no signature, signed afresh on each read). */
  const normalised = (res: HttpResult, ids: Record<string, string>) => ({
    status: res.status,
    body: Object.entries(ids)
      .reduce((text, [name, id]) => text.split(id).join(`{${name}}`), res.text)
      .replace(/(expires|signature)=[^&"]+/g, '$1=…'),
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: A’s id is as unknown to B as an id of nobody', async (_, r) => {
    const send = (ids: Record<string, string>) => http(`${by.url}${fill(r.path, ids)}`, { method: r.method, headers: as(r.dialect, by.keys.b.key), body: r.body });
    const readByA = () => http(`${by.url}${fill(r.path.split('?')[0].replace(/\/(logs|result|cancel)$/, ''), ofA)}`, { headers: as(r.dialect, by.key) });
    const before = { head: await head(), resource: r.path.includes('{') && !r.path.startsWith('/api/v2/units?') ? normalised(await readByA(), {}) : undefined };

    const forA = normalised(await send(ofA), ofA);
    const forNobody = normalised(await send(unknown), unknown);
    expect(forA.status).toBe(404);
    expect(forA).toEqual(forNobody);
    expect(await head()).toBe(before.head);
    if (before.resource) expect(normalised(await readByA(), {})).toEqual(before.resource);
  });

  it.each(LISTS.map((l) => [l.path, l] as const))('B’s list %s shows none of A’s rows', async (_, l) => {
    const res = await http(`${by.url}${fill(l.path, ofA)}`, { headers: as(l.dialect, by.keys.b.key) });
    expect(res.status).toBe(200);
    for (const id of Object.values(ofA).filter((id) => id !== ofA.tenant)) expect(res.text).not.toContain(id);
    expect(res.text).not.toMatch(/A lot|A thng|A contact|A row|A-TRACK/);
  });

  it('gives B its own batch numbers, serial numbers, natural keys and Idempotency-Keys, whatever A holds', async () => {
    const b = (dialect: Dialect) => as(dialect, by.keys.b.key);
    expect((await http(`${by.url}/api/v2/batches`, { method: 'POST', headers: b('tofupilot'), body: { number: ofA.number } })).status).toBe(200);
    expect(
      (await http(`${by.url}/api/v2/units`, { method: 'POST', headers: b('tofupilot'), body: { serial_number: ofA.serial, part_number: 'P', revision_number: 'A' } })).status,
    ).toBe(200);
    const merged = await http(`${by.url}/v1/batches`, {
      method: 'POST',
      headers: b('packagex'),
      body: { resource: 'contact', action: 'merge', mode: 'sync', data: [{ name: 'B contact', email: 'a@example.com' }] },
    });
    expect(merged.body.data.stats).toMatchObject({ created: 1, updated: 0 });
    expect((await http(`${by.url}/v1/contacts/${ofA.contact}`, { headers: as('packagex', by.key) })).body.data).toMatchObject({ name: 'A contact' });

    const idempotent = (key: string) =>
      http(`${by.url}/batches`, { method: 'POST', headers: { ...as('evrythng', key), 'idempotency-key': 'shared-key' }, body: { name: 'Same request' } });
    const [first, second] = [await idempotent(by.key), await idempotent(by.keys.b.key)];
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.id).not.toBe(first.body.id);
    expect((await http(`${by.url}/batches/${second.body.id}`, { headers: as('evrythng', by.key) })).status).toBe(404);
  });
});
