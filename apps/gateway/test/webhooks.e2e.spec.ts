import { spawnSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublicEventTypes } from '@batchyard/contracts';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, problemDetails, prototypeSnapshot, runFixedAmountTask, useBatchyard } from '@batchyard/test-support';

/** A real receiver on loopback: records every request with its raw body; answers `status` while it listens. */
class Receiver {
  readonly received: { headers: IncomingHttpHeaders; body: string }[] = [];
  /** What it answers; 500 plays a receiver that is up and broken. */
  status = 204;
  private server?: Server;
  constructor(public port = 0) {}

  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  get url() {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  bodies() {
    return this.received.map((r) => ({ ...r, event: JSON.parse(r.body) as { id: string; type: string; tenant: string; data: any } }));
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Python's standard library checks the signature: an implementation independent of ours. */
function pythonVerifies(secret: string, header: string, body: string): boolean {
  const script = [
    'import hmac, hashlib, sys',
    'secret, header = sys.argv[1], sys.argv[2]',
    'body = sys.stdin.buffer.read()',
    'parts = dict(p.split("=", 1) for p in header.split(","))',
    'expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()',
    'sys.exit(0 if hmac.compare_digest(expected, parts["v1"]) else 1)',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script, secret, header], { input: body });
  if (run.error) throw run.error;
  return run.status === 0;
}

describe('Webhooks and the events feed (embedded)', () => webhookTests({}));
const distributed = distributedOverrides();
describeTier('Webhooks and the events feed (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => webhookTests(distributed ?? {}));

describe('Webhooks: an endpoint that keeps failing is disabled (embedded)', () => disablingTests({}));
const distributedDisabling = distributedOverrides();
describeTier('Webhooks: an endpoint that keeps failing is disabled (Kafka + MongoDB wire)', Boolean(distributedDisabling), NO_SERVERS, () =>
  disablingTests(distributedDisabling ?? {}),
);

/** With `BATCHYARD_WEBHOOKS_DISABLE_AFTER_MS` of 1.5 s (3 days by default) and a real receiver on loopback that answers 500. */
function disablingTests(overrides: Partial<RuntimeConfig>) {
  const DISABLE_AFTER_MS = 1500;
  const by = useBatchyard(
    { ...overrides, webhooksAllowPrivate: true, webhooksDisableAfterMs: DISABLE_AFTER_MS },
    { keys: { acme: ['hooks-acme', 'operator'] }, testTimeout: 90_000 },
  );
  const headers = () => ({ authorization: by.keys.acme.key });
  const api = (path: string, init: { method?: string; body?: unknown } = {}) => http(`${by.url}/batchyard/v1${path}`, { ...init, headers: headers() });
  const hooks = new Receiver();
  beforeAll(() => hooks.listen());
  afterAll(() => hooks.close());

  it('disables an endpoint whose deliveries failed for the configured time, sends it nothing more, and resumes when PATCH enables it', async () => {
    hooks.status = 500;
    const created = await api('/webhooks', { method: 'POST', body: { url: hooks.url, events: ['*'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ enabled: true, status: 'enabled' });
    expect(created.body).not.toHaveProperty('disabledAt');
    const id = created.body.id;
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: headers(), body: { name: 'Broken receiver' } });
    expect(batch.status).toBe(201);

    const failing = await until('a first failed attempt', async () => ((await api(`/webhooks/${id}`)).body.failingSince ? (await api(`/webhooks/${id}`)).body : undefined));
    expect(failing).toMatchObject({ status: 'enabled', failingSince: expect.any(String) });
    const disabled = await until('the endpoint disabled', async () => {
      const endpoint = (await api(`/webhooks/${id}`)).body;
      return endpoint.status === 'disabled' ? endpoint : undefined;
    });
    expect(disabled).toMatchObject({ enabled: false, status: 'disabled', disabledAt: expect.any(String), disabledReason: expect.stringMatching(/failed for 1\.5 s .*HTTP 500/) });
    expect(Date.parse(disabled.disabledAt) - Date.parse(failing.failingSince)).toBeGreaterThanOrEqual(DISABLE_AFTER_MS);
    expect((await api('/webhooks')).body.find((e: any) => e.id === id)).toMatchObject({ status: 'disabled', disabledReason: disabled.disabledReason });
    const [held] = (await api(`/webhooks/${id}/deliveries`)).body;
    expect(held).toMatchObject({ type: 'BatchCreated', state: 'held' });
    expect(held).not.toHaveProperty('nextAttemptAt');
    expect(held.attempts.length).toBeGreaterThanOrEqual(2);
    expect(held.attempts.every((a: any) => a.statusCode === 500)).toBe(true);

    // Disabled: neither its held delivery, nor a redelivery asked for, nor a later event reaches the receiver.
    hooks.status = 204;
    const sent = hooks.received.length;
    expect((await api(`/webhooks/${id}/deliveries/${held.id}/redeliver`, { method: 'POST' })).status).toBe(202);
    expect((await http(`${by.url}/batches/${batch.body.id}`, { method: 'PUT', headers: headers(), body: { name: 'While disabled' } })).status).toBe(200);
    await until('the feed has the update', async () => ((await api('/events?types=BatchUpdated')).body.events.length === 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 2000));
    expect(hooks.received.length).toBe(sent);
    expect((await api(`/webhooks/${id}/deliveries`)).body.map((d: any) => [d.type, d.state])).toEqual([['BatchCreated', 'held']]);

    // Enabled again by PATCH: it forgets the failure, its held delivery goes out with its event id, later events follow.
    const enabled = await api(`/webhooks/${id}`, { method: 'PATCH', body: { enabled: true } });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ enabled: true, status: 'enabled' });
    for (const gone of ['disabledAt', 'disabledReason', 'failingSince']) expect(enabled.body).not.toHaveProperty(gone);
    const resent = await until('the held delivery', () => hooks.bodies().find((r) => r.event.id === held.eventId));
    expect(resent.event.type).toBe('BatchCreated');
    await until('delivered', async () => ((await api(`/webhooks/${id}/deliveries`)).body[0].state === 'delivered' ? true : undefined));
    expect((await http(`${by.url}/batches/${batch.body.id}`, { method: 'PUT', headers: headers(), body: { name: 'Enabled again' } })).status).toBe(200);
    const after = await until('an event after it was enabled', () => hooks.bodies().find((r) => r.event.type === 'BatchUpdated' && r.event.data.changes?.name === 'Enabled again'));
    expect(after.event.data.batchId).toBe(batch.body.id);
    expect(hooks.bodies().some((r) => r.event.data.changes?.name === 'While disabled')).toBe(false);

    // Disabled through the API: shown so, with that reason.
    const off = await api(`/webhooks/${id}`, { method: 'PATCH', body: { enabled: false } });
    expect(off.body).toMatchObject({ status: 'disabled', disabledAt: expect.any(String), disabledReason: 'disabled through the API' });
  });
}

function webhookTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(
    { ...overrides, webhooksAllowPrivate: true },
    { keys: { acme: ['hooks-acme', 'operator'], user: ['hooks-acme', 'user'], other: ['hooks-other', 'operator'] }, testTimeout: 90_000 },
  );
  const as = (name: 'acme' | 'user' | 'other') => ({ authorization: by.keys[name].key });
  const api = (name: 'acme' | 'user' | 'other', path: string, init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) =>
    http(`${by.url}/batchyard/v1${path}`, { ...init, headers: { ...as(name), ...init.headers } });
  const receivers: Receiver[] = [];
  afterAll(() => Promise.all(receivers.map((r) => r.close())));
  const receiver = async () => {
    const r = new Receiver();
    receivers.push(r);
    await r.listen();
    return r;
  };

  it('delivers a task’s and a bulk job’s ended events, signed so that Python’s hmac verifies them', async () => {
    const hooks = await receiver();
    const created = await api('user', '/webhooks', { method: 'POST', body: { url: hooks.url, events: ['TaskCompleted', 'BulkJobCompleted'], description: 'ends' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^we_/), url: hooks.url, events: ['TaskCompleted', 'BulkJobCompleted'], enabled: true });
    const { id, secret } = created.body;
    expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect((await api('acme', `/webhooks/${id}`)).body).not.toHaveProperty('secret');
    expect((await api('acme', '/webhooks')).body.map((e: any) => e.id)).toContain(id);

    const task = await runFixedAmountTask(by.url, by.keys.acme.key, 3);
    const job = await http(`${by.url}/v1/batches`, {
      method: 'POST',
      headers: { 'px-api-key': by.keys.acme.key },
      body: { resource: 'contact', action: 'merge', data: [{ name: 'Ann Lee', email: 'ann@example.com' }] },
    });
    expect(job.status).toBe(201);

    const both = await until('both ended events', () => {
      const got = hooks.bodies();
      return got.some((r) => r.event.type === 'TaskCompleted') && got.some((r) => r.event.type === 'BulkJobCompleted') ? got : undefined;
    });
    for (const { headers, body, event } of both) {
      expect(event).toEqual({ id: expect.any(String), type: expect.any(String), occurredAt: expect.any(String), tenant: 'hooks-acme', data: expect.any(Object) });
      expect(headers['batchyard-event-id']).toBe(event.id);
      expect(String(headers['batchyard-signature'])).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(pythonVerifies(secret, String(headers['batchyard-signature']), body)).toBe(true);
      expect(pythonVerifies('whsec_wrong', String(headers['batchyard-signature']), body)).toBe(false);
    }
    expect(both.find((r) => r.event.type === 'TaskCompleted')!.event.data).toMatchObject({ batchId: task.batch, status: 'EXECUTED', totalThngsCreated: 3 });
    expect(both.every((r) => ['TaskCompleted', 'BulkJobCompleted'].includes(r.event.type))).toBe(true);

    const deliveries = await until('deliveries recorded delivered', async () => {
      const list = (await api('acme', `/webhooks/${id}/deliveries`)).body;
      return list.length >= 2 && list.every((d: any) => d.state === 'delivered') ? list : undefined;
    });
    expect(deliveries[0].attempts[0]).toEqual({ at: expect.any(String), statusCode: 204, durationMs: expect.any(Number) });

    const again = deliveries[0];
    expect((await api('other', `/webhooks/${id}/deliveries/${again.id}/redeliver`, { method: 'POST' })).status).toBe(404);
    expect((await api('acme', `/webhooks/${id}/deliveries/nope/redeliver`, { method: 'POST' })).status).toBe(404);
    expect((await api('acme', `/webhooks/${id}/deliveries/${again.id}/redeliver`, { method: 'POST' })).status).toBe(202);
    await until('the redelivery', () => (hooks.bodies().filter((r) => r.event.id === again.eventId).length === 2 ? true : undefined));
    const record = await until('two attempts recorded', async () => {
      const list = (await api('acme', `/webhooks/${id}/deliveries`)).body;
      return list.find((d: any) => d.id === again.id && d.state === 'delivered' && d.attempts.length === 2);
    });
    expect(record.attempts.map((a: any) => a.statusCode)).toEqual([204, 204]);

    const rotated = await api('acme', `/webhooks/${id}/rotate-secret`, { method: 'POST' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);
  });

  it('keeps retrying while the receiver is down and delivers once it answers, with the same event id', async () => {
    const hooks = await receiver();
    await hooks.close(); // its port, with nothing listening
    const created = await api('acme', '/webhooks', { method: 'POST', body: { url: hooks.url, events: ['*'] } });
    expect(created.status).toBe(201);
    const healthy = await receiver();
    expect((await api('acme', '/webhooks', { method: 'POST', body: { url: healthy.url, events: ['BatchUpdated'] } })).status).toBe(201);
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: as('acme'), body: { name: 'Down then up' } });
    expect(batch.status).toBe(201);
    for (const name of ['Down 1', 'Down 2']) {
      expect((await http(`${by.url}/batches/${batch.body.id}`, { method: 'PUT', headers: as('acme'), body: { name } })).status).toBe(200);
    }
    // The failing endpoint holds up nobody else.
    await until('the healthy endpoint’s deliveries', () => (healthy.bodies().filter((r) => r.event.data.batchId === batch.body.id).length === 2 ? true : undefined));

    const failed = await until('a failed attempt', async () => {
      const list = (await api('acme', `/webhooks/${created.body.id}/deliveries`)).body;
      return list.find((d: any) => d.type === 'BatchCreated' && d.attempts.length >= 1);
    });
    expect(failed.state).toBe('pending');
    expect(failed.attempts[0]).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED/) });
    expect(failed.attempts[0]).not.toHaveProperty('statusCode');

    await hooks.listen();
    const delivered = await until('the delivery', () => hooks.bodies().find((r) => r.event.type === 'BatchCreated' && r.event.data.batchId === batch.body.id));
    expect(delivered.event.id).toBe(failed.eventId);
    const record = await until('recorded delivered', async () => {
      const list = (await api('acme', `/webhooks/${created.body.id}/deliveries`)).body;
      return list.find((d: any) => d.id === failed.id && d.state === 'delivered');
    });
    expect(record.attempts.length).toBeGreaterThanOrEqual(2);
    expect(record.attempts.at(-1)).toMatchObject({ statusCode: 204 });
    // One stream's events in order, each once it answers.
    const ofBatch = await until('the batch’s three events', () => {
      const got = hooks.bodies().filter((r) => r.event.data.batchId === batch.body.id);
      return got.length === 3 ? got : undefined;
    });
    expect(ofBatch.map((r) => r.event.type)).toEqual(['BatchCreated', 'BatchUpdated', 'BatchUpdated']);
  });

  it('pages through a tenant’s public events in order and never shows another tenant’s', async () => {
    const mine = await http(`${by.url}/batches`, { method: 'POST', headers: as('acme'), body: { name: 'Feed mine' } });
    const theirs = await http(`${by.url}/batches`, { method: 'POST', headers: as('other'), body: { name: 'Feed theirs' } });
    const store = await by.launched.infra.events();
    const all = await store.readAll({ after: 0, maxCount: 100_000, eventTypes: PublicEventTypes });
    const expected = all.filter((e) => e.tenant === 'hooks-acme').map((e) => e.eventId);
    const theirIds = new Set(all.filter((e) => e.tenant !== 'hooks-acme').map((e) => e.eventId));
    expect(theirIds.size).toBeGreaterThan(0);

    const readAll = async (name: 'acme' | 'other') => {
      const ids: string[] = [];
      let cursor = '0';
      for (let pages = 0; pages < 1000; pages++) {
        const page = await api(name, `/events?after=${cursor}&limit=2`);
        expect(page.status).toBe(200);
        expect(page.body.events.length).toBeLessThanOrEqual(2);
        if (page.body.events.length === 0) return { ids, cursor };
        ids.push(...page.body.events.map((e: any) => e.id));
        cursor = page.body.next;
      }
      throw new Error('the feed did not end');
    };
    const seen = await until('the feed caught up', async () => {
      const read = await readAll('acme');
      return read.ids.length === expected.length ? read : undefined;
    });
    expect(seen.ids).toEqual(expected);
    expect(seen.ids.some((id) => theirIds.has(id))).toBe(false);
    const other = await until('the other feed', async () => ((await readAll('other')).ids.length > 0 ? readAll('other') : undefined));
    expect(other.ids.every((id) => theirIds.has(id))).toBe(true);

    const only = await api('acme', '/events?types=BatchCreated&limit=500');
    expect(only.body.events.length).toBeGreaterThan(0);
    expect(only.body.events.every((e: any) => e.type === 'BatchCreated' && e.tenant === 'hooks-acme')).toBe(true);
    expect(only.body.events.map((e: any) => e.data.batchId)).toContain(mine.body.id);
    expect(only.body.events.map((e: any) => e.data.batchId)).not.toContain(theirs.body.id);
  });

  it('answers hostile input with a 4xx problem (RFC 9457) and changes nothing; another tenant’s endpoint is not found', async () => {
    const prototypes = prototypeSnapshot();
    const before = (await api('acme', '/webhooks')).body.length;
    const bad: [unknown, string[]][] = [
      [{}, ['url', 'events']],
      [{ url: 'ftp://example.com/x', events: ['*'] }, ['url']],
      [{ url: 'javascript:alert(1)', events: ['*'] }, ['url']],
      [{ url: 'https://user:pw@example.com/', events: ['*'] }, ['url']],
      [{ url: 'not a url', events: ['*'] }, ['url']],
      [{ url: `https://example.com/${'a'.repeat(3000)}`, events: ['*'] }, ['url']],
      [{ url: 'https://example.com/', events: [] }, ['events']],
      [{ url: 'https://example.com/', events: ['NoSuchEvent'] }, ['events']],
      [{ url: 'https://example.com/', events: ['ApiKeyCreated'] }, ['events']],
      [{ url: 'https://example.com/', events: ['*', 'BatchCreated'] }, ['events']],
      [{ url: 'https://example.com/', events: ['BatchCreated', 'BatchCreated'] }, ['events']],
      [{ url: 'https://example.com/', events: '*' }, ['events']],
      [{ url: 'https://example.com/', events: ['*'], description: 'x'.repeat(300) }, ['description']],
      [{ url: 'https://example.com/', events: ['*'], secret: 'mine' }, ['secret']],
      [[], ['']],
      ['text', []], // not an object or array: the JSON parser refuses it, naming no field
    ];
    for (const [body, fields] of bad) {
      const res = await api('acme', '/webhooks', { method: 'POST', body });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect({ body, status: res.status, problem: res.body }).toEqual({ body, status: 400, problem: problemDetails(400, 'BAD_REQUEST') });
      expect({ body, fields: (res.body.errors ?? []).map((e: any) => e.field).sort() }).toEqual({ body, fields: [...fields].sort() });
    }
    const one = (await api('acme', '/webhooks', { method: 'POST', body: { url: 'https://example.com/', events: ['Nope'] } })).body;
    expect(one).toEqual(problemDetails(400, 'BAD_REQUEST', ['events']));
    expect(one).toMatchObject({
      title: 'Bad Request',
      instance: '/batchyard/v1/webhooks',
      detail: expect.stringMatching(/^events: Must be \["\*"\] alone, or 1 to 50 distinct public event types/),
    });
    expect(one.errors[0].pointer).toBe('/events');

    // Prototype keys, as the JSON arrives (an object literal cannot hold an own `__proto__`).
    for (const raw of [
      '{"url":"https://example.com/","events":["*"],"__proto__":{"enabled":false}}',
      '{"url":"https://example.com/","events":["*"],"constructor":{"prototype":{"polluted":true}}}',
      '{"__proto__":{"url":"https://example.com/","events":["*"]}}',
      '{"url":"https://example.com/","events":["*"],"description":{"__proto__":"x"}}',
      '{"url":"https://example.com/","events":{"__proto__":["*"]}}',
    ]) {
      const res = await api('acme', '/webhooks', { method: 'POST', raw, headers: { 'content-type': 'application/json' } });
      expect({ raw, status: res.status, body: res.body }).toEqual({ raw, status: 400, body: problemDetails(400, 'BAD_REQUEST') });
    }
    const unsupported = await api('acme', '/webhooks', { method: 'POST', raw: 'url=x', headers: { 'content-type': 'text/plain' } });
    expect({ status: unsupported.status, body: unsupported.body }).toEqual({ status: 415, body: problemDetails(415, 'UNSUPPORTED_MEDIA_TYPE') });
    const malformed = await api('acme', '/webhooks', { method: 'POST', raw: '{"url":', headers: { 'content-type': 'application/json' } });
    expect({ status: malformed.status, body: malformed.body }).toEqual({ status: 400, body: problemDetails(400, 'BAD_REQUEST') });
    expect((await api('acme', '/webhooks')).body.length).toBe(before);
    expect(prototypeSnapshot()).toEqual(prototypes);

    // No key, a wrong key, a route that is not there: the same shape.
    const anonymous = await http(`${by.url}/batchyard/v1/webhooks`);
    expect({ status: anonymous.status, body: anonymous.body }).toEqual({ status: 401, body: problemDetails(401) });
    const wrong = await http(`${by.url}/batchyard/v1/events`, { headers: { authorization: 'Bearer not-a-key' } });
    expect({ status: wrong.status, body: wrong.body }).toEqual({ status: 401, body: problemDetails(401) });
    const nowhere = await api('acme', '/nothing-here');
    expect({ status: nowhere.status, body: nowhere.body }).toEqual({ status: 404, body: problemDetails(404, 'NOT_FOUND') });

    const mine = (await api('acme', '/webhooks', { method: 'POST', body: { url: 'https://example.com/mine', events: ['BatchCreated'] } })).body;
    for (const [method, path] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/rotate-secret'],
      ['GET', '/deliveries'],
      ['POST', '/deliveries/x/redeliver'],
    ] as const) {
      const res = await api('other', `/webhooks/${mine.id}${path}`, { method, body: method === 'PATCH' ? { enabled: false } : undefined });
      expect({ method, path, status: res.status, body: res.body }).toEqual({ method, path, status: 404, body: problemDetails(404, 'NOT_FOUND') });
    }
    for (const id of ['nope', '..', '__proto__', 'constructor', 'prototype', 'hasOwnProperty', `${mine.id}x`, 'we_00000000-0000-0000-0000-000000000000']) {
      const res = await api('acme', `/webhooks/${encodeURIComponent(id)}`);
      expect({ id, status: res.status, body: res.body }).toEqual({ id, status: 404, body: problemDetails(404, 'NOT_FOUND') });
      const deliveries = await api('acme', `/webhooks/${mine.id}/deliveries/${encodeURIComponent(id)}/redeliver`, { method: 'POST' });
      expect({ id, status: deliveries.status, body: deliveries.body }).toEqual({ id, status: 404, body: problemDetails(404, 'NOT_FOUND') });
    }
    for (const [body, fields] of [
      [{}, ['']],
      [{ enabled: 'no' }, ['enabled']],
      [{ events: ['Nope'] }, ['events']],
      [{ url: 'file:///etc/passwd' }, ['url']],
      [{ secret: 'x' }, ['secret', '']], // an unknown field, and nothing to change
      [{ status: 'active' }, ['status', '']],
    ] as [unknown, string[]][]) {
      const res = await api('acme', `/webhooks/${mine.id}`, { method: 'PATCH', body });
      expect({ body, status: res.status, fields: res.body.errors?.map((e: any) => e.field) }).toEqual({ body, status: 400, fields });
    }
    const patchProto = await api('acme', `/webhooks/${mine.id}`, { method: 'PATCH', raw: '{"__proto__":{"enabled":false}}', headers: { 'content-type': 'application/json' } });
    expect({ status: patchProto.status, body: patchProto.body }).toEqual({ status: 400, body: problemDetails(400, 'BAD_REQUEST') });
    expect((await api('acme', `/webhooks/${mine.id}`)).body).toEqual({ ...mine, secret: undefined, description: undefined });

    const patched = await api('acme', `/webhooks/${mine.id}`, { method: 'PATCH', body: { enabled: false, events: ['*'] } });
    expect(patched.body).toMatchObject({ id: mine.id, enabled: false, events: ['*'] });
    expect((await api('acme', `/webhooks/${mine.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api('acme', `/webhooks/${mine.id}`)).status).toBe(404);

    let created = (await api('acme', '/webhooks')).body.length;
    while (created < 20) {
      expect((await api('acme', '/webhooks', { method: 'POST', body: { url: `https://example.com/${created}`, events: ['*'] } })).status).toBe(201);
      created++;
    }
    const full = await api('acme', '/webhooks', { method: 'POST', body: { url: 'https://example.com/21', events: ['*'] } });
    expect({ status: full.status, body: full.body }).toEqual({ status: 409, body: problemDetails(409, 'CONFLICT') });
    expect((await api('other', '/webhooks', { method: 'POST', body: { url: 'https://example.com/other', events: ['*'] } })).status).toBe(201);

    for (const query of [
      'after=-1',
      'after=abc',
      'types=Nope',
      'types=ApiKeyCreated',
      'limit=0',
      'limit=5000',
      'limit=x',
      'other=1',
      'after=1&after=2',
      '__proto__=1',
      'constructor=1',
      '__proto__[after]=1',
    ]) {
      const res = await api('acme', `/events?${query}`);
      expect({ query, status: res.status, body: res.body }).toEqual({ query, status: 400, body: problemDetails(400, 'BAD_REQUEST') });
    }
  });
}
