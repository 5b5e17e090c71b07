import { getWithHost, http, prototypeSnapshot, untilTaskEnded, useBatchyard } from '@batchyard/test-support';
import { AUTH, MiB, deepJson, expectRefused, huge, jsonBodyAttacks, manyKeysJson, withMember, type HostileCase } from './support/hostile-input';

/**
 * Every JSON and CSV entry point of the three dialects, as an attacker or a careless client would try it: prototype
 * keys, deep nesting, huge keys and values, wrong types, oversized payloads, hostile query strings, page tokens,
 * ids and headers. Each is a 4xx in its dialect's shape that appends nothing and leaves Object.prototype alone, and
 * right after it another tenant's write answers 201. Paths take `{batch}`, `{task}`, `{file}`, `{contact}`, `{job}`,
 * `{number}`, `{serial}`, `{upload}` (a requested bulk job's signed upload URL) and `{forgedUpload}` from the suite's
 * own resources.
 */

const b64 = (value: string) => Buffer.from(value).toString('base64url');
const csvUrl = (csv: string | Buffer, type = 'text/csv') => `data:${type};base64,${Buffer.from(csv).toString('base64')}`;
const q = (path: string, query: string) => `${path}?${query}`;
const evrythng = (name: string, method: string, path: string, status: number, rest: Partial<HostileCase> = {}): HostileCase => ({
  name,
  dialect: 'evrythng',
  method,
  path,
  status,
  ...rest,
});
const packagex = (name: string, method: string, path: string, status: number, rest: Partial<HostileCase> = {}): HostileCase => ({
  name,
  dialect: 'packagex',
  method,
  path,
  status,
  ...rest,
});
const tofupilot = (name: string, method: string, path: string, status: number, rest: Partial<HostileCase> = {}): HostileCase => ({
  name,
  dialect: 'tofupilot',
  method,
  path,
  status,
  ...rest,
});

const FIXED_AMOUNT = { type: 'POPULATING', inputParameters: { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'T' }, quantity: 1 } };
const withInput = (input: Record<string, unknown>) => ({ ...FIXED_AMOUNT, inputParameters: { ...FIXED_AMOUNT.inputParameters, ...input } });
const contactJob = (data: unknown, extra: Record<string, unknown> = {}) => ({ resource: 'contact', action: 'merge', mode: 'sync', data, ...extra });

/** EVRYTHNG `?filter=`, paging and id parameters, for each of its listings. */
function evrythngListing(path: string): HostileCase[] {
  const get = (query: string, status = 400) => evrythng(`GET ${path}?${query.slice(0, 60)}`, 'GET', q(path, query), status);
  return [
    ...[
      'constructor=x',
      '__proto__.x=1',
      'toString=x',
      'hasOwnProperty=x',
      'identifiers.1a=x',
      'identifiers.__proto__=x',
      'identifiers.constructor=x',
      'name',
      'createdAt=5',
      'createdAt>abc',
      'createdAt>1e400',
      `${huge(300)}=x`,
    ].map((filter) => get(`filter=${encodeURIComponent(filter)}`)),
    get('filter=name%3Da&filter=name%3Db'),
    get('perPage=0'),
    get('perPage=101'),
    get('perPage=abc'),
    get('sortOrder=SIDEWAYS'),
    get(`ids=${Array.from({ length: 101 }, () => 'UmNqmfDEBDswtpaaRDs6xHpn').join(',')}`),
    get('ids=__proto__'),
    get('nextPageToken=%25%25%25'),
    get(`nextPageToken=${b64('{"__proto__":{"polluted":true}}')}`),
    get(`nextPageToken=${b64('[1e400,"x"]')}`),
    get(`nextPageToken=${b64('["1","x"]')}`),
    get(`nextPageToken=${b64(`[1,"${huge(300)}"]`)}`),
  ];
}

const EVRYTHNG_CASES: HostileCase[] = [
  ...jsonBodyAttacks({ dialect: 'evrythng', method: 'POST', path: '/batches', base: { name: 'Lot' }, freeMap: 'customFields' }),
  ...jsonBodyAttacks({ dialect: 'evrythng', method: 'PUT', path: '/batches/{batch}', base: { name: 'Lot' }, freeMap: 'identifiers' }),
  ...jsonBodyAttacks({ dialect: 'evrythng', method: 'POST', path: '/batches/{batch}/tasks', base: FIXED_AMOUNT, freeMap: 'customFields' }),
  ...jsonBodyAttacks({ dialect: 'evrythng', method: 'POST', path: '/files', base: { name: 'f.csv', type: 'text/csv', privateAccess: true }, freeMap: 'customFields' }),
  evrythng('a batch name of the wrong type', 'POST', '/batches', 400, { body: { name: 5 } }),
  evrythng('a 100,000-character batch name', 'POST', '/batches', 400, { body: { name: huge(100_000) } }),
  evrythng('tags that are no list', 'POST', '/batches', 400, { body: { name: 'Lot', tags: 'x' } }),
  evrythng('61 tags', 'POST', '/batches', 400, { body: { name: 'Lot', tags: Array.from({ length: 61 }, (_, i) => `t${i}`) } }),
  evrythng('customFields that are no object', 'POST', '/batches', 400, { body: { name: 'Lot', customFields: ['x'] } }),
  evrythng('an unknown field', 'POST', '/batches', 400, { body: { name: 'Lot', polluted: true } }),
  evrythng('a text/plain body', 'POST', '/batches', 415, { raw: '{"name":"Lot"}', contentType: 'text/plain' }),
  evrythng('an empty Idempotency-Key', 'POST', '/batches', 400, { body: { name: 'Lot' }, headers: { 'idempotency-key': ' ' } }),
  evrythng('an Idempotency-Key of 8,000 characters', 'POST', '/batches', 400, { body: { name: 'Lot' }, headers: { 'idempotency-key': huge(8_000) } }),
  evrythng('an Authorization of 8,000 characters', 'POST', '/batches', 401, { body: { name: 'Lot' }, headers: { authorization: huge(8_000) } }),
  evrythng('no Authorization', 'GET', '/batches', 401, { auth: false }),
  evrythng('a task quantity above the limit', 'POST', '/batches/{batch}/tasks', 400, { body: withInput({ quantity: 10_000_000 }) }),
  evrythng('a task quantity as a string', 'POST', '/batches/{batch}/tasks', 400, { body: withInput({ quantity: '5' }) }),
  evrythng('a product that is no id', 'POST', '/batches/{batch}/tasks', 400, { body: withInput({ thngTemplate: { name: 'T', product: '../../x' } }) }),
  evrythng('a customIdentifier.key of __proto__', 'POST', '/batches/{batch}/tasks', 400, {
    body: {
      type: 'POPULATING',
      inputParameters: {
        type: 'IDENTIFIERS_LIST_BASED',
        generateThngs: true,
        generateRedirections: false,
        thngTemplate: { name: 'T' },
        customIdentifier: { key: '__proto__', values: ['a'] },
      },
    },
  }),
  evrythng('a __proto__ identifier in the Thng template', 'POST', '/batches/{batch}/tasks', 400, {
    raw: JSON.stringify(FIXED_AMOUNT).replace('"thngTemplate":{', '"thngTemplate":{"identifiers":{"__proto__":"x"},'),
  }),
  evrythng('inputData that is no list', 'POST', '/batches/{batch}/tasks', 400, { body: withInput({ type: 'LIST_BASED', inputData: { shortId: 'x' } }) }),
  evrythng('an unknown task type', 'POST', '/batches/{batch}/tasks', 400, { body: { ...FIXED_AMOUNT, type: 'constructor' } }),
  ...['/batches', '/batches/{batch}/tasks', '/thngs', '/files'].flatMap(evrythngListing),
  ...[
    '/batches/__proto__',
    '/batches/constructor/tasks',
    '/batches/{batch}/tasks/__proto__',
    '/batches/{batch}/tasks/{task}/logs/x',
    '/thngs/constructor',
    '/files/prototype',
    '/operators/constructor',
    '/accounts/__proto__/shortDomains',
  ].map((path) => evrythng(`GET ${path}`, 'GET', path, 404)),
  evrythng('PUT /batches/__proto__', 'PUT', '/batches/__proto__', 404, { body: { name: 'x' } }),
  evrythng('DELETE /files/constructor', 'DELETE', '/files/constructor', 404),
  evrythng('GET /docs/constructor', 'GET', '/docs/constructor', 404, { auth: false }),
  evrythng('GET /docs/__proto__', 'GET', '/docs/__proto__', 404, { auth: false }),
  evrythng('a file upload with a forged signature', 'PUT', '/files/{file}/upload?tenant=default&expires=9999999999&signature=AAAA', 403, {
    auth: false,
    raw: 'shortId\nabc\n',
    contentType: 'text/csv',
  }),
];

const RESOURCES = {
  contacts: { name: 'Ann' },
  groups: { name: 'Finance' },
  shipments: { tracking_number: '1Z999AA10123456784' },
  trackers: { tracking_number: 'PKGX-DELIVER-AAAAAAA' },
  assets: { name: 'Pallet' },
};
const CSV_HEADERS = ['__proto__.x', 'constructor.prototype.y', 'metadata.__proto__', 'metadata.prototype', 'metadata.$where', 'metadata..x', `metadata.${'k'.repeat(300)}`];
const BULK_BODIES = { bytes: 12 * MiB, maxKeys: 2_000_000 };

const PACKAGEX_CASES: HostileCase[] = [
  ...jsonBodyAttacks({ dialect: 'packagex', method: 'POST', path: '/v1/batches', base: contactJob([{ name: 'Ann' }]), freeMap: 'properties', ...BULK_BODIES }),
  ...Object.entries(RESOURCES).flatMap(([plural, base]) => jsonBodyAttacks({ dialect: 'packagex', method: 'POST', path: `/v1/${plural}`, base, freeMap: 'metadata' })),
  ...jsonBodyAttacks({ dialect: 'packagex', method: 'POST', path: '/v1/contacts/{contact}', base: { nickname: 'JJ' }, freeMap: 'metadata' }),
  packagex('a data row with a __proto__ key', 'POST', '/v1/batches', 400, {
    raw: JSON.stringify(contactJob([{ name: 'Ann' }])).replace('{"name"', '{"__proto__":{"polluted":true},"name"'),
  }),
  packagex('a data row with a $-operator in metadata', 'POST', '/v1/batches', 400, { body: contactJob([{ name: 'Ann', metadata: { $gt: 1 } }]) }),
  packagex('properties with a constructor key', 'POST', '/v1/batches', 400, {
    raw: withMember(contactJob([{ name: 'Ann' }]), '"properties":{"constructor":{"prototype":{"polluted":true}}}'),
  }),
  packagex('properties with an unknown field', 'POST', '/v1/batches', 400, { body: contactJob([{ name: 'Ann' }], { properties: { polluted: true } }) }),
  packagex('a resource of __proto__', 'POST', '/v1/batches', 400, { body: contactJob([{ name: 'Ann' }], { resource: '__proto__' }) }),
  packagex('an action of constructor', 'POST', '/v1/batches', 400, { body: contactJob([{ name: 'Ann' }], { action: 'constructor' }) }),
  packagex('a mode of toString', 'POST', '/v1/batches', 400, { body: contactJob([{ name: 'Ann' }], { mode: 'toString' }) }),
  packagex('data as a number', 'POST', '/v1/batches', 400, { body: contactJob(5) }),
  packagex('data as an empty list', 'POST', '/v1/batches', 400, { body: contactJob([]) }),
  packagex('data as a web URL', 'POST', '/v1/batches', 400, { body: contactJob('https://example.com/contacts.csv') }),
  packagex('a data URL that is no base64', 'POST', '/v1/batches', 400, { body: contactJob('data:text/csv;base64,@@@@') }),
  packagex('a data URL of an unsupported type', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl('name\nAnn\n', 'image/png')) }),
  packagex('save_upload as a string', 'POST', '/v1/batches', 400, { body: contactJob([{ name: 'Ann' }], { save_upload: 'yes' }) }),
  packagex('a shipment overwrite (merge only)', 'POST', '/v1/batches', 400, { body: { resource: 'shipment', action: 'overwrite', data: [{ tracking_number: 'X' }] } }),
  ...CSV_HEADERS.map((header) => packagex(`a CSV header ${header.slice(0, 40)}`, 'POST', '/v1/batches', 400, { body: contactJob(csvUrl(`name,${header}\nAnn,1\n`)) })),
  packagex('CSV headers one inside the other', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl('name,metadata,metadata.source\nAnn,x,crm\n')) }),
  packagex('malformed CSV', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl('name\n"open\n')) }),
  packagex('CSV that is not UTF-8', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe, 0x0a]))) }),
  packagex('CSV without rows', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl('name,email\n')) }),
  packagex('a sync CSV of 1,001 rows', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl(`name\n${'Ann\n'.repeat(1_001)}`)) }),
  packagex('a CSV of 100,001 rows', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl(`name\n${'Ann\n'.repeat(100_001)}`), { mode: 'mixed' }) }),
  packagex('a JSON file with a __proto__ key', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl('[{"name":"Ann","__proto__":{"polluted":true}}]', 'application/json')) }),
  packagex('a JSON file nested 40 deep', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl(`[{"name":"Ann","metadata":${deepJson(40)}}]`, 'application/json')) }),
  packagex('a JSON file that is no list', 'POST', '/v1/batches', 400, { body: contactJob(csvUrl('{"name":"Ann"}', 'application/json')) }),
  packagex('a contact name of the wrong type', 'POST', '/v1/contacts', 400, { body: { name: 5 } }),
  packagex('a contact with a bad email', 'POST', '/v1/contacts', 400, { body: { name: 'Ann', email: 'not-an-email' } }),
  packagex('a tracker delivery time as text', 'POST', '/v1/trackers', 400, { body: { tracking_number: 'X', estimated_delivery_at: 'soon' } }),
  ...['page=0', 'page=abc', 'page=1e400', 'limit=0', 'limit=101', 'status=__proto__', 'resource=constructor', 'mode=toString', 'via=x', 'page=1&page=2'].map((query) =>
    packagex(`GET /v1/batches?${query}`, 'GET', q('/v1/batches', query), 400),
  ),
  ...['limit=abc', 'page=-1'].map((query) => packagex(`GET /v1/groups?${query}`, 'GET', q('/v1/groups', query), 400)),
  packagex('GET /v1/batches/{job}?include_errors_json=constructor', 'GET', '/v1/batches/{job}?include_errors_json=constructor', 400),
  ...['/v1/batches/__proto__', '/v1/batches/batch_constructor', '/v1/contacts/constructor', '/v1/assets/__proto__'].map((path) => packagex(`GET ${path}`, 'GET', path, 404)),
  packagex('POST /v1/contacts/__proto__', 'POST', '/v1/contacts/__proto__', 404, { body: { nickname: 'x' } }),
  packagex('DELETE /v1/contacts/prototype', 'DELETE', '/v1/contacts/prototype', 404),
  packagex('an upload with a __proto__ CSV header', 'PUT', '{upload}', 400, { auth: false, raw: 'name,__proto__.x\nAnn,1\n', contentType: 'text/csv' }),
  packagex('an upload of JSON with a __proto__ key', 'PUT', '{upload}', 400, { auth: false, raw: '[{"name":"Ann","__proto__":{"polluted":true}}]' }),
  packagex('an upload of JSON nested 40 deep', 'PUT', '{upload}', 400, { auth: false, raw: `[${deepJson(40)}]` }),
  packagex('an upload of JSON with 2,000,001 keys', 'PUT', '{upload}', 400, { auth: false, raw: manyKeysJson(2_000_001) }),
  packagex('an upload of XML', 'PUT', '{upload}', 415, { auth: false, raw: '<contacts/>', contentType: 'application/xml' }),
  packagex('an upload over 8 MiB', 'PUT', '{upload}', 413, { auth: false, raw: `name\n${huge(8 * MiB)}\n`, contentType: 'text/csv' }),
  packagex('an upload with a forged signature', 'PUT', '{forgedUpload}', 403, { auth: false, raw: 'name\nAnn\n', contentType: 'text/csv' }),
];

const TOFU_LIST = [
  'constructor=x',
  '__proto__=x',
  'toString=1',
  'cursor=-1',
  'cursor=1e400',
  'cursor=abc',
  'limit=0',
  'limit=101',
  'limit=1&limit=2',
  'sort_order=x',
  'created_after=2024-13-01T00:00:00Z',
  `search_query=${huge(101)}`,
  'ids=not-a-uuid',
  'numbers=',
];

const TOFUPILOT_CASES: HostileCase[] = [
  ...jsonBodyAttacks({ dialect: 'tofupilot', method: 'POST', path: '/api/v2/batches', base: { number: 'HOSTILE-2' } }),
  ...jsonBodyAttacks({ dialect: 'tofupilot', method: 'PATCH', path: '/api/v2/batches/{number}', base: { new_number: 'HOSTILE-3' } }),
  ...jsonBodyAttacks({ dialect: 'tofupilot', method: 'POST', path: '/api/v2/units', base: { serial_number: 'SN-2', part_number: 'P', revision_number: 'A' } }),
  ...jsonBodyAttacks({ dialect: 'tofupilot', method: 'PATCH', path: '/v2/units/{serial}', base: { part_number: 'P2' } }),
  tofupilot('a number with a space', 'POST', '/api/v2/batches', 400, { body: { number: 'bad number' } }),
  tofupilot('a number of 61 characters', 'POST', '/api/v2/batches', 400, { body: { number: huge(61) } }),
  tofupilot('a number of the wrong type', 'POST', '/api/v2/batches', 400, { body: { number: 5 } }),
  tofupilot('a text/plain body', 'POST', '/api/v2/batches', 415, { raw: '{"number":"X"}', contentType: 'text/plain' }),
  tofupilot('a new_number of the wrong type', 'PATCH', '/api/v2/batches/{number}', 400, { body: { new_number: ['x'] } }),
  ...TOFU_LIST.map((query) => tofupilot(`GET /api/v2/batches?${query.slice(0, 60)}`, 'GET', q('/api/v2/batches', query), 400)),
  ...[...TOFU_LIST, 'outcomes=__proto__', 'sort_by=constructor'].map((query) => tofupilot(`GET /v2/units?${query.slice(0, 60)}`, 'GET', q('/v2/units', query), 400)),
  tofupilot('DELETE /api/v2/units without serial numbers', 'DELETE', '/api/v2/units', 400),
  tofupilot('DELETE /api/v2/units of 101 units', 'DELETE', q('/api/v2/units', Array.from({ length: 101 }, (_, i) => `serial_numbers=S${i}`).join('&')), 400),
  tofupilot('DELETE /api/v2/units?serial_numbers=__proto__', 'DELETE', '/api/v2/units?serial_numbers=__proto__', 404),
  ...['/api/v2/batches/constructor', '/api/v2/batches/__proto__', '/v2/units/__proto__', '/v2/units/toString', '/api/v2/nothing'].map((path) =>
    tofupilot(`GET ${path}`, 'GET', path, 404),
  ),
  tofupilot('a unit moved to no batch of ours', 'PATCH', '/v2/units/{serial}', 404, { body: { batch_number: 'constructor' } }),
];

describe('Hostile input through the gateway (embedded)', () => {
  const by = useBatchyard({}, { keys: { other: ['tenant-other', 'operator'] } });
  const ids: Record<string, string> = {};
  const head = async () => (await by.launched.infra.events()).headPosition();
  const as = (dialect: keyof typeof AUTH) => AUTH[dialect](by.key);

  beforeAll(async () => {
    const post = (path: string, headers: Record<string, string>, body: unknown) => http(`${by.url}${path}`, { method: 'POST', headers, body });
    ids.batch = (await post('/batches', as('evrythng'), { name: 'Target' })).body.id;
    const task = await post(`/batches/${ids.batch}/tasks`, as('evrythng'), FIXED_AMOUNT);
    ids.task = (await untilTaskEnded(by.url, task.headers.get('location')!, as('evrythng'))).id;
    ids.file = (await post('/files', as('evrythng'), { name: 'f.csv', type: 'text/csv', privateAccess: true })).body.id;
    ids.contact = (await post('/v1/contacts', as('packagex'), { name: 'Ann' })).body.data.id;
    ids.job = (await post('/v1/batches', as('packagex'), contactJob([{ name: 'Bea' }]))).body.data.id;
    ids.upload = (await post('/v1/batches', as('packagex'), { resource: 'contact', action: 'merge', mode: 'sync' })).body.data._upload_url;
    ids.forgedUpload = ids.upload.replace(/signature=[^&]+/, 'signature=AAAA');
    await post('/api/v2/batches', as('tofupilot'), { number: 'HOSTILE-1' });
    ids.number = 'HOSTILE-1';
    await post('/api/v2/units', as('tofupilot'), { serial_number: 'SN-1', part_number: 'P', revision_number: 'A' });
    ids.serial = 'SN-1';
  }, 60_000);

  const resolve = (c: HostileCase): HostileCase => ({ ...c, path: c.path.replace(/\{(\w+)\}/g, (_, id: string) => ids[id]) });

  describe.each([
    ['EVRYTHNG', EVRYTHNG_CASES],
    ['PackageX', PACKAGEX_CASES],
    ['TofuPilot', TOFUPILOT_CASES],
  ])('%s', (_, cases) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      await expectRefused(by.url, by.key, resolve(c), head);
      const write = await http(`${by.url}/batches`, { method: 'POST', headers: AUTH.evrythng(by.keys.other.key), body: { name: 'Another tenant' } });
      expect(write.status).toBe(201);
    });
  });

  it('answers short URLs named like a prototype’s members, on any Host, with 404', async () => {
    const prototypes = prototypeSnapshot();
    for (const host of ['tn.gg', '__proto__', 'constructor.prototype']) {
      for (const shortId of ['__proto__', 'constructor', 'toString']) expect(await getWithHost(`${by.url}/${shortId}`, host)).toEqual({ status: 404, location: undefined });
    }
    expect(prototypeSnapshot()).toEqual(prototypes);
  });

  it('leaves the refused upload’s job waiting for a file, and the suite’s resources as they were', async () => {
    const job = await http(ids.upload, { method: 'PUT', headers: { 'content-type': 'text/csv' }, raw: 'name\nCarla\n' });
    expect(job.status).toBe(200);
    expect(job.body.data).toMatchObject({ status: 'completed', stats: { created: 1, rejected: 0 } });
    expect((await http(`${by.url}/batches/${ids.batch}`, { headers: as('evrythng') })).body.name).toBe('Target');
  });
});
