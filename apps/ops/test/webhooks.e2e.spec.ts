import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, opsEnv, runOpsCli, useBatchyard } from '@batchyard/test-support';

/**
 * `ops webhooks list|deliveries|redeliver|enable` and the delivery processor in `ops projections list`, the compiled
 * tool against a running installation with a real receiver on loopback; embedded, and over real Kafka + the MongoDB wire.
 */
describe('ops webhooks (embedded)', () => opsWebhookTests({}));
const distributed = distributedOverrides();
describeTier('ops webhooks (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => opsWebhookTests(distributed ?? {}));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function opsWebhookTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard({ ...overrides, webhooksAllowPrivate: true }, { keys: { acme: ['ops-acme', 'operator'], other: ['ops-other', 'operator'] }, testTimeout: 90_000 });
  const ops = (...args: string[]) => runOpsCli(opsEnv(by.config), ...args);
  const lines = async (...args: string[]) => {
    const result = await ops(...args);
    expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    return result.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  };
  const api = (key: 'acme' | 'other', path: string, init: { method?: string; body?: unknown } = {}) =>
    http(`${by.url}/batchyard/v1${path}`, { ...init, headers: { authorization: by.keys[key].key } });

  const received: { id: string; type: string }[] = [];
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => (received.push(JSON.parse(Buffer.concat(chunks).toString('utf8'))), res.writeHead(204).end()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('lists every tenant’s endpoints without secrets, shows deliveries, redelivers one with the same event id, and enables a disabled endpoint', async () => {
    const mine = (await api('acme', '/webhooks', { method: 'POST', body: { url, events: ['BatchCreated'], description: 'ops test' } })).body;
    const theirs = (await api('other', '/webhooks', { method: 'POST', body: { url: 'https://example.com/theirs', events: ['*'] } })).body;
    expect([mine.id, theirs.id]).toEqual([expect.stringMatching(/^we_/), expect.stringMatching(/^we_/)]);
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: by.keys.acme.key }, body: { name: 'Ops hook' } });
    expect(batch.status).toBe(201);
    const event = await until('the delivery', () => received.find((r) => r.type === 'BatchCreated'));

    const all = await lines('webhooks', 'list', '--json');
    expect(all.map((r) => r.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(all.find((r) => r.id === mine.id)).toEqual({
      id: mine.id,
      tenant: 'ops-acme',
      status: 'enabled',
      url,
      events: ['BatchCreated'],
      description: 'ops test',
      createdAt: mine.createdAt,
    });
    expect((await lines('webhooks', 'list', '--tenant', 'ops-other', '--json')).map((r) => r.id)).toEqual([theirs.id]);
    const text = await ops('webhooks', 'list');
    expect(text.stdout).toContain(`${mine.id}\ttenant=ops-acme\tenabled\t${url}\tBatchCreated`);
    for (const secret of [mine.secret, theirs.secret]) expect(JSON.stringify(all) + text.stdout).not.toContain(secret);
    expect((await ops('webhooks', 'list', '--tenant', 'nobody')).stdout.trim()).toBe('no webhook endpoints');

    const [delivery] = await until('recorded delivered', async () => {
      const rows = await lines('webhooks', 'deliveries', mine.id, '--json');
      return rows.length === 1 && rows[0].state === 'delivered' ? rows : undefined;
    });
    expect(delivery).toMatchObject({ eventId: event.id, type: 'BatchCreated', state: 'delivered', attempts: [{ statusCode: 204, durationMs: expect.any(Number) }] });
    expect((await ops('webhooks', 'deliveries', mine.id)).stdout).toMatch(
      new RegExp(`^${delivery.id}\\tBatchCreated\\tevent=${event.id}\\tdelivered\\tattempts=1\\t204 in \\d+ ms`),
    );
    expect(await lines('webhooks', 'deliveries', mine.id, '--state', 'failed', '--json')).toEqual([]);

    const again = await ops('webhooks', 'redeliver', mine.id, delivery.id);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('1 delivery(ies) queued again') });
    await until('the redelivery', () => (received.filter((r) => r.id === event.id).length === 2 ? true : undefined));
    await until('two attempts recorded', async () => ((await lines('webhooks', 'deliveries', mine.id, '--json'))[0].attempts.length === 2 ? true : undefined));
    expect(await ops('webhooks', 'redeliver', mine.id, '--failed')).toMatchObject({ code: 0, stdout: expect.stringContaining('0 delivery(ies) queued again') });

    // Disabled (here through the API): shown so; a redelivery is held; `enable` sends it.
    expect((await api('acme', `/webhooks/${mine.id}`, { method: 'PATCH', body: { enabled: false } })).status).toBe(200);
    expect((await lines('webhooks', 'list', '--tenant', 'ops-acme', '--json'))[0]).toMatchObject({
      status: 'disabled',
      disabledAt: expect.any(String),
      disabledReason: 'disabled through the API',
    });
    const held = await ops('webhooks', 'redeliver', mine.id, delivery.id);
    expect(held.stdout).toContain(`endpoint ${mine.id} is disabled: they are held until it is enabled again`);
    await until('held', async () => ((await lines('webhooks', 'deliveries', mine.id, '--json'))[0].state === 'held' ? true : undefined));
    expect(received.filter((r) => r.id === event.id)).toHaveLength(2);
    expect(await ops('webhooks', 'enable', mine.id)).toMatchObject({ code: 0, stdout: expect.stringContaining(`endpoint ${mine.id} enabled`) });
    expect((await api('acme', `/webhooks/${mine.id}`)).body).toMatchObject({ status: 'enabled' });
    await until('the held delivery sent', () => (received.filter((r) => r.id === event.id).length === 3 ? true : undefined));
  });

  it('shows the delivery processor in projections list with its checkpoint and lag, caught up and running', async () => {
    const row = await until('webhooks caught up', async () => {
      const found = (await lines('projections', 'list', '--json')).find((r) => r.name === 'webhooks');
      return found?.lag === 0 ? found : undefined;
    });
    expect(row).toEqual({ name: 'webhooks', checkpoint: expect.any(Number), lag: 0, status: 'running', parked: 0, targets: [] });
    expect(row.checkpoint).toBeGreaterThan(0);
    const relay = (await lines('projections', 'list', '--json')).find((r) => r.name === 'relay');
    expect(row.checkpoint).toBeLessThanOrEqual(await (await by.launched.infra.events()).headPosition());
    expect(relay).toBeDefined();
    expect((await ops('parked', 'list', '--processor', 'webhooks')).stdout).toContain('no parked events');
  });

  it('refuses bad arguments with a clear message and sends nothing', async () => {
    const before = received.length;
    const endpointId = (await lines('webhooks', 'list', '--tenant', 'ops-acme', '--json'))[0].id;
    const refusals: [string[], RegExp][] = [
      [['webhooks', 'deliveries', 'we_nope'], /error: no webhook endpoint we_nope/],
      [['webhooks', 'deliveries', endpointId, '--state', 'lost'], /error: option .*must be one of pending, held, delivered, failed/],
      [['webhooks', 'deliveries', endpointId, '--limit', 'many'], /error: option .*must be a non-negative integer/],
      [['webhooks', 'redeliver', endpointId], /error: give delivery ids or --failed/],
      [['webhooks', 'redeliver', endpointId, 'x', '--failed'], /error: give delivery ids or --failed/],
      [['webhooks', 'redeliver', endpointId, `${endpointId}.nope`], /error: no delivery .*\.nope of endpoint/],
      [['webhooks', 'redeliver', 'we_nope', 'x'], /error: no webhook endpoint we_nope/],
      [['webhooks', 'redeliver', '__proto__', 'constructor'], /error: no webhook endpoint __proto__/],
      [['webhooks', 'enable', 'constructor'], /error: no webhook endpoint constructor/],
      [['webhooks', 'list', '--nope'], /error: unknown option/],
    ];
    for (const [args, message] of refusals) {
      const result = await ops(...args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 1, stderr: expect.stringMatching(message) });
    }
    // A delivery of another endpoint, named with this one: refused too.
    const theirs = (await lines('webhooks', 'list', '--tenant', 'ops-other', '--json'))[0].id;
    const [delivery] = await lines('webhooks', 'deliveries', endpointId, '--json');
    expect(await ops('webhooks', 'redeliver', theirs, delivery.id)).toMatchObject({ code: 1, stderr: expect.stringMatching(/no delivery/) });
    await new Promise((r) => setTimeout(r, 1000));
    expect(received.length).toBe(before);
  });
}
