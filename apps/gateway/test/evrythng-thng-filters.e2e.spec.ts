import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, untilTaskEnded, useBatchyard } from '@batchyard/test-support';

// The real npm SDK, as issue 21 found the name filter empty for generated Thngs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const evrythng = require('evrythng');

const PRODUCT = 'P'.repeat(24);

/**
 * EVRYTHNG's filterable Thng fields on both shapes the items read model holds (issue 21): a TofuPilot unit's Thng and
 * a Thng a task generated from its `thngTemplate`. Each filter finds exactly the Thngs whose document shows the value.
 */
describe('EVRYTHNG /thngs filters on units and generated Thngs (embedded)', () => filterTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG /thngs filters on units and generated Thngs (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => filterTests(distributed ?? {}));

function filterTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { keys: { sdk: ['thng-filters', 'operator'] }, testTimeout: 120_000 });
  const auth = () => ({ authorization: by.keys.sdk.key });
  let batchId: string;
  let generated: string[];
  let listed: string[];
  let unitThng: string;

  const ids = async (filter: string) => {
    const res = await http(`${by.url}/thngs?filter=${encodeURIComponent(filter)}&perPage=100`, { headers: auth() });
    expect(res.status).toBe(200);
    return (res.body as { id: string }[]).map((t) => t.id).sort();
  };
  const task = async (inputParameters: Record<string, unknown>) => {
    const created = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: { type: 'POPULATING', inputParameters } });
    expect(created.status).toBe(202);
    const done = await untilTaskEnded(by.url, created.headers.get('location')!, auth());
    expect(done.status).toBe('EXECUTED');
    return done.id as string;
  };
  const thngsOf = async (taskId: string) =>
    (await http(`${by.url}/thngs?filter=${encodeURIComponent(`batch=${batchId}`)}&perPage=100`, { headers: auth() })).body
      .filter((t: any) => t.createdByTask === taskId)
      .map((t: any) => t.id)
      .sort();

  beforeAll(async () => {
    batchId = (await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Filters' } })).body.id;
    const template = {
      name: 'SDK Thng',
      tags: ['red', 'round'],
      identifiers: { gtin: '0001', serial_number: 'G-1' },
      product: PRODUCT,
      customFields: { colour: 'red' },
    };
    const fixed = await task({ type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: template, quantity: 3 });
    generated = await thngsOf(fixed);
    const byList = await task({
      type: 'IDENTIFIERS_LIST_BASED',
      generateThngs: true,
      generateRedirections: false,
      thngTemplate: { name: 'SN-7', tags: ['blue'] },
      customIdentifier: { key: 'serial_number', values: ['L-1', 'L-2'] },
    });
    listed = await thngsOf(byList);
    const tofu = { authorization: `Bearer ${by.keys.sdk.key}` };
    expect((await http(`${by.url}/v2/units`, { method: 'POST', headers: tofu, body: { serial_number: 'SN-7', part_number: 'PCB-1', revision_number: 'A' } })).status).toBe(200);
    unitThng = (await ids('identifiers.part_number=PCB-1'))[0];
    expect(generated).toHaveLength(3);
    expect(listed).toHaveLength(2);
  });

  it('finds generated Thngs by their template name, and a unit named so by its serial number', async () => {
    expect(await ids('name=SDK Thng')).toEqual(generated);
    expect(await ids('name=SN-7')).toEqual([...listed, unitThng].sort());
    expect(await ids('name=Nothing')).toEqual([]);
  });

  it('filters on tags, identifiers.<key>, product, customFields.<key> and batch, on each shape that has them', async () => {
    expect(await ids('tags=red')).toEqual(generated);
    expect(await ids('tags=blue')).toEqual(listed);
    expect(await ids('identifiers.gtin=0001')).toEqual(generated);
    // serial_number: the unit's serial, a template's identifier, an IDENTIFIERS_LIST_BASED value.
    expect(await ids('identifiers.serial_number=G-1')).toEqual(generated);
    expect(await ids('identifiers.serial_number=L-2')).toHaveLength(1);
    expect(await ids('identifiers.serial_number=SN-7')).toEqual([unitThng]);
    expect(await ids(`product=${PRODUCT}`)).toEqual(generated);
    expect(await ids('customFields.colour=red')).toEqual(generated);
    expect(await ids(`batch=${batchId}`)).toEqual([...generated, ...listed].sort());
    // Clauses AND together, an either-shape field among them.
    expect(await ids('name=SDK Thng&tags=round')).toEqual(generated);
    expect(await ids(`name=SDK Thng&batch=${batchId}`)).toEqual(generated);
    expect(await ids('name=SN-7&identifiers.part_number=PCB-1')).toEqual([unitThng]);
    expect(await ids('name=SN-7&tags=blue')).toEqual(listed);
    expect(await ids(`createdAt>0&name=SN-7`)).toEqual([...listed, unitThng].sort());
  });

  it('counts what it filters, and refuses a field it cannot filter on with 400 in EVRYTHNG shape', async () => {
    const res = await http(`${by.url}/thngs?filter=${encodeURIComponent('name=SN-7')}&perPage=1`, { headers: auth() });
    expect(res.headers.get('x-result-count')).toBe('3');
    expect(res.headers.get('link')).toMatch(/rel="next"/);
    for (const filter of ['colour=red', 'customFields.__proto__=x', 'identifiers.constructor=x', 'tags>red']) {
      const bad = await http(`${by.url}/thngs?filter=${encodeURIComponent(filter)}`, { headers: auth() });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ status: 400, errors: [expect.stringMatching(/filter/)], code: expect.any(String), moreInfo: expect.any(String) });
    }
  });

  it('answers the SDK’s read with a name filter (the client contract’s call)', async () => {
    evrythng.setup({ apiUrl: by.url, apiVersion: 1 });
    const operator = new evrythng.Operator(by.keys.sdk.key);
    await operator.init();
    const thngs = await operator.thng().read({ params: { filter: 'name=SDK Thng', perPage: 100 } });
    expect(thngs.map((t: any) => t.id).sort()).toEqual(generated);
    expect(thngs.filter((t: any) => t.createdByTask).every((t: any) => t.name === 'SDK Thng' && t.batch === batchId)).toBe(true);
  });
}
