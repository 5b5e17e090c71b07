import { request } from 'node:http';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, useBatchyard } from '@batchyard/test-support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const evrythng = require('evrythng');

/**
 * EVRYTHNG `/files` through the gateway: a record, its bytes PUT to the signed `uploadUrl` into the blob store,
 * downloaded from its signed `contentUrl`; every bad input a 4xx in EVRYTHNG's shape that changes nothing.
 */
describe('EVRYTHNG files through the gateway (embedded)', () => fileTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG files through the gateway (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => fileTests(distributed ?? {}));

const evrythngError = (status: number) => ({ status, errors: [expect.any(String)], code: expect.any(String), moreInfo: expect.any(String) });

/** A PUT whose body arrives in pieces with no Content-Length, as a streamed upload does; resolves with the status. */
function putChunked(url: string, contentType: string, pieces: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-type': contentType } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body }));
    });
    // The server may answer and close before the whole body is sent: the answer is what counts.
    req.on('error', (error) => (req.writableEnded ? undefined : reject(error)));
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

function fileTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides);
  const auth = () => ({ authorization: by.key });
  const head = async () => (await by.launched.infra.events()).headPosition();
  const create = (body: unknown, headers: Record<string, string> = {}) => http(`${by.url}/files`, { method: 'POST', headers: { ...auth(), ...headers }, body });
  const upload = (url: string, type: string, raw: string) => http(url, { method: 'PUT', headers: { 'content-type': type }, raw });

  it('creates a file, takes its bytes at the signed uploadUrl and serves them at the signed contentUrl', async () => {
    const created = await create({ name: 'ids.csv', type: 'text/csv', privateAccess: true, tags: ['input'] });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.headers.get('location')).toBe(`/files/${id}`);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9]{24}$/),
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      name: 'ids.csv',
      type: 'text/csv',
      privateAccess: true,
      tags: ['input'],
      uploadUrl: expect.stringMatching(new RegExp(`^${by.url}/files/${id}/upload\\?tenant=default&expires=\\d+&signature=`)),
    });

    const put = await upload(created.body.uploadUrl, 'text/csv; charset=utf-8', 'shortId\nabc\n');
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, size: 12, contentUrl: expect.stringContaining(`/files/${id}/content?`) });

    const read = await http(`${by.url}/files/${id}`, { headers: auth() });
    expect(read.body).toMatchObject({ id, size: 12, contentUrl: expect.any(String), uploadUrl: expect.any(String) });
    const content = await http(read.body.contentUrl);
    expect(content.status).toBe(200);
    expect(content.text).toBe('shortId\nabc\n');
    expect(content.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(content.headers.get('content-disposition')).toContain('ids.csv');

    // Uploading again replaces the bytes, as EVRYTHNG's storage does.
    expect((await upload(created.body.uploadUrl, 'text/csv', 'shortId\nxyz\nuvw\n')).body.size).toBe(16);
    expect((await http((await http(`${by.url}/files/${id}`, { headers: auth() })).body.contentUrl)).text).toBe('shortId\nxyz\nuvw\n');
  });

  it('lists files newest first, filtered by name, and deletes one', async () => {
    const a = (await create({ name: 'list-a.csv', type: 'text/csv', privateAccess: false })).body;
    const b = (await create({ name: 'list-b.zip', type: 'application/zip', privateAccess: false })).body;
    const all = await http(`${by.url}/files?perPage=2`, { headers: auth() });
    expect(all.body.map((f: any) => f.id)).toEqual([b.id, a.id]);
    const named = await http(`${by.url}/files?filter=${encodeURIComponent('name=list-a.csv')}`, { headers: auth() });
    expect(named.body.map((f: any) => f.id)).toEqual([a.id]);

    const deleted = await http(`${by.url}/files/${a.id}`, { method: 'DELETE', headers: auth() });
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe('');
    expect((await http(`${by.url}/files/${a.id}`, { headers: auth() })).status).toBe(404);
    expect((await upload(a.uploadUrl, 'text/csv', 'x')).status).toBe(404);
    expect((await http(`${by.url}/files/${a.id}`, { method: 'DELETE', headers: auth() })).status).toBe(404);
  });

  it('keeps a file to its tenant', async () => {
    const file = (await create({ name: 'mine.csv', type: 'text/csv', privateAccess: true })).body;
    const other = await issueKey(by.launched.infra, 'files-two', 'operator');
    expect((await http(`${by.url}/files/${file.id}`, { headers: { authorization: other.key } })).status).toBe(404);
    expect((await http(`${by.url}/files`, { headers: { authorization: other.key } })).body).toEqual([]);
    expect((await http(`${by.url}/files/${file.id}`, { method: 'DELETE', headers: { authorization: other.key } })).status).toBe(404);
  });

  it('refuses bad input with 4xx in EVRYTHNG shape and records nothing', async () => {
    const file = (await create({ name: 'guarded.csv', type: 'text/csv', privateAccess: true })).body;
    const before = await head();
    const uploadUrl = new URL(file.uploadUrl);
    const tampered = new URL(uploadUrl);
    tampered.searchParams.set('tenant', 'files-two');
    const cases: { res: () => Promise<{ status: number; body: unknown }>; status: number }[] = [
      { res: () => create({ name: 'x.csv', type: 'text/csv' }), status: 400 },
      { res: () => create({ name: '', type: 'text/csv', privateAccess: true }), status: 400 },
      { res: () => create({ name: 'x.csv', type: 'csv', privateAccess: true }), status: 400 },
      { res: () => create({ name: 'x.csv', type: 'text/csv', privateAccess: 'yes' }), status: 400 },
      { res: () => create({ name: 'x.csv', type: 'text/csv', privateAccess: true, uploadUrl: 'x' }), status: 400 },
      { res: () => http(`${by.url}/files`, { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, raw: 'name' }), status: 415 },
      { res: () => http(`${by.url}/files`, { method: 'POST', body: { name: 'x', type: 'text/csv', privateAccess: true } }), status: 401 },
      { res: () => upload(file.uploadUrl, 'application/json', '{}'), status: 415 },
      { res: () => upload(tampered.toString(), 'text/csv', 'x'), status: 403 },
      { res: () => upload(`${by.url}/files/${file.id}/upload?tenant=default`, 'text/csv', 'x'), status: 403 },
      { res: () => http(`${by.url}/files/${file.id}/content?tenant=default`), status: 403 },
      { res: () => http(`${by.url}/files/UmNqmfDEBDswtpaaRDs6xHpn`, { headers: auth() }), status: 404 },
      { res: () => http(`${by.url}/files/${file.id}`, { method: 'PUT', headers: auth(), body: {} }), status: 405 },
    ];
    for (const c of cases) {
      const res = await c.res();
      expect(res.status).toBe(c.status);
      expect(res.body).toEqual(evrythngError(c.status));
    }
    expect(await head()).toBe(before);
  });

  it('refuses a file above the size limit with 413, declared or streamed, and keeps none of it', async () => {
    const file = (await create({ name: 'big.csv', type: 'text/csv', privateAccess: true })).body;
    const before = await head();
    process.env.BATCHYARD_FILE_MAX_BYTES = '1000';
    try {
      const declared = await upload(file.uploadUrl, 'text/csv', 'x'.repeat(1_001));
      expect(declared.status).toBe(413);
      expect(declared.body).toEqual(evrythngError(413));
      const streamed = await putChunked(file.uploadUrl, 'text/csv', [Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b')]);
      expect(streamed.status).toBe(413);
      expect(JSON.parse(streamed.body)).toEqual(evrythngError(413));
      expect((await upload(file.uploadUrl, 'text/csv', 'x'.repeat(1_000))).status).toBe(200);
    } finally {
      delete process.env.BATCHYARD_FILE_MAX_BYTES;
    }
    // FileUploaded, and the QuotaTaken of the file's bytes: the refused uploads appended nothing.
    expect(await head()).toBe(before + 2);
  });

  it('works with the real SDK: create, upload, read', async () => {
    const key = await issueKey(by.launched.infra, 'files-sdk', 'operator');
    evrythng.setup({ apiUrl: by.url, apiVersion: 1 });
    const operator = new evrythng.Operator(key.key);
    await operator.init();
    const created = await operator.file().create({ name: 'sdk.csv', type: 'text/csv', privateAccess: true });
    const uploaded = await operator.file(created.id).upload('shortId\nsdk1\n');
    expect(uploaded.status).toBe(200);
    const read = await operator.file(created.id).read();
    expect(read).toMatchObject({ id: created.id, name: 'sdk.csv', size: 13 });
    expect((await http(read.contentUrl)).text).toBe('shortId\nsdk1\n');
  });
}
