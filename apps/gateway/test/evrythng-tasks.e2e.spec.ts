import { EVRYTHNG_ID_PATTERN, SHORT_ID_VERSION, evrythngIdFrom, sha256Hex, taskItem, uuidFrom } from '@batchyard/contracts';
import { redirectionDocId } from '@batchyard/read-models';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, getWithHost, untilTaskEnded, useBatchyard } from '@batchyard/test-support';

/**
 * EVRYTHNG tasks through the gateway: POST a FIXED_AMOUNT task, the task worker generates its Thngs and
 * redirections chunk by chunk, the task, its batch, the Thngs and the short URLs follow; every bad input is a 4xx
 * that queues nothing. Embedded, and over real Kafka + the MongoDB wire protocol when the servers are there.
 */
describe('EVRYTHNG tasks through the gateway (embedded)', () => taskTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG tasks through the gateway (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => taskTests(distributed ?? {}));

const PRODUCT = 'UmNqmfDEBDswtpaaRDs6xHpn';
const fixedAmount = (quantity: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'POPULATING',
  outputParameters: { type: 'CSV', columns: ['SHORT_ID', 'THNG'] },
  inputParameters: {
    type: 'FIXED_AMOUNT',
    generateThngs: true,
    generateRedirections: true,
    defaultRedirectUrl: 'https://example.com/t/{evrythngId}',
    thngTemplate: { name: 'Generated', tags: ['Generated'], product: PRODUCT },
    shortDomain: 'tn.gg',
    quantity,
    shortIdTemplate: { type: 'THNG_ID' },
    ...extra,
  },
});

function taskTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { testTimeout: 120_000 });
  const auth = () => ({ authorization: by.key });
  const head = async () => (await by.launched.infra.events()).headPosition();
  const newBatch = async () => (await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Tasks' } })).body.id as string;

  const untilEnded = (location: string) => untilTaskEnded(by.url, location, auth(), 600);

  it('generates a FIXED_AMOUNT task’s Thngs and redirections in chunks, with progress, result and the batch following', async () => {
    const batchId = await newBatch();
    const created = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: fixedAmount(2_500) });
    expect(created.status).toBe(202);
    const location = created.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/batches/${batchId}/tasks/[A-Za-z0-9]{24}$`));
    const taskId = location.split('/').pop()!;

    const task = await untilEnded(location);
    expect(task).toMatchObject({
      id: taskId,
      type: 'POPULATING',
      batch: batchId,
      status: 'EXECUTED',
      inputParameters: fixedAmount(2_500).inputParameters,
      outputParameters: { type: 'CSV', columns: ['SHORT_ID', 'THNG'] },
      progress: { contributions: { [taskId]: { thngs: 2_500, urlBindings: 2_500, failedThngs: 0, failedUrlBindings: 0 } }, totalAmount: 5_000 },
      result: { type: 'POPULATING', totalCount: 5_000, totalThngsCreated: 2_500, totalUrlBindingsCreated: 2_500, failedOperationsAmount: 0 },
    });
    expect(task.completedAt).toBeGreaterThanOrEqual(task.createdAt);
    expect(task).not.toHaveProperty('errors');

    const chunks = await (await by.launched.infra.events()).readAll({ after: 0, maxCount: 10_000, eventTypes: ['ItemsGenerated'] });
    expect(chunks.filter((e) => e.stream.endsWith(taskId)).map((e) => (e.data as { count: number }).count)).toEqual([1_000, 1_000, 500]);

    const thngs = await http(`${by.url}/thngs?filter=${encodeURIComponent(`batch=${batchId}`)}&perPage=5`, { headers: auth() });
    expect(thngs.headers.get('x-result-count')).toBe('2500');
    expect(thngs.body[0]).toMatchObject({ name: 'Generated', tags: ['Generated'], product: PRODUCT, batch: batchId, createdByTask: taskId });
    const { thngId, shortId } = taskItem(taskId, 2, 2_499, SHORT_ID_VERSION);
    expect((await http(`${by.url}/thngs/${thngId}`, { headers: auth() })).body).toMatchObject({ id: thngId, createdByTask: taskId });

    const batch = await http(`${by.url}/batches/${batchId}`, { headers: auth() });
    expect(batch.body).toMatchObject({ status: 'COMPLETE', resourceCountsByProduct: { [PRODUCT]: 2_500 } });

    expect(await getWithHost(`${by.url}/${shortId}`, 'tn.gg')).toEqual({ status: 307, location: `https://example.com/t/${thngId}` });
    expect((await getWithHost(`${by.url}/${shortId}`, 'other.example')).status).toBe(404);
    expect((await getWithHost(`${by.url}/nope1234`, 'tn.gg')).status).toBe(404);

    const logs = await http(`${by.url}${location}/logs`, { headers: auth() });
    expect(logs.status).toBe(200);
    expect(logs.body).toEqual([]);
  });

  it('lists a batch’s tasks newest first, filtered by status and type', async () => {
    const batchId = await newBatch();
    const first = (await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: fixedAmount(3) })).headers.get('location')!;
    const second = (await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: fixedAmount(4, { generateRedirections: false }) })).headers.get(
      'location',
    )!;
    await untilEnded(first);
    await untilEnded(second);
    const list = await http(`${by.url}/batches/${batchId}/tasks`, { headers: auth() });
    expect(list.status).toBe(200);
    expect(list.body.map((t: any) => `/batches/${batchId}/tasks/${t.id}`)).toEqual([second, first]);
    const executed = await http(`${by.url}/batches/${batchId}/tasks?filter=${encodeURIComponent('status=EXECUTED&type=POPULATING')}`, { headers: auth() });
    expect(executed.body).toHaveLength(2);
    const pending = await http(`${by.url}/batches/${batchId}/tasks?filter=status=PENDING`, { headers: auth() });
    expect(pending.body).toEqual([]);
    const otherBatch = await http(`${by.url}/batches/${batchId}/tasks?filter=batch=${PRODUCT}`, { headers: auth() });
    expect(otherBatch.body).toEqual([]);
    const thngsOnly = await untilEnded(second);
    expect(thngsOnly.result).toMatchObject({ totalCount: 4, totalThngsCreated: 4, totalUrlBindingsCreated: 0 });
  });

  it('logs a short ID already claimed on its domain and ends EXECUTED_WITH_FAILURES, never overwriting it', async () => {
    const batchId = await newBatch();
    const key = 'clash-task-1';
    // The task id derives from the Idempotency-Key, so the test can claim one of its short IDs first, as another tenant would.
    const taskId = evrythngIdFrom(`task:${uuidFrom(`idempotency:${sha256Hex(`default\n${key}`)}`)}`);
    const { shortId } = taskItem(taskId, 0, 1, SHORT_ID_VERSION);
    const readStore = await by.launched.infra.readStore();
    await readStore.collection('short_id_claims').insert({ _id: redirectionDocId('tn.gg', shortId), tenant: 'someone-else', taskId: 'x', index: 0 });

    const created = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: { ...auth(), 'idempotency-key': key }, body: fixedAmount(3) });
    expect(created.headers.get('location')).toBe(`/batches/${batchId}/tasks/${taskId}`);
    const task = await untilEnded(created.headers.get('location')!);
    expect(task.status).toBe('EXECUTED_WITH_FAILURES');
    expect(task.result).toMatchObject({ totalThngsCreated: 3, totalUrlBindingsCreated: 2, failedOperationsAmount: 1 });
    const logs = await http(`${by.url}/batches/${batchId}/tasks/${taskId}/logs`, { headers: auth() });
    expect(logs.body).toEqual([
      {
        jobId: taskId,
        type: 'ERROR',
        message: expect.stringMatching(/uniqueness constraint violated/),
        payload: { shortId, thng: taskItem(taskId, 0, 1).thngId },
        createdAt: expect.any(Number),
      },
    ]);
    expect((await getWithHost(`${by.url}/${shortId}`, 'tn.gg')).status).toBe(404);
  });

  it('runs LIST_BASED (the given short IDs) and IDENTIFIERS_LIST_BASED (one Thng per identifier value) tasks', async () => {
    const batchId = await newBatch();
    const { inputParameters: base } = fixedAmount(1);
    const { quantity: _, ...common } = base;
    const shortIds = Array.from({ length: 1_001 }, (_, i) => `${batchId.slice(0, 8)}-${i}`);
    // `{shortId}` as well as `{evrythngId}` in the target, as EVRYTHNG's examples use them.
    const listBased = {
      ...common,
      defaultRedirectUrl: 'https://example.com/t/{evrythngId}?code={shortId}',
      type: 'LIST_BASED',
      inputData: shortIds.map((shortId) => ({ shortId })),
    };
    const listLocation = (
      await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: { type: 'POPULATING', inputParameters: listBased } })
    ).headers.get('location')!;
    const listTask = await untilEnded(listLocation);
    expect(listTask.result).toMatchObject({ totalThngsCreated: 1_001, totalUrlBindingsCreated: 1_001, failedOperationsAmount: 0 });
    const last = await getWithHost(`${by.url}/${shortIds[1_000]}`, 'tn.gg');
    expect(last.status).toBe(307);
    expect(last.location).toBe(`https://example.com/t/${taskItem(listTask.id, 1, 1_000).thngId}?code=${shortIds[1_000]}`);

    const identifiers = {
      type: 'IDENTIFIERS_LIST_BASED',
      generateThngs: true,
      generateRedirections: false,
      thngTemplate: { name: 'Serialised', identifiers: { lot: '42' } },
      customIdentifier: { key: 'ser', values: ['A1', 'A2'] },
    };
    const idLocation = (
      await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: { type: 'POPULATING', inputParameters: identifiers } })
    ).headers.get('location')!;
    const idTask = await untilEnded(idLocation);
    expect(idTask.result).toMatchObject({ totalCount: 2, totalThngsCreated: 2, totalUrlBindingsCreated: 0 });
    const thng = await http(`${by.url}/thngs/${taskItem(idTask.id, 0, 1).thngId}`, { headers: auth() });
    expect(thng.body).toMatchObject({ name: 'Serialised', identifiers: { lot: '42', ser: 'A2' }, createdByTask: idTask.id, batch: batchId });
  });

  it('cancels a running task within a chunk: CANCELLING, then FAILED keeping the items made so far; an ended task is 409', async () => {
    const batchId = await newBatch();
    // A million items take minutes, so the cancel always lands while the task runs; it takes effect at the worker's next step.
    const location = (
      await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: fixedAmount(1_000_000, { generateRedirections: false }) })
    ).headers.get('location')!;
    const cancelled = await http(`${by.url}${location}/cancel`, { method: 'POST', headers: auth() });
    expect(cancelled.status).toBe(202);
    // The answer shows the task as it stands: the worker may already have ended it.
    expect(['CANCELLING', 'FAILED']).toContain(cancelled.body.status);
    const task = await untilEnded(location);
    expect(task.status).toBe('FAILED');
    expect(task.result).toMatchObject({ type: 'ERROR', error: expect.stringMatching(/^Cancelled after \d+ of 1000000 items$/) });
    const made = Number(/after (\d+)/.exec(task.result.error)![1]);
    expect(made).toBeLessThan(1_000_000);
    expect(task.progress.contributions[task.id].thngs).toBe(made);
    // Nothing of the task is recorded after the cancel but its end, and the chunks before it hold exactly what was made.
    const stream = (await (await by.launched.infra.events()).readStream(`task-default.${task.id}`)).map((e) => e.type);
    expect(stream.slice(-2)).toEqual(['TaskCancelRequested', 'TaskFailed']);
    expect(stream.filter((t) => t === 'ItemsGenerated')).toHaveLength(made / 10_000);
    const thngs = await http(`${by.url}/thngs?filter=${encodeURIComponent(`batch=${batchId}`)}&perPage=1`, { headers: auth() });
    expect(thngs.headers.get('x-result-count')).toBe(String(made));
    const again = await http(`${by.url}${location}/cancel`, { method: 'POST', headers: auth() });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ status: 409, errors: [expect.any(String)], code: expect.any(String), moreInfo: expect.any(String) });
  });

  it('keeps generated Thngs out of TofuPilot, where only units (Thngs with a serial number) show', async () => {
    const batchId = await newBatch();
    const number = `LOT-${batchId.slice(0, 6)}`;
    expect((await http(`${by.url}/batches/${batchId}`, { method: 'PUT', headers: auth(), body: { identifiers: { number } } })).status).toBe(200);
    const location = (await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: fixedAmount(3) })).headers.get('location')!;
    expect((await untilEnded(location)).status).toBe('EXECUTED');
    const tofu = await http(`${by.url}/api/v2/batches/${number}`, { headers: { authorization: `Bearer ${by.key}` } });
    expect(tofu.status).toBe(200);
    expect(tofu.body.units).toEqual([]);
  });

  it('refuses bad input with 400/404 in EVRYTHNG shape and queues nothing', async () => {
    const batchId = await newBatch();
    const before = await head();
    const { inputParameters: _, ...noInput } = fixedAmount(1);
    const cases: { path?: string; body: unknown; status: number; mention: RegExp }[] = [
      { body: { ...fixedAmount(1), type: 'SOMETHING' }, status: 400, mention: /type/ },
      { body: fixedAmount(1, { type: 'MAGIC' }), status: 400, mention: /type/ },
      { body: noInput, status: 400, mention: /inputParameters/ },
      { body: fixedAmount(0), status: 400, mention: /quantity/ },
      { body: fixedAmount(-3), status: 400, mention: /quantity/ },
      { body: fixedAmount(1_000_001), status: 400, mention: /quantity/ },
      { body: fixedAmount('10'), status: 400, mention: /quantity/ },
      { body: fixedAmount(1.5), status: 400, mention: /quantity/ },
      { body: fixedAmount(1, { generateThngs: 'yes' }), status: 400, mention: /generateThngs/ },
      { body: fixedAmount(1, { thngTemplate: {} }), status: 400, mention: /name/ },
      { body: fixedAmount(1, { shortDomain: undefined }), status: 400, mention: /shortDomain/ },
      { body: fixedAmount(1, { defaultRedirectUrl: 'not a url' }), status: 400, mention: /defaultRedirectUrl/ },
      { body: fixedAmount(1, { colour: 'red' }), status: 400, mention: /colour/ },
      { body: fixedAmount(1, { generateThngs: false, generateRedirections: false }), status: 400, mention: /generate/ },
      {
        body: { type: 'POPULATING', inputParameters: { ...fixedAmount(1).inputParameters, type: 'LIST_BASED', quantity: undefined, inputData: [] } },
        status: 400,
        mention: /inputData/,
      },
      {
        body: { type: 'POPULATING', inputParameters: { ...fixedAmount(1).inputParameters, type: 'LIST_BASED', quantity: undefined, inputData: [{ shortId: 'has space' }] } },
        status: 400,
        mention: /short ID/,
      },
      {
        body: {
          type: 'POPULATING',
          inputParameters: {
            type: 'IDENTIFIERS_LIST_BASED',
            generateThngs: true,
            generateRedirections: false,
            thngTemplate: { name: 'x' },
            customIdentifier: { key: 'k', values: 'A1' },
          },
        },
        status: 400,
        mention: /values/,
      },
      { path: `/batches/${PRODUCT}/tasks`, body: fixedAmount(1), status: 404, mention: /not found/i },
      { path: '/batches/short/tasks', body: fixedAmount(1), status: 404, mention: /not found/i },
    ];
    for (const c of cases) {
      const res = await http(`${by.url}${c.path ?? `/batches/${batchId}/tasks`}`, { method: 'POST', headers: auth(), body: c.body });
      expect({ case: c.body, status: res.status }).toEqual({ case: c.body, status: c.status });
      expect(res.body).toEqual({ status: c.status, errors: [expect.any(String)], code: expect.any(String), moreInfo: expect.any(String) });
      expect(res.body.errors[0]).toMatch(c.mention);
    }
    expect(await head()).toBe(before);
    expect((await http(`${by.url}/batches/${batchId}/tasks`, { headers: auth() })).body).toEqual([]);
  });

  it('hides a task from another tenant and from another batch', async () => {
    const batchId = await newBatch();
    const location = (await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: fixedAmount(1) })).headers.get('location')!;
    const other = await issueKey(by.launched.infra, 'tenant-two', 'operator');
    expect((await http(`${by.url}${location}`, { headers: { authorization: other.key } })).status).toBe(404);
    const otherBatch = await newBatch();
    const moved = location.replace(batchId, otherBatch);
    expect((await http(`${by.url}${moved}`, { headers: auth() })).status).toBe(404);
    expect((await http(`${by.url}${location}`, { headers: auth() })).body.id).toMatch(EVRYTHNG_ID_PATTERN);
  });
}
