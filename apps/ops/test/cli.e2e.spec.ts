import { embeddedOpsCli } from '@batchyard/test-support';
import { Projections } from '@batchyard/read-models';

/** The ops tool as operators run it, compiled, against an embedded data directory with no service running. */
describe('ops command line (embedded, services stopped)', () => {
  const cli = embeddedOpsCli();
  const ops = cli.run;
  const list = async () =>
    (await ops('projections', 'list', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

  beforeAll(async () => {
    await cli.open();
    expect((await ops('tenants', 'create', 'acme')).code).toBe(0);
  });
  afterAll(() => cli.close());

  it('lists every projection with its checkpoint, lag and status', async () => {
    const rows = await list();
    expect(rows.map((r) => r.name)).toEqual([...Projections.map((p) => p.name), 'relay', 'webhooks']);
    // Two events: the event store's InstallationCreated (its identity, appended by the first process) and TenantCreated.
    expect(rows[0]).toMatchObject({ name: 'api-keys', generation: 0, checkpoint: 0, lag: 2, status: 'stopped', parked: 0 });
    expect(rows.at(-2)).toEqual({ name: 'relay', checkpoint: 0, lag: 2, status: 'stopped', parked: 0, targets: [] });
    expect(rows.at(-1)).toEqual({ name: 'webhooks', checkpoint: 0, lag: 2, status: 'stopped', parked: 0, targets: [] });
  });

  it('rebuilds a projection with no service running, the ops tool swapping it in itself', async () => {
    const rebuilt = await ops('projections', 'rebuild', 'api-keys');
    expect(rebuilt).toMatchObject({ code: 0, stdout: expect.stringContaining('api-keys: generation 1 swapped in (1 events') });
    expect((await list())[0]).toMatchObject({ generation: 1, checkpoint: 2, lag: 0, targets: ['api_keys__v1_g1', 'tenants__v1_g1'] });
    expect((await ops('tenants', 'list')).stdout).toContain('acme');
  });

  it('refuses bad arguments with a clear message and changes nothing', async () => {
    const before = await list();
    const refusals = [
      ['projections', 'rebuild', 'nope'],
      ['projections', 'rebuild'],
      ['projections', 'replay', 'nope', '--from', '0'],
      ['projections', 'replay', 'batches', '--from', '-1'],
      ['projections', 'replay', 'batches'],
      ['projections', 'replay', 'batches', '--from', '1e3'],
      ['dlq', 'list', '--limit', 'many'],
      ['dlq', 'redrive'],
      ['dlq', 'redrive', 'no-such-id'],
      ['webhooks', 'deliveries', 'we_nope'],
      ['webhooks', 'redeliver', 'we_nope', 'x'],
    ];
    for (const result of await Promise.all(refusals.map((args) => ops(...args)))) {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/error: (unknown projection|give a projection name|option|required option|give dead-letter ids|no dead letter|no webhook endpoint)/);
    }
    expect(await list()).toEqual(before);
    expect((await ops('dlq', 'list')).stdout.trim()).toBe('no dead letters');
    expect((await ops('webhooks', 'list')).stdout.trim()).toBe('no webhook endpoints');
  });

  it('replays from 0 or from the position of an event, and from nowhere else', async () => {
    // No event lies at 3: the store holds two (see the first test).
    const refused = await ops('projections', 'replay', 'batches', '--from', '3');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('error: 3 is not a position of the event store: give 0 or the position of an event');
    for (const from of ['0', '2']) {
      expect(await ops('projections', 'replay', 'batches', '--from', from)).toMatchObject({
        code: 0,
        stdout: expect.stringContaining(`batches: replay from ${from} requested`),
      });
    }
  });
});
