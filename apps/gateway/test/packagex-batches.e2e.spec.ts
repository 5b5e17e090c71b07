import { QueueBulkJob } from '@batchyard/contracts';
import type { RuntimeConfig } from '@batchyard/runtime';
import { command } from '@batchyard/command-bus';
import { parse } from 'csv-parse/sync';
import { createdResourceIds } from '@batchyard/bulk-jobs';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, useBatchyard, adminSender } from '@batchyard/test-support';

/** PackageX `/v1/batches` (Seed B): bulk jobs run by the bulk processor, with phases, stats and error files. */
describe('PackageX batches (embedded)', () => batchTests({}));
const distributed = distributedOverrides();
describeTier('PackageX batches (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => batchTests(distributed ?? {}));

const ENDED = ['completed', 'failed', 'timed_out', 'expired'];
const csvUrl = (csv: string) => `data:text/csv;base64,${Buffer.from(csv).toString('base64')}`;

function batchTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides);
  const px = () => ({ 'px-api-key': by.key });
  const head = async () => (await by.launched.infra.events()).headPosition();
  const post = (body: unknown) => http(`${by.url}/v1/batches`, { method: 'POST', headers: px(), body });
  const get = (path: string) => http(`${by.url}${path}`, { headers: px() });

  async function ended(id: string) {
    for (let i = 0; i < 600; i++) {
      const res = await get(`/v1/batches/${id}`);
      if (ENDED.includes(res.body.data?.status)) return res.body.data; // 404 until a job sent as a command is projected
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`batch ${id} did not end`);
  }
  const rowsAddUp = (batch: any) => {
    const s = batch.stats;
    return s.created + s.updated + s.deleted + s.ignored + s.rejected + s.unprocessed;
  };
  const allContacts = async () => (await get('/v1/contacts?limit=100')).body.data as any[];

  it('merges contacts in mixed mode: answers after validation, then processes, with exact accounting', async () => {
    const data = [
      { name: 'Jamie Jones', email: 'jamie@packagex.xyz', phone: '+11234567890' },
      { name: 'Ann Lee', email: 'ann@example.com' },
      { name: 'Bad Email', email: 'not-an-email' },
      { name: 'Dup One', email: 'dup@example.com' },
      { name: 'Dup Two', email: 'DUP@example.com' },
      { email: 'noname@example.com' },
    ];
    const res = await post({ resource: 'contact', action: 'merge', data, properties: { notes: 'imported' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 201, errors: [], code: 'ok', endpoint: '/v1/batches', pagination: null });
    const batch = res.body.data;
    expect(batch).toMatchObject({ object: 'batch', resource: 'contact', action: 'merge', mode: 'mixed', via: 'api', duplicate_handling: 'ignore_all' });
    expect(batch.id).toMatch(/^batch_/);
    expect(batch.phases.map((p: any) => [p.name, p.mode])).toEqual([
      ['parsing', 'sync'],
      ['validation', 'sync'],
      ['processing', 'async'],
    ]);
    expect(batch.phases[0]).toMatchObject({ total: 6, processed: 6, success: 4, error: 0 });
    expect(batch.phases[1]).toMatchObject({ total: 4, processed: 4, success: 2, error: 2 });
    expect(batch.created_at).toEqual(expect.any(Number));
    expect(batch.created_at).toBeLessThan(1e11);

    const done = await ended(batch.id);
    expect(done.status).toBe('completed');
    expect(done.stats).toMatchObject({ created: 2, updated: 0, deleted: 0, overwritten: 0, ignored: 2, rejected: 2, unprocessed: 0 });
    expect(rowsAddUp(done)).toBe(6);
    expect(done.stats.events).toBeGreaterThanOrEqual(5);
    expect(done.phases[2]).toMatchObject({ name: 'processing', total: 2, processed: 2, success: 2, error: 0 });
    expect(done.has_errors_file).toBe(true);
    const contacts = await allContacts();
    expect(contacts.find((c) => c.email === 'ann@example.com')).toMatchObject({ name: 'Ann Lee', notes: 'imported', object: 'contact' });
    expect(contacts.some((c) => c.email?.toLowerCase() === 'dup@example.com')).toBe(false);

    // The error file: every rejected row as received, with line, field, code, message, behind a signed URL.
    const withUrls = await get(`/v1/batches/${batch.id}?include_errors_json=true&include_errors_csv=true`);
    const errorsJson = await http(withUrls.body.data._errors_json_url);
    expect(errorsJson.status).toBe(200);
    expect(errorsJson.body).toEqual([
      { line: 3, row: { name: 'Bad Email', email: 'not-an-email' }, errors: [{ field: 'email', code: expect.any(String), message: expect.any(String) }] },
      { line: 6, row: { email: 'noname@example.com' }, errors: [{ field: 'name', code: expect.any(String), message: expect.any(String) }] },
    ]);
    const errorsCsv = await http(withUrls.body.data._errors_csv_url);
    expect(errorsCsv.text.split('\n')[0]).toBe('row,line,field,code,message');
    expect(errorsCsv.text).toMatch(/^"\{""name"":""Bad Email"",""email"":""not-an-email""\}",3,email,/m);
    expect(withUrls.body.data._result_json_url).toBeNull();

    // Merging again updates by natural key (email) instead of creating twice.
    const again = await post({ resource: 'contact', action: 'merge', mode: 'sync', data: [{ name: 'Ann Lee-Smith', email: 'ANN@example.com' }] });
    expect(again.body.data.status).toBe('completed');
    expect(again.body.data.stats).toMatchObject({ created: 0, updated: 1 });
    const ann = (await allContacts()).filter((c) => c.email.toLowerCase() === 'ann@example.com');
    expect(ann).toHaveLength(1);
    expect(ann[0].name).toBe('Ann Lee-Smith');
  });

  it('runs sync to the end before answering and async not at all', async () => {
    const sync = await post({ resource: 'group', action: 'merge', mode: 'sync', data: [{ name: 'Finance Department', resource: 'contact' }] });
    expect(sync.status).toBe(201);
    expect(sync.body.data.status).toBe('completed');
    expect(sync.body.data.phases.every((p: any) => p.mode === 'sync')).toBe(true);

    const async_ = await post({ resource: 'shipment', action: 'merge', mode: 'async', data: [{ tracking_number: '1Z999AA10123456784' }] });
    expect(async_.status).toBe(201);
    // Async answers at once with the job as it stands: queued, unless the processor was quicker with its one row.
    expect(['queued', 'processing', 'completed']).toContain(async_.body.data.status);
    expect(async_.body.data.phases.every((p: any) => p.mode === 'async')).toBe(true);
    const done = await ended(async_.body.data.id);
    expect(done.stats).toMatchObject({ created: 1 });
    const shipments = (await get('/v1/shipments')).body.data;
    expect(shipments.map((s: any) => s.tracking_number)).toContain('1Z999AA10123456784');
  });

  it('merges a CSV file given as a base64 data URL, keeping the upload with save_upload', async () => {
    const csv = 'tracking_number,type,tags\nTRK-1,inbound,fragile;perishable\nTRK-2,outbound,\nTRK-1,inbound,\n';
    const res = await post({ resource: 'tracker', action: 'merge', mode: 'sync', data: csvUrl(csv), duplicate_handling: 'use_first', save_upload: true, save_result: true });
    expect(res.status).toBe(201);
    const batch = res.body.data;
    expect(batch).toMatchObject({ via: 'file', status: 'completed', has_upload_file: true, has_errors_file: false });
    expect(batch.stats).toMatchObject({ created: 2, ignored: 1, rejected: 0 });
    expect(rowsAddUp(batch)).toBe(3);
    const trackers = (await get('/v1/trackers')).body.data;
    expect(trackers.find((t: any) => t.tracking_number === 'TRK-1')).toMatchObject({ type: 'inbound', tags: ['fragile', 'perishable'] });

    const withUrls = (await get(`/v1/batches/${batch.id}?include_upload_csv=true&include_result_json=true`)).body.data;
    expect((await http(withUrls._upload_csv_url)).text).toBe(csv);
    const result = (await http(withUrls._result_json_url)).body;
    // Every row received that was not rejected or left unprocessed: the duplicate too, ignored, without an id.
    expect(result.map((r: any) => [r.line, r.result])).toEqual([
      [2, 'created'],
      [3, 'created'],
      [4, 'ignored'],
    ]);
    expect(result[0].id).toMatch(/^track_/);
    expect(result[2].id).toBeNull();
  });

  it('writes a result CSV with save_result: each row as received, then its line, outcome and resource id', async () => {
    const existing = (await http(`${by.url}/v1/contacts`, { method: 'POST', headers: px(), body: { name: 'Res Old', email: 'res-old@example.com' } })).body.data;
    const csv = [
      'name,email,notes',
      'Res New,res-new@example.com,@SUM(A1)',
      'Res Old Renamed,RES-OLD@example.com,',
      'Res Bad,not-an-email,',
      'Res Dup,res-dup@example.com,first',
      'Res Dup Again,res-dup@example.com,second',
    ].join('\n');
    const job = (await post({ resource: 'contact', action: 'merge', mode: 'sync', duplicate_handling: 'use_first', save_result: true, data: csvUrl(`${csv}\n`) })).body.data;
    expect(job.stats).toMatchObject({ created: 2, updated: 1, ignored: 1, rejected: 1, unprocessed: 0 });
    const urls = (await get(`/v1/batches/${job.id}?include_result_csv=true&include_result_json=true&include_unprocessed_csv=true`)).body.data;
    expect(urls._unprocessed_csv_url).toBeNull(); // a completed job has none
    const result = await http(urls._result_csv_url);
    expect(result.status).toBe(200);
    const records = parse(result.text) as string[][];
    const created = createdResourceIds('contact', job.organization_id, job.id);
    expect(records).toEqual([
      ['name', 'email', 'notes', 'line', 'outcome', 'id'],
      // A cell a spreadsheet would run is written as text, as in the error file.
      ['Res New', 'res-new@example.com', "'@SUM(A1)", '2', 'created', created(2)],
      ['Res Old Renamed', 'RES-OLD@example.com', '', '3', 'updated', existing.id],
      ['Res Dup', 'res-dup@example.com', 'first', '5', 'created', created(5)],
      ['Res Dup Again', 'res-dup@example.com', 'second', '6', 'ignored', ''],
    ]);
    // The JSON result holds the same rows; the rejected one is in the error file only.
    expect((await http(urls._result_json_url)).body.map((r: any) => [r.line, r.result, r.id])).toEqual(records.slice(1).map((r) => [Number(r[3]), r[4], r[5] || null]));

    // A JSON upload's result CSV holds each item as JSON text, as its error file does.
    const items = [{ name: 'Res Json', email: 'res-json@example.com', metadata: { source: 'api' } }];
    const fromJson = (await post({ resource: 'contact', action: 'merge', mode: 'sync', save_result: true, data: items })).body.data;
    const jsonResult = (await get(`/v1/batches/${fromJson.id}?include_result_csv=true`)).body.data._result_csv_url;
    expect(parse((await http(jsonResult)).text)).toEqual([
      ['row', 'line', 'outcome', 'id'],
      [JSON.stringify(items[0]), '1', 'created', createdResourceIds('contact', fromJson.organization_id, fromJson.id)(1)],
    ]);
    // Without save_result there is no result file; a bad flag is a 400 in PackageX's shape.
    const plain = (await post({ resource: 'contact', action: 'merge', mode: 'sync', data: [{ name: 'Res Plain', email: 'res-plain@example.com' }] })).body.data;
    expect((await get(`/v1/batches/${plain.id}?include_result_csv=true`)).body.data._result_csv_url).toBeNull();
    const bad = await get(`/v1/batches/${plain.id}?include_unprocessed_json=maybe`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, code: 'bad_request', data: null, errors: [expect.objectContaining({ field: 'include_unprocessed_json' })] });
  });

  it('overwrites: writes the batch and deletes every other group, in a cleanup phase', async () => {
    await post({ resource: 'group', action: 'merge', mode: 'sync', data: [{ name: 'Old A' }, { name: 'Old B' }, { name: 'Keep' }] });
    const res = await post({ resource: 'group', action: 'overwrite', mode: 'sync', data: [{ name: 'Keep', notes: 'kept' }, { name: 'New' }] });
    const batch = res.body.data;
    expect(batch.status).toBe('completed');
    expect(batch.phases.map((p: any) => p.name)).toEqual(['parsing', 'validation', 'processing', 'cleanup']);
    expect(batch.stats).toMatchObject({ created: 1, updated: 1 });
    expect(batch.stats.overwritten).toBeGreaterThanOrEqual(2);
    expect(batch.phases[3]).toMatchObject({ total: batch.stats.overwritten, success: batch.stats.overwritten });
    const groups = (await get('/v1/groups?limit=100')).body.data;
    expect(groups.map((g: any) => g.name).sort()).toEqual(['Keep', 'New']);
    expect(groups.find((g: any) => g.name === 'Keep').notes).toBe('kept');
  });

  it('deletes by id, rejecting rows without a valid id', async () => {
    const created = await post({
      resource: 'contact',
      action: 'merge',
      mode: 'sync',
      data: [
        { name: 'Del 1', email: 'd1@example.com' },
        { name: 'Del 2', email: 'd2@example.com' },
      ],
    });
    const ids = (await allContacts()).filter((c) => c.email.startsWith('d')).map((c) => c.id);
    expect(created.body.data.stats.created).toBe(2);
    const res = await post({
      resource: 'contact',
      action: 'delete',
      mode: 'sync',
      data: [...ids.map((id) => ({ id })), { name: 'no id' }, { id: 'contact_doesnotexist' }, { id: 'grp_wrongtype' }],
    });
    const batch = res.body.data;
    expect(batch.status).toBe('completed');
    expect(batch.stats).toMatchObject({ deleted: 2, rejected: 3 });
    expect(rowsAddUp(batch)).toBe(5);
    for (const id of ids) expect((await get(`/v1/contacts/${id}`)).status).toBe(404);
  });

  it('refuses bad batches with 400 in the envelope, naming the field, and queues nothing', async () => {
    const before = await head();
    const cases: [unknown, string][] = [
      [{ resource: 'planet', action: 'merge', data: [{}] }, 'resource'],
      [{ resource: 'contact', action: 'explode', data: [{}] }, 'action'],
      [{ resource: 'contact', action: 'merge', mode: 'turbo', data: [{}] }, 'mode'],
      [{ resource: 'shipment', action: 'overwrite', data: [{ tracking_number: 'x' }] }, 'action'],
      [{ resource: 'tracker', action: 'delete', data: [{ id: 'track_x' }] }, 'action'],
      [{ action: 'merge', data: [{}] }, 'resource'],
      [{ resource: 'contact', data: [{}] }, 'action'],
      [{ resource: 'contact', action: 'merge', data: [] }, 'data'],
      [{ resource: 'contact', action: 'merge', data: 'not a data url' }, 'data'],
      [{ resource: 'contact', action: 'merge', data: csvUrl('name,email\n"unterminated,x\n') }, 'data'],
      [{ resource: 'contact', action: 'merge', data: `data:text/csv;base64,${Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe, 0x0a]).toString('base64')}` }, 'data'],
      [{ resource: 'contact', action: 'merge', data: `data:image/png;base64,${Buffer.from('x').toString('base64')}` }, 'data'],
      [{ resource: 'contact', action: 'merge', data: [{ name: 'x' }], properties: { colour: 'red' } }, 'properties.colour'],
      [{ resource: 'contact', action: 'merge', data: [{ name: 'x' }], surprise: true }, 'surprise'],
      [{ resource: 'contact', action: 'merge', mode: 'sync', data: Array.from({ length: 1001 }, (_, i) => ({ name: `n${i}` })) }, 'mode'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body).toMatchObject({ data: null, status: 400, pagination: null, endpoint: '/v1/batches' });
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    expect(await head()).toBe(before);
  });

  it('lists batches chronologically with page/limit and filters', async () => {
    const all = await get('/v1/batches?limit=100');
    expect(all.status).toBe(200);
    const created = all.body.data.map((b: any) => b.created_at);
    expect(created).toEqual([...created].sort((a: number, b: number) => a - b));
    expect(all.body.pagination.total_count).toBe(all.body.data.length);
    const groups = await get('/v1/batches?resource=group&status=completed');
    expect(groups.body.data.length).toBeGreaterThan(0);
    expect(groups.body.data.every((b: any) => b.resource === 'group' && b.status === 'completed')).toBe(true);
    const files = await get('/v1/batches?via=file');
    expect(files.body.data.every((b: any) => b.via === 'file')).toBe(true);
    const paged = await get('/v1/batches?limit=1&page=2');
    expect(paged.body.data).toEqual([all.body.data[1]]);
    expect(paged.body.pagination).toMatchObject({ limit: 1, page: 2, has_more: true });
    const bad = await get('/v1/batches?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('status');
    expect((await get('/v1/batches/batch_nothere')).status).toBe(404);
  });

  it('takes a file through the signed _upload_url once: requested → queued → completed', async () => {
    const res = await post({ resource: 'contact', action: 'merge', save_upload: true });
    expect(res.status).toBe(201);
    const batch = res.body.data;
    expect(batch).toMatchObject({ status: 'requested', via: 'file', has_upload_file: false });
    expect(batch._upload_url).toMatch(/^http.*\/v1\/batches\/batch_.*\/upload\?.*signature=/);
    expect((await get(`/v1/batches/${batch.id}`)).body.data._upload_url).toEqual(expect.any(String));

    const forged = batch._upload_url.replace(/signature=[^&]+/, 'signature=AAAA');
    expect((await http(forged, { method: 'PUT', headers: { 'content-type': 'text/csv' }, raw: 'name\nx\n' })).status).toBe(403);
    const malformed = await http(batch._upload_url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, raw: 'name,email\n"open,x\n' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('file');

    const csv = 'name,email\nUp Loaded,up@example.com\nBad,not-an-email\n';
    const uploaded = await http(batch._upload_url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, raw: csv });
    expect(uploaded.status).toBe(200);
    expect(uploaded.body.data.status).not.toBe('requested');
    expect(uploaded.body.data.phases[1]).toMatchObject({ name: 'validation', success: 1, error: 1 });
    const done = await ended(batch.id);
    expect(done).toMatchObject({ status: 'completed', has_upload_file: true, has_errors_file: true, _upload_url: null });
    expect(done.stats).toMatchObject({ created: 1, rejected: 1 });
    const again = await http(batch._upload_url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, raw: csv });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, data: null });
  });

  it('allows one overwrite or delete per resource type at a time (409), merges alongside', async () => {
    const first = await post({ resource: 'asset', action: 'merge', data: [{ name: 'A' }], mode: 'sync' });
    expect(first.status).toBe(201);
    const holding = await post({ resource: 'contact', action: 'overwrite' });
    expect(holding.body.data.status).toBe('requested');
    const before = await head();
    const second = await post({ resource: 'contact', action: 'delete', data: [{ id: 'contact_x' }] });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ status: 409, data: null, code: 'conflict' });
    expect(await head()).toBe(before);
    expect((await post({ resource: 'contact', action: 'merge', data: [{ name: 'Alongside' }] })).status).toBe(201);
    expect((await post({ resource: 'group', action: 'delete', data: [{ id: 'grp_x' }], mode: 'sync' })).status).toBe(201);
  });

  it('takes one of two overwrites sent at once (the other is 409, nothing queued) and the next once the first has ended', async () => {
    const overwrite = (name: string) => post({ resource: 'group', action: 'overwrite', mode: 'async', data: [{ name }] });
    const groupBatches = async () => (await get('/v1/batches?resource=group')).body.pagination.total_count;
    const before = await groupBatches();
    const answers = await Promise.all([overwrite('Race A'), overwrite('Race B')]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body).toMatchObject({ status: 409, data: null, code: 'conflict', endpoint: '/v1/batches' });
    expect(await groupBatches()).toBe(before + 1);
    const accepted = answers.find((a) => a.status === 201)!;
    expect((await ended(accepted.body.data.id)).status).toBe('completed');
    const next = await overwrite('Race C');
    expect(next.status).toBe(201);
    expect((await ended(next.body.data.id)).status).toBe('completed');
  });

  it('expires a requested batch that gets no upload in time, releasing its overwrite lock', async () => {
    // Long enough that the answer to the POST still carries the upload URL on a loaded machine.
    process.env.BATCHYARD_BULK_UPLOAD_EXPIRY_SECONDS = '4';
    try {
      const res = await post({ resource: 'group', action: 'overwrite' });
      expect(res.body.data._upload_url).toEqual(expect.any(String));
      const done = await ended(res.body.data.id);
      expect(done).toMatchObject({ status: 'expired', reason: expect.any(String), _upload_url: null });
      expect(done.stats.unprocessed).toBe(0);
      const late = await http(res.body.data._upload_url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, raw: 'name\nx\n' });
      expect(late.status).toBe(403);
      // The deadline sweeper ended it, and gave the lock back.
      const next = await post({ resource: 'group', action: 'overwrite' });
      expect(next.status).toBe(201);
      expect((await ended(next.body.data.id)).status).toBe('expired');
    } finally {
      delete process.env.BATCHYARD_BULK_UPLOAD_EXPIRY_SECONDS;
    }
  });

  it('times out a batch past its deadline, counting the rows it never reached as unprocessed, releasing its lock', async () => {
    process.env.BATCHYARD_BULK_JOB_DEADLINE_SECONDS = '0';
    const overwrite = () => post({ resource: 'group', action: 'overwrite', mode: 'async', data: [{ name: 'T1' }, { name: 'T2' }, { name: 'T3' }] });
    try {
      const res = await overwrite();
      const done = await ended(res.body.data.id);
      expect(done).toMatchObject({ status: 'timed_out', reason: expect.any(String) });
      expect(done.stats).toMatchObject({ created: 0, unprocessed: 3 });
      expect(rowsAddUp(done)).toBe(3);
      const unprocessed = (await get(`/v1/batches/${done.id}?include_unprocessed_json=true`)).body.data._unprocessed_json_url;
      expect((await http(unprocessed)).body).toEqual([
        { line: 1, row: { name: 'T1' } },
        { line: 2, row: { name: 'T2' } },
        { line: 3, row: { name: 'T3' } },
      ]);
      expect((await overwrite()).status).toBe(201);
    } finally {
      delete process.env.BATCHYARD_BULK_JOB_DEADLINE_SECONDS;
    }
  });

  async function until(id: string, reached: (batch: any) => boolean) {
    // A bound in time, not in tries: on 2 busy cores a read over the Mongo wire can take much longer than 20 ms.
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      const batch = (await get(`/v1/batches/${id}`)).body.data;
      if (batch && reached(batch)) return batch;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`batch ${id} never reached the condition`);
  }
  const cancel = (id: string, body?: unknown, key = by.key) => http(`${by.url}/v1/batches/${id}/cancel`, { method: 'POST', headers: { 'px-api-key': key }, body });

  it('cancels a batch mid-way: ends failed with its reason, keeps what it wrote, the rest unprocessed', async () => {
    // Chunks of 5 rows make 400 steps, so the job is still processing when the cancel arrives.
    process.env.BATCHYARD_BULK_CHUNK_ROWS = '5';
    try {
      // A CSV of 2,000 rows: every 100th without a name (rejected), every 250th repeating the row before's serial
      // number (both ignored), so the cancelled job has rows in each of result, errors and unprocessed.
      const rows = 2000;
      const serial = (i: number) => (i % 250 === 120 ? `CXL-${i - 1}` : `CXL-${i}`);
      const lines = Array.from({ length: rows }, (_, i) => `${i % 100 === 50 ? '' : `Cancel ${i}`},${serial(i)},${i % 2 ? '-note' : ''}`);
      const csv = `name,serial_number,description\n${lines.join('\n')}\n`;
      const res = await post({ resource: 'asset', action: 'merge', mode: 'async', save_result: true, data: csvUrl(csv) });
      const id = res.body.data.id;
      await until(id, (b) => b.phases[2].processed > 0);

      const other = await issueKey(by.launched.infra, 'tenant-px-cancel', 'user');
      expect((await cancel(id, undefined, other.key)).status).toBe(404);
      // A refused cancel records nothing: the reason below is the next cancel's (a second cancel changes no reason).
      const refused = await cancel(id, { reason: 'x', status: 'completed' });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: 400, code: 'bad_request', data: null });

      const cancelled = await cancel(id, { reason: 'wrong file' });
      expect(cancelled.status).toBe(202);
      expect(cancelled.body).toMatchObject({ status: 202, code: 'ok', endpoint: `/v1/batches/${id}/cancel`, data: { id } });
      const done = await ended(id);
      expect(done).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^Cancelled by .*: wrong file$/) });
      expect(done.stats.created).toBeGreaterThan(0);
      expect(done.stats.unprocessed).toBeGreaterThan(0);
      expect(done.stats.created).toBe(done.phases[2].success);
      expect(rowsAddUp(done)).toBe(rows);
      expect(done.stats).toMatchObject({ rejected: 20, ignored: 16 });
      // What it wrote stays; the rows it never reached were never written (ids derive from the line).
      const idOf = createdResourceIds('asset', done.organization_id, id);
      expect((await get(`/v1/assets/${idOf(2)}`)).status).toBe(200);
      expect((await get(`/v1/assets/${idOf(rows + 1)}`)).status).toBe(404);

      // Every row received is in exactly one of the result, error and unprocessed files, each as counted.
      const urls = (await get(`/v1/batches/${id}?${['result_csv', 'result_json', 'errors_json', 'unprocessed_csv', 'unprocessed_json'].map((f) => `include_${f}=true`).join('&')}`))
        .body.data;
      const result = parse((await http(urls._result_csv_url)).text) as string[][];
      const errors = (await http(urls._errors_json_url)).body as any[];
      const unprocessedCsv = parse((await http(urls._unprocessed_csv_url)).text) as string[][];
      const unprocessedJson = (await http(urls._unprocessed_json_url)).body as any[];
      expect(result[0]).toEqual(['name', 'serial_number', 'description', 'line', 'outcome', 'id']);
      expect(unprocessedCsv[0]).toEqual(['name', 'serial_number', 'description', 'line']);
      const outcomes = result.slice(1).map((r) => r[4]);
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(done.stats.created);
      expect(outcomes.filter((o) => o === 'ignored')).toHaveLength(done.stats.ignored);
      expect(outcomes.filter((o) => o === 'updated' || o === 'deleted')).toHaveLength(0);
      expect(errors).toHaveLength(done.stats.rejected);
      expect(unprocessedJson).toHaveLength(done.stats.unprocessed);
      expect(unprocessedCsv.length - 1).toBe(done.stats.unprocessed);
      expect(result.length - 1 + errors.length + unprocessedJson.length).toBe(rows);
      const allLines = [...result.slice(1).map((r) => Number(r[3])), ...errors.map((e) => e.line), ...unprocessedJson.map((u) => u.line)].sort((a, b) => a - b);
      expect(allLines).toEqual(Array.from({ length: rows }, (_, i) => i + 2));
      // The result JSON lists the same rows; an unprocessed row is the row as received (its cells neutralised in CSV).
      expect((await http(urls._result_json_url)).body).toHaveLength(result.length - 1);
      const lastLine = rows + 1;
      expect(unprocessedJson.at(-1)).toEqual({ line: lastLine, row: { name: `Cancel ${rows - 1}`, serial_number: `CXL-${rows - 1}`, description: '-note' } });
      expect(unprocessedCsv.at(-1)).toEqual([`Cancel ${rows - 1}`, `CXL-${rows - 1}`, "'-note", String(lastLine)]);
      // Nothing unprocessed was written; every created row was, at the id the result names.
      expect((await get(`/v1/assets/${idOf(unprocessedJson[0].line)}`)).status).toBe(404);
      const firstCreated = result.find((r) => r[4] === 'created')!;
      expect((await get(`/v1/assets/${firstCreated[5]}`)).body.data).toMatchObject({ name: firstCreated[0], serial_number: firstCreated[1] });

      const again = await cancel(id);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ status: 409, code: 'conflict', data: null });

      // retry_of: a new job of the same definition over the rows the cancelled one rejected or never reached.
      delete process.env.BATCHYARD_BULK_CHUNK_ROWS;
      const stranger = await issueKey(by.launched.infra, 'tenant-px-retry', 'user');
      const foreign = await http(`${by.url}/v1/batches`, { method: 'POST', headers: { 'px-api-key': stranger.key }, body: { retry_of: id } });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ status: 404, code: 'not_found', data: null });
      expect((await post({ retry_of: id, data: [{ name: 'x' }] })).status).toBe(400);
      expect((await post({ retry_of: id, resource: 'contact' })).body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'resource' })] });
      const retried = await post({ retry_of: id, save_result: true });
      expect(retried.status).toBe(201);
      expect(retried.body.data).toMatchObject({ resource: 'asset', action: 'merge', via: 'file', retry_of: id });
      const retry = await ended(retried.body.data.id);
      expect(retry.status).toBe('completed');
      // Its rows: the 20 rejected again (nothing fixed them), and every unprocessed row, now created.
      expect(retry.stats).toMatchObject({ created: done.stats.unprocessed, rejected: done.stats.rejected, ignored: 0, unprocessed: 0 });
      expect(rowsAddUp(retry)).toBe(done.stats.rejected + done.stats.unprocessed);
      const retried_ = done.stats.rejected + done.stats.unprocessed;
      const last = (await get(`/v1/assets/${createdResourceIds('asset', done.organization_id, retry.id)(retried_ + 1)}`)).body.data;
      expect(last).toMatchObject({ name: `Cancel ${rows - 1}`, serial_number: `CXL-${rows - 1}`, description: '-note' });
      // Lines are the retry's own file's: its header, then the rows in their first order.
      const retryErrors = (await http((await get(`/v1/batches/${retry.id}?include_errors_json=true`)).body.data._errors_json_url)).body as any[];
      expect(retryErrors.map((e) => e.row)).toEqual(errors.map((e) => e.row));

      // A job without rejected or unprocessed rows has nothing to retry: 400 on retry_of.
      const clean = (await post({ resource: 'asset', action: 'merge', mode: 'sync', data: [{ name: 'Clean', serial_number: 'CLEAN-1' }] })).body.data;
      const nothing = await post({ retry_of: clean.id });
      expect(nothing.status).toBe(400);
      expect(nothing.body).toMatchObject({ status: 400, code: 'bad_request', data: null, errors: [expect.objectContaining({ field: 'retry_of' })] });
    } finally {
      delete process.env.BATCHYARD_BULK_CHUNK_ROWS;
    }
  });

  it('retries a JSON batch’s rejected rows with retry_of, as sent, and refuses one that has not ended (409)', async () => {
    const items = [
      { name: 'Retry Json', email: 'retry-json@example.com' },
      { name: 'Retry Bad', email: 'bad' },
      { name: 'Retry Bad Too', metadata: { k: 1 }, email: 'worse' },
    ];
    const first = (await post({ resource: 'contact', action: 'merge', mode: 'sync', data: items, properties: { notes: 'from retry' } })).body.data;
    expect(first.stats).toMatchObject({ created: 1, rejected: 2 });
    const retry = (await post({ retry_of: first.id, mode: 'sync', validate_only: true })).body.data;
    expect(retry).toMatchObject({ via: 'api', retry_of: first.id, status: 'completed', stats: { rejected: 2, created: 0 } });
    const errors = (await http((await get(`/v1/batches/${retry.id}?include_errors_json=true`)).body.data._errors_json_url)).body as any[];
    expect(errors.map((e) => [e.line, e.row])).toEqual([
      [1, items[1]],
      [2, items[2]],
    ]);
    const requested = (await post({ resource: 'contact', action: 'merge' })).body.data;
    const running = await post({ retry_of: requested.id });
    expect(running.status).toBe(409);
    expect(running.body).toMatchObject({ status: 409, code: 'conflict', data: null });
    expect((await post({ retry_of: 'batch_doesnotexist' })).status).toBe(404);
  });

  it('cancels a batch still waiting for its upload, giving its overwrite lock back', async () => {
    const requested = await post({ resource: 'group', action: 'delete' });
    expect(requested.body.data.status).toBe('requested');
    expect((await cancel(requested.body.data.id)).status).toBe(202);
    const done = await ended(requested.body.data.id);
    expect(done).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^Cancelled by /), stats: { unprocessed: 0 } });
    expect((await post({ resource: 'group', action: 'delete', data: [{ id: 'grp_x' }], mode: 'sync' })).status).toBe(201);
  });

  it('validates only: parses and validates, fills stats and the error file, writes no resource, ends completed as a dry run', async () => {
    const existing = (await http(`${by.url}/v1/contacts`, { method: 'POST', headers: px(), body: { name: 'Kept As Is' } })).body.data;
    const csv = `id,name,email\n${existing.id},Changed,\n,Dry One,dry-one@example.com\n,Dry Two,not-an-email\n,Dry Three,dry-three@example.com\n`;
    const res = await post({ resource: 'contact', action: 'merge', mode: 'sync', validate_only: true, data: csvUrl(csv) });
    expect(res.status).toBe(201);
    const done = res.body.data;
    expect(done).toMatchObject({ status: 'completed', reason: expect.stringMatching(/dry run/), has_errors_file: true });
    expect(done.phases[1]).toMatchObject({ name: 'validation', total: 4, success: 3, error: 1 });
    expect(done.stats).toMatchObject({ created: 0, updated: 0, deleted: 0, rejected: 1, unprocessed: 3 });
    expect(rowsAddUp(done)).toBe(4);
    const errors = await http((await get(`/v1/batches/${done.id}?include_errors_json=true`)).body.data._errors_json_url);
    expect(errors.body).toEqual([
      { line: 4, row: { id: '', name: 'Dry Two', email: 'not-an-email' }, errors: [{ field: 'email', code: expect.any(String), message: expect.any(String) }] },
    ]);
    // Nothing written: neither the creates nor the update.
    // Its valid rows, which nothing wrote, are its unprocessed file, as received.
    const unprocessed = await http((await get(`/v1/batches/${done.id}?include_unprocessed_csv=true`)).body.data._unprocessed_csv_url);
    expect(parse(unprocessed.text)).toEqual([
      ['id', 'name', 'email', 'line'],
      [existing.id, 'Changed', '', '2'],
      ['', 'Dry One', 'dry-one@example.com', '3'],
      ['', 'Dry Three', 'dry-three@example.com', '5'],
    ]);
    expect((await get(`/v1/contacts/${existing.id}`)).body.data.name).toBe('Kept As Is');
    expect((await allContacts()).filter((c) => c.email?.startsWith('dry-'))).toEqual([]);
    expect((await post({ resource: 'contact', action: 'merge', validate_only: 'yes', data: [{ name: 'X' }] })).status).toBe(400);
  });

  it('writes an error file of the rejected rows as received: without its error columns it is an upload for the same job', async () => {
    const csv = 'name,email,phone,notes\nGood RT,good-rt@example.com,+15550001,\nBad RT,bad-rt,+15550002,"has, comma"\n,noname-rt@example.com,,=1+2\n';
    const job = (body: unknown) => post({ resource: 'contact', action: 'merge', mode: 'sync', ...(body as object) });
    const errorsOf = async (id: string) => {
      const urls = (await get(`/v1/batches/${id}?include_errors_csv=true&include_errors_json=true`)).body.data;
      return { csv: (await http(urls._errors_csv_url)).text, json: (await http(urls._errors_json_url)).body };
    };
    const first = (await job({ data: csvUrl(csv) })).body.data;
    expect(first.stats).toMatchObject({ created: 1, rejected: 2 });
    const errors = await errorsOf(first.id);
    expect(errors.json).toEqual([
      {
        line: 3,
        row: { name: 'Bad RT', email: 'bad-rt', phone: '+15550002', notes: 'has, comma' },
        errors: [{ field: 'email', code: expect.any(String), message: expect.any(String) }],
      },
      { line: 4, row: { name: '', email: 'noname-rt@example.com', phone: '', notes: '=1+2' }, errors: [{ field: 'name', code: expect.any(String), message: expect.any(String) }] },
    ]);
    const records = parse(errors.csv) as string[][];
    expect(records[0]).toEqual(['name', 'email', 'phone', 'notes', 'line', 'field', 'code', 'message']);
    // Cells that a spreadsheet would run are written as text.
    expect(records[1].slice(0, 5)).toEqual(['Bad RT', 'bad-rt', "'+15550002", 'has, comma', '3']);
    expect(records[2][3]).toBe("'=1+2");

    // The error columns removed, cell by cell as the error file has them: the same job takes it and finds the same errors.
    const cell = (c: string) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    const upload = (rows: string[][]) => rows.map((r) => `${r.slice(0, 4).map(cell).join(',')}\n`).join('');
    const again = (await job({ data: csvUrl(upload(records)) })).body.data;
    expect(again.stats).toMatchObject({ created: 0, rejected: 2 });
    // Its lines are those of the error file (the header, then one row each).
    expect((await errorsOf(again.id)).json.map((e: any) => [e.line, e.errors])).toEqual(errors.json.map((e: any, i: number) => [i + 2, e.errors]));

    // Fixed, it creates both rows with the values as first sent.
    const fixed = records.map((r, i) => (i === 1 ? ['Bad RT', 'fixed-rt@example.com', ...r.slice(2)] : i === 2 ? ['Named RT', ...r.slice(1)] : r));
    expect((await job({ data: csvUrl(upload(fixed)) })).body.data.stats).toMatchObject({ created: 2, rejected: 0 });
    const contacts = await allContacts();
    expect(contacts.find((c) => c.email === 'fixed-rt@example.com')).toMatchObject({ name: 'Bad RT', phone: '+15550002', notes: 'has, comma' });
    expect(contacts.find((c) => c.email === 'noname-rt@example.com')).toMatchObject({ name: 'Named RT', notes: '=1+2' });
  });

  it('creates one batch for one Idempotency-Key and replays its answer', async () => {
    const headers = { ...px(), 'idempotency-key': 'px-batch-1' };
    const body = { resource: 'shipment', action: 'merge', mode: 'sync', data: [{ tracking_number: 'IDEM-1' }] };
    const first = await http(`${by.url}/v1/batches`, { method: 'POST', headers, body });
    const second = await http(`${by.url}/v1/batches`, { method: 'POST', headers, body });
    expect(first.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const shipments = (await get('/v1/shipments?limit=100')).body.data.filter((s: any) => s.tracking_number === 'IDEM-1');
    expect(shipments).toHaveLength(1);
  });

  it('fails a batch whose upload cannot be read, with its reason and every row unprocessed', async () => {
    // The gateway never queues an unreadable upload, so the command is sent as a lost blob would leave it.
    const sender = await adminSender(by.launched.infra);
    const spec = {
      jobId: 'batch_lostupload',
      resource: 'asset',
      action: 'merge',
      mode: 'async',
      via: 'file',
      duplicateHandling: 'ignore_all',
      properties: {},
      saveUpload: false,
      saveResult: false,
    };
    const outcome = await sender.send(
      command(
        QueueBulkJob,
        { spec, upload: { hash: 'f'.repeat(64), size: 10, format: 'csv', rows: 4 }, deadlineAt: new Date(Date.now() + 60_000).toISOString() },
        {
          tenant: 'default',
          aggregateId: spec.jobId,
          actor: { keyId: 'test', name: 'test', role: 'operator' },
        },
      ),
    );
    expect(outcome.status).toBe('accepted');
    const done = await ended(spec.jobId);
    expect(done).toMatchObject({ status: 'failed', reason: expect.stringMatching(/upload/) });
    expect(done.stats).toMatchObject({ created: 0, unprocessed: 4 });
    expect(rowsAddUp(done)).toBe(4);
  });
}
