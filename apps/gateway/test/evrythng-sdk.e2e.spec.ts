import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, useBatchyard } from '@batchyard/test-support';

// The real npm SDK (evrythng@6.0.5), as its users run it: Node's own fetch, no shims.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const evrythng = require('evrythng');

describe('EVRYTHNG SDK against Batchyard (embedded)', () => sdkTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG SDK against Batchyard (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => sdkTests(distributed ?? {}));

function sdkTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { keys: { sdk: ['sdk', 'operator'] } });
  let operator: any;

  beforeAll(async () => {
    evrythng.setup({ apiUrl: by.url, apiVersion: 1 });
    operator = new evrythng.Operator(by.keys.sdk.key);
    await operator.init();
  });

  it('resolves the key to an Operator scope', () => {
    expect(operator.id).toEqual(expect.stringMatching(/^[0-9a-zA-Z]{24}$/));
    expect(operator.account).toBe('sdk');
  });

  it('creates, reads, finds, updates (partial and whole entity) and deletes a batch', async () => {
    const created = await operator.batch().create({ name: 'SDK Batch', tags: ['a'], identifiers: { gtin: '0001' } });
    expect(created).toMatchObject({ id: expect.any(String), name: 'SDK Batch', status: 'EMPTY' });

    const read = await operator.batch(created.id).read();
    expect(read.name).toBe('SDK Batch');
    expect((await operator.batch().find('SDK Batch')).map((b: any) => b.id)).toEqual([created.id]);
    expect((await operator.batch().find({ gtin: '0001' })).map((b: any) => b.id)).toEqual([created.id]);

    const updated = await operator.batch(created.id).update({ tags: ['b', 'c'] });
    expect(updated).toMatchObject({ id: created.id, name: 'SDK Batch', tags: ['b', 'c'] });

    read.description = 'whole entity back';
    const again = await read.update();
    expect(again).toMatchObject({ id: created.id, description: 'whole entity back', identifiers: { gtin: '0001' } });

    await operator.batch(created.id).delete();
    await expect(operator.batch(created.id).read()).rejects.toThrow(/"status":404/);
  });

  it('rescopes a batch (reads it withScopes, sets scopes.projects) and refuses project scoping clearly', async () => {
    const created = await operator.batch().create({ name: 'Scoped' });
    await operator.batch(created.id).rescope(['UmNqmfDEBDswtpaaRDs6xHpn']);
    expect((await operator.batch(created.id).read({ params: { withScopes: true } })).scopes).toEqual({ users: [], projects: ['UmNqmfDEBDswtpaaRDs6xHpn'] });
    await operator.batch(created.id).rescope([], ['user-1']);
    expect((await operator.batch(created.id).read({ params: { withScopes: true } })).scopes).toEqual({ users: ['user-1'], projects: [] });
    await expect(operator.batch(created.id).read({ params: { project: 'UmNqmfDEBDswtpaaRDs6xHpn' } })).rejects.toThrow(/"status":400.*project/);
  });

  it('pages through every batch by following Link', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await operator.batch().create({ name: 'Paged', tags: ['paged'] })).id);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of operator.batch().pages({ params: { filter: 'tags=paged', perPage: 2 } })) {
      pages++;
      seen.push(...page.map((b: any) => b.id));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids.reverse());
  });

  it('surfaces errors with their status', async () => {
    await expect(operator.batch().create({ colour: 'red' })).rejects.toThrow(/"status":400/);
    await expect(operator.batch('UmNqmfDEBDswtpaaRDs6xHpn').read()).rejects.toThrow(/"status":404/);
  });
}
