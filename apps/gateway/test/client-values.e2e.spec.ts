import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, untilTaskEnded, useBatchyard } from '@batchyard/test-support';

/**
 * Issue 15, cases 1 and 2: no client value becomes a name. A CSV header cannot reach Object.prototype, and a product
 * id that is no field name is counted like any other; afterwards every tenant is served at once.
 */
describe('Client values never become names (embedded)', () => clientValueTests({}));
const distributed = distributedOverrides();
describeTier('Client values never become names (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => clientValueTests(distributed ?? {}));

const csvUrl = (csv: string) => `data:text/csv;base64,${Buffer.from(csv).toString('base64')}`;
/** Passes the contract's pattern, but starts with a digit: no read store takes it as a field name. */
const DIGIT_PRODUCT = '0AAAAAAAAAAAAAAAAAAAAAAA';
const PRODUCT = 'UmNqmfDEBDswtpaaRDs6xHpn';

function clientValueTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { keys: { other: ['tenant-other', 'operator'] }, testTimeout: 90_000 });
  const px = (key = by.key) => ({ 'px-api-key': key });
  const evt = (key = by.key) => ({ authorization: key });

  let served = 0;
  /** Another tenant's writes in both batch dialects and a sync merge answer at once. */
  async function othersAreServed() {
    served++;
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: evt(by.keys.other.key), body: { name: 'Still served' } });
    expect(batch.status).toBe(201);
    const tofu = await http(`${by.url}/api/v2/batches`, { method: 'POST', headers: { authorization: `Bearer ${by.keys.other.key}` }, body: { number: `SERVED-${served}` } });
    expect(tofu.status).toBe(200);
    const merge = await http(`${by.url}/v1/batches`, {
      method: 'POST',
      headers: px(by.keys.other.key),
      body: { resource: 'contact', action: 'merge', mode: 'sync', data: csvUrl(`name,email,metadata.source\nBea Quinn,bea${served}@example.com,crm\n`) },
    });
    expect(merge.status).toBe(201);
    expect(merge.body.data).toMatchObject({ status: 'completed', stats: { created: 1, rejected: 0 } });
  }

  it('case 1: refuses __proto__, constructor and prototype in CSV headers (400 naming the header), and Object.prototype stays clean', async () => {
    const res = await http(`${by.url}/v1/batches`, {
      method: 'POST',
      headers: px(),
      body: { resource: 'contact', action: 'merge', mode: 'sync', data: csvUrl('name,email,__proto__.x,constructor.prototype.y\nAnn Lee,ann@example.com,1,2\n') },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, code: 'bad_request', data: null, pagination: null, endpoint: '/v1/batches' });
    expect(res.body.errors).toEqual([{ field: 'data', code: 'invalid_payload', message: expect.stringContaining("'__proto__.x'") }]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(({} as Record<string, unknown>).y).toBeUndefined();
    expect((await http(`${by.metricsUrl}/metrics`)).status).toBe(200);
    await othersAreServed();
  });

  it('keeps client keys that are no field name (dots, spaces, digits first) as keys of values, in every store', async () => {
    const keys = { 'a.b': 'dotted', 'with space': 'spaced', '1a': 'digit first', é: 'unicode' };
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: evt(), body: { name: 'Odd keys', identifiers: keys, customFields: { nested: keys } } });
    expect(batch.status).toBe(201);
    const updated = await http(`${by.url}/batches/${batch.body.id}`, { method: 'PUT', headers: evt(), body: { customFields: keys } });
    expect(updated.body).toMatchObject({ identifiers: keys, customFields: keys });
    const contact = await http(`${by.url}/v1/contacts`, { method: 'POST', headers: px(), body: { name: 'Odd keys', metadata: keys } });
    const changed = await http(`${by.url}/v1/contacts/${contact.body.data.id}`, { method: 'POST', headers: px(), body: { metadata: { ...keys, 'x.y': 'z' } } });
    expect(changed.body.data.metadata).toEqual({ ...keys, 'x.y': 'z' });
    await othersAreServed();
  });

  it('case 2: counts Thngs of a product whose id is no field name, and every tenant’s batch writes go on', async () => {
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: evt(), body: { name: 'Digit product' } });
    const task = (product: string, quantity: number) => ({
      type: 'POPULATING',
      inputParameters: { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'T', product }, quantity },
    });
    const tasks = [];
    for (const [product, quantity] of [
      [DIGIT_PRODUCT, 3],
      [PRODUCT, 2],
      [DIGIT_PRODUCT, 4],
    ] as const) {
      const created = await http(`${by.url}/batches/${batch.body.id}/tasks`, { method: 'POST', headers: evt(), body: task(product, quantity) });
      expect(created.status).toBe(202);
      tasks.push(created.headers.get('location')!);
    }
    for (const location of tasks) expect((await untilTaskEnded(by.url, location, evt(), 300)).status).toBe('EXECUTED');

    const read = await http(`${by.url}/batches/${batch.body.id}`, { headers: evt() });
    expect(read.body).toMatchObject({ status: 'COMPLETE', resourceCountsByProduct: { [DIGIT_PRODUCT]: 7, [PRODUCT]: 2 } });
    expect(Object.keys(read.body.resourceCountsByProduct).sort()).toEqual([DIGIT_PRODUCT, PRODUCT]);
    const listed = await http(`${by.url}/batches?ids=${batch.body.id}`, { headers: evt() });
    expect(listed.body).toEqual([read.body]);
    await othersAreServed();
  });
}
