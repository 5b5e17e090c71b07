import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, runFixedAmountTask, useBatchyard } from '@batchyard/test-support';

// The real npm SDK (evrythng@6.0.5): its Thng entity updates and deletes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const evrythng = require('evrythng');

/**
 * `PUT` and `DELETE /thngs/:id` (issue 21) on a unit's Thng are the unit's update and delete: what EVRYTHNG changes,
 * TofuPilot reads, and the other way round. A Thng a task generated is 409.
 */
describe('EVRYTHNG Thng updates and deletes (embedded)', () => thngWriteTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG Thng updates and deletes (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => thngWriteTests(distributed ?? {}));

const evrythngError = (status: number, pattern: RegExp) => ({ status, errors: [expect.stringMatching(pattern)], code: expect.any(String), moreInfo: expect.any(String) });

function thngWriteTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { keys: { other: ['thng-writes-two', 'operator'] } });
  const auth = () => ({ authorization: by.key });
  const tofu = () => ({ authorization: `Bearer ${by.key}` });
  let operator: any;
  const unitThng = async (serial: string) => {
    expect((await http(`${by.url}/v2/units`, { method: 'POST', headers: tofu(), body: { serial_number: serial, part_number: 'PCB-1', revision_number: 'A' } })).status).toBe(200);
    const [thng] = (await http(`${by.url}/thngs?filter=${encodeURIComponent(`identifiers.serial_number=${serial}`)}`, { headers: auth() })).body;
    return thng;
  };

  beforeAll(async () => {
    evrythng.setup({ apiUrl: by.url, apiVersion: 1 });
    operator = new evrythng.Operator(by.key);
    await operator.init();
  });

  it('updates a unit’s Thng through the SDK (partial, then the whole entity), and TofuPilot reads the unit so', async () => {
    const thng = await unitThng('TW-1');
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Thng writes', identifiers: { number: 'TW-LOT' } } });
    const updated = await operator.thng(thng.id).update({ identifiers: { part_number: 'PCB-2' }, batch: batch.body.id });
    expect(updated).toMatchObject({ id: thng.id, name: 'TW-1', identifiers: { serial_number: 'TW-1', part_number: 'PCB-2', revision_number: 'A' }, batch: batch.body.id });
    const unit = await http(`${by.url}/v2/units/TW-1`, { headers: tofu() });
    expect(unit.body).toMatchObject({ serial_number: 'TW-1', part: { number: 'PCB-2', revision: { number: 'A' } }, batch: { number: 'TW-LOT' } });

    const read = await operator.thng(thng.id).read();
    read.name = 'TW-1b';
    read.identifiers.serial_number = 'TW-1b';
    const renamed = await read.update();
    expect(renamed).toMatchObject({ id: thng.id, name: 'TW-1b', identifiers: { serial_number: 'TW-1b' } });
    expect((await http(`${by.url}/v2/units/TW-1b`, { headers: tofu() })).status).toBe(200);
    expect((await http(`${by.url}/v2/units/TW-1`, { headers: tofu() })).status).toBe(404);

    // Taken out of the batch; TofuPilot's own change shows in the Thng.
    expect((await http(`${by.url}/thngs/${thng.id}`, { method: 'PUT', headers: auth(), body: { batch: null } })).body.batch).toBeUndefined();
    expect((await http(`${by.url}/v2/units/TW-1b`, { method: 'PATCH', headers: tofu(), body: { revision_number: 'B' } })).status).toBe(200);
    expect((await http(`${by.url}/thngs/${thng.id}`, { headers: auth() })).body.identifiers.revision_number).toBe('B');
  });

  it('deletes a unit’s Thng through the SDK: the unit is gone from TofuPilot and its serial is free', async () => {
    const thng = await unitThng('TW-2');
    await operator.thng(thng.id).delete();
    expect((await http(`${by.url}/thngs/${thng.id}`, { headers: auth() })).status).toBe(404);
    expect((await http(`${by.url}/v2/units/TW-2`, { headers: tofu() })).status).toBe(404);
    expect((await http(`${by.url}/thngs/${thng.id}`, { method: 'DELETE', headers: auth() })).status).toBe(404);
    expect((await unitThng('TW-2')).id).toEqual(expect.any(String));
  });

  it('refuses what a unit cannot hold, a taken serial, a generated Thng and another tenant’s, in EVRYTHNG shape', async () => {
    const thng = await unitThng('TW-3');
    await unitThng('TW-4');
    const put = (body: unknown, headers = auth(), id = thng.id) => http(`${by.url}/thngs/${id}`, { method: 'PUT', headers, body });
    for (const body of [{ tags: ['x'] }, { identifiers: { colour: 'red' } }, { name: '' }, { batch: 'nope' }, { name: 'A', identifiers: { serial_number: 'B' } }]) {
      const res = await put(body);
      expect([res.status, res.body]).toEqual([400, evrythngError(400, /./)]);
    }
    expect((await put({ batch: 'a'.repeat(24) })).body).toEqual(evrythngError(404, /Batch/));
    expect((await put({ name: 'TW-4' })).status).toBe(409);
    expect((await put({ name: 'X' }, { authorization: by.keys.other.key })).body).toEqual(evrythngError(404, /not found/));
    expect((await http(`${by.url}/thngs/${thng.id}`, { method: 'DELETE', headers: { authorization: by.keys.other.key } })).status).toBe(404);
    expect((await http(`${by.url}/thngs/${thng.id}`, { headers: auth() })).body).toMatchObject({ name: 'TW-3' });

    const task = await runFixedAmountTask(by.url, by.key, 1);
    const [generated] = (await http(`${by.url}/thngs?filter=${encodeURIComponent(`batch=${task.batch}`)}`, { headers: auth() })).body;
    expect((await put({ name: 'X' }, auth(), generated.id)).body).toEqual(evrythngError(409, /generated by task/));
    expect((await http(`${by.url}/thngs/${generated.id}`, { method: 'DELETE', headers: auth() })).status).toBe(409);
  });
}
