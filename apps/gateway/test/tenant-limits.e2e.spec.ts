import { DEFAULT_TENANT_LIMITS, type RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, untilTaskEnded, useBatchyard } from '@batchyard/test-support';

/**
 * Per-tenant limits through the gateway (docs/operations.md, "Limits"): requests per second per key (429 with
 * Retry-After in each dialect's shape), tasks and bulk jobs queued or running at once (two requests for the last
 * place: one gets it), items per task (400: it would never run) and stored bytes (413). A tenant at its limit
 * leaves every other tenant served at once. Embedded, and over real Kafka + the MongoDB wire protocol.
 */
const LIMITS = { ...DEFAULT_TENANT_LIMITS, concurrentTasks: 1, concurrentBulkJobs: 1, taskItems: 1_000_000, storedBytes: 64 * 1024 };
describe('Tenant limits (embedded)', () => limitTests({ limits: { ...LIMITS } }));
const distributed = distributedOverrides();
describeTier('Tenant limits (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => limitTests({ ...distributed, limits: { ...LIMITS } }));

let tenants = 0;

function limitTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { testTimeout: 120_000 });
  /** A key of a tenant of its own, so each test starts with full buckets and no quota used. */
  const newTenant = async () => (await issueKey(by.launched.infra, `limits-${process.pid}-${++tenants}`, 'operator')).key;

  /** Runs `body` with some of the installation's limits changed: the gateway reads them on every request. */
  async function withLimits(changes: Partial<typeof LIMITS>, body: () => Promise<void>): Promise<void> {
    const limits = by.launched.infra.config.limits;
    Object.assign(limits, changes);
    try {
      await body();
    } finally {
      Object.assign(limits, LIMITS);
    }
  }

  it('answers 429 with Retry-After in each dialect once a key sends faster than its rate, and serves another key at once', async () => {
    const dialects: [string, (key: string) => Record<string, string>, (body: any) => void][] = [
      [
        '/batches',
        (key) => ({ authorization: key }),
        (body) => expect(body).toEqual({ status: 429, errors: [expect.stringMatching(/1 requests per second/)], code: 'TOO_MANY_REQUESTS', moreInfo: expect.any(String) }),
      ],
      [
        '/v1/contacts',
        (key) => ({ 'px-api-key': key }),
        (body) => expect(body).toMatchObject({ status: 429, code: 'too_many_requests', data: null, errors: [], endpoint: '/v1/contacts' }),
      ],
      [
        '/v2/batches',
        (key) => ({ authorization: `Bearer ${key}` }),
        (body) => expect(body).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/1 requests per second/) }),
      ],
    ];
    const keys = [await newTenant(), await newTenant(), await newTenant()];
    // A burst of 5 then 1 a second: of 30 requests sent at once, at most 5 plus one per second they take pass.
    await withLimits({ requestsPerSecond: 1, requestBurst: 5 }, async () => {
      for (const [i, [path, headers, shape]] of dialects.entries()) {
        const started = Date.now();
        const answers = await Promise.all(Array.from({ length: 30 }, () => http(`${by.url}${path}`, { headers: headers(keys[i]) })));
        const passed = answers.filter((a) => a.status === 200).length;
        expect(passed).toBeGreaterThanOrEqual(5);
        expect(passed).toBeLessThanOrEqual(5 + Math.ceil((Date.now() - started) / 1000));
        const refused = answers.filter((a) => a.status !== 200);
        for (const answer of refused) {
          expect(answer.status).toBe(429);
          expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          shape(answer.body);
        }
        expect((await http(`${by.url}${path}`, { headers: headers(by.key) })).status).toBe(200);
      }
    });
  });

  const task = (quantity: number) => ({
    type: 'POPULATING',
    inputParameters: { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'Limited' }, quantity },
  });

  it('holds a tenant to its tasks queued or running: of two requests for the last place one is 429, and an ended task frees its place', async () => {
    const key = await newTenant();
    const auth = { authorization: key };
    const batch = (await http(`${by.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Limited' } })).body.id;
    const post = (body: unknown) => http(`${by.url}/batches/${batch}/tasks`, { method: 'POST', headers: auth, body });
    // A million codes take minutes (and, unlike Thngs, little of the read models): the one that gets the place holds it until cancelled.
    const codes = { type: 'SHORT_ID_GENERATION', inputParameters: { quantity: 1_000_000, shortIdTemplate: { type: 'PSEUDO_RANDOM' } } };
    const race = await Promise.all([post(codes), post(codes)]);
    expect(race.map((r) => r.status).sort()).toEqual([202, 429]);
    const running = race.find((r) => r.status === 202)!.headers.get('location')!;
    try {
      const refused = race.find((r) => r.status === 429)!;
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.body).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', errors: [expect.stringMatching(/1 tasks queued or running/)] });
      expect((await http(`${by.url}/batches/${batch}/tasks`, { headers: auth })).body).toHaveLength(1);
      // Another tenant is served at once.
      const other = (await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: by.key }, body: { name: 'Other' } })).body.id;
      expect((await http(`${by.url}/batches/${other}/tasks`, { method: 'POST', headers: { authorization: by.key }, body: task(3) })).status).toBe(202);
    } finally {
      expect((await http(`${by.url}${running}/cancel`, { method: 'POST', headers: auth })).status).toBe(202);
      expect((await untilTaskEnded(by.url, running, auth, 1_200)).status).toBe('FAILED');
    }
    const next = await post(task(5));
    expect(next.status).toBe(202);
    expect((await untilTaskEnded(by.url, next.headers.get('location')!, auth, 1_200)).status).toBe('EXECUTED');
  });

  it('refuses a task larger than the items per task with 400 on the field that sizes it, and queues nothing', async () => {
    const key = await newTenant();
    const auth = { authorization: key };
    const batch = (await http(`${by.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Too big' } })).body.id;
    await withLimits({ taskItems: 100 }, async () => {
      const listBased = {
        type: 'POPULATING',
        inputParameters: {
          type: 'LIST_BASED',
          generateThngs: true,
          generateRedirections: true,
          defaultRedirectUrl: 'https://example.com/{evrythngId}',
          shortDomain: 'tn.gg',
          thngTemplate: { name: 'L' },
          inputData: Array.from({ length: 101 }, (_, i) => ({ shortId: `lim-${i}` })),
        },
      };
      for (const [body, field] of [
        [task(101), 'inputParameters.quantity'],
        [listBased, 'inputParameters.inputData'],
      ] as const) {
        const res = await http(`${by.url}/batches/${batch}/tasks`, { method: 'POST', headers: auth, body });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ status: 400, code: 'BAD_REQUEST', errors: [expect.stringContaining(`${field}: a task makes at most 100 items`)] });
      }
      expect((await http(`${by.url}/batches/${batch}/tasks`, { headers: auth })).body).toEqual([]);
      const fits = await http(`${by.url}/batches/${batch}/tasks`, { method: 'POST', headers: auth, body: task(100) });
      expect(fits.status).toBe(202);
      expect((await untilTaskEnded(by.url, fits.headers.get('location')!, auth, 1_200)).status).toBe('EXECUTED');
    });
    // The installation's own limit, 1,000,000, is the API's most.
    expect((await http(`${by.url}/batches/${batch}/tasks`, { method: 'POST', headers: auth, body: task(1_000_001) })).status).toBe(400);
  });

  const contactsCsv = (rows: number, prefix: string) => ['name,email', ...Array.from({ length: rows }, (_, i) => `${prefix} ${i},${prefix}-${i}@example.com`)].join('\n');
  const dataUrl = (csv: string) => `data:text/csv;base64,${Buffer.from(csv).toString('base64')}`;

  it('holds a tenant to its bulk jobs queued or processing: of two at once one is 429 in PackageX shape, and an ended job frees its place', async () => {
    const key = await newTenant();
    const px = { 'px-api-key': key };
    const post = (prefix: string) =>
      http(`${by.url}/v1/batches`, { method: 'POST', headers: px, body: { resource: 'contact', action: 'merge', mode: 'async', data: dataUrl(contactsCsv(500, prefix)) } });
    const answers = await Promise.all([post('x'), post('y')]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatchObject({ status: 429, code: 'too_many_requests', data: null, message: expect.stringMatching(/1 batches queued or processing/) });
    const accepted = answers.find((a) => a.status === 201)!.body.data.id;
    for (let job = accepted; ;) {
      const doc = (await http(`${by.url}/v1/batches/${job}`, { headers: px })).body.data;
      if (doc.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Only the accepted job was queued; the place is free once it ended.
    expect((await http(`${by.url}/v1/batches`, { headers: px })).body.pagination.total_count).toBe(1);
    expect((await post('z')).status).toBe(201);
  });

  it('holds a tenant to its stored bytes: a file or upload that does not fit is 413, and a deleted file frees its bytes', async () => {
    const key = await newTenant();
    const auth = { authorization: key };
    const newFile = async () => (await http(`${by.url}/files`, { method: 'POST', headers: auth, body: { name: 'f.csv', type: 'text/csv', privateAccess: true } })).body;
    const upload = (file: any, bytes: number) => http(file.uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/csv' }, raw: 'x'.repeat(bytes) });
    const [first, second] = [await newFile(), await newFile()];
    expect((await upload(first, 40 * 1024)).status).toBe(200);
    // Uploading the same file anew replaces its share rather than adding to it.
    expect((await upload(first, 40 * 1024)).status).toBe(200);
    const refused = await upload(second, 40 * 1024);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', errors: [expect.stringMatching(/may store 65536 bytes/)] });
    expect((await http(`${by.url}/files/${second.id}`, { headers: auth })).body).not.toHaveProperty('contentUrl');

    const px = { 'px-api-key': key };
    const job = await http(`${by.url}/v1/batches`, { method: 'POST', headers: px, body: { resource: 'contact', action: 'merge', data: dataUrl(contactsCsv(2_000, 'big')) } });
    expect(job.status).toBe(413);
    expect(job.body).toMatchObject({ status: 413, code: 'payload_too_large', data: null, endpoint: '/v1/batches' });
    expect((await http(`${by.url}/v1/batches`, { headers: px })).body.pagination.total_count).toBe(0);

    expect((await http(`${by.url}/files/${first.id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
    expect((await upload(second, 40 * 1024)).status).toBe(200);
  });
}
