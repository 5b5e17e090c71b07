import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Leases } from '@batchyard/projections';
import { openReadStore } from '@batchyard/read-store';
import { readStoreStamp } from '@batchyard/runtime';
import { embeddedOpsCli } from '@batchyard/test-support';

/**
 * An installation whose event store was replaced (here: deleted, so the next start makes a new one) keeps a read store
 * built from the old one: every process refuses it, the ops tool too, and `ops read-store drop` is the way out.
 */
describe('ops read-store drop (embedded, services stopped)', () => {
  const cli = embeddedOpsCli();
  const ops = cli.run;
  const stamp = async () => {
    const store = await openReadStore({ dataDir: cli.dataDir });
    try {
      return (await readStoreStamp(store))?.installationId;
    } finally {
      await store.close();
    }
  };

  beforeAll(() => cli.open());
  afterAll(() => cli.close());

  it('refuses a read store built from another event store until it is dropped, and drops only the one named, idle', async () => {
    expect((await ops('tenants', 'create', 'acme')).code).toBe(0);
    const old = await stamp();
    expect(old).toMatch(/^[0-9a-f-]{36}$/);
    await rm(path.join(cli.dataDir, 'events.sqlite'));

    const refused = await ops('tenants', 'list');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`belongs to installation ${old}`);
    expect(refused.stderr).toContain(`npm run ops -- read-store drop --installation ${old}`);

    const wrong = await ops('read-store', 'drop', '--installation', 'none');
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining(`belongs to installation ${old}, not none: nothing dropped`) });
    const store = await openReadStore({ dataDir: cli.dataDir });
    try {
      expect(await new Leases(store).tryAcquire('relay:events', 'a-running-process', 60_000)).toBe(true);
      const busy = await ops('read-store', 'drop', '--installation', old!);
      expect(busy).toMatchObject({ code: 1, stderr: expect.stringContaining('leases held: relay:events') });
      expect(await readStoreStamp(store)).toMatchObject({ installationId: old });
      await new Leases(store).release('relay:events', 'a-running-process');
    } finally {
      await store.close();
    }

    expect(await ops('read-store', 'drop', '--installation', old!)).toMatchObject({ code: 0, stdout: expect.stringContaining('read store dropped') });
    const listed = await ops('tenants', 'list');
    expect(listed).toMatchObject({ code: 0, stdout: expect.not.stringContaining('acme') });
    const renewed = await stamp();
    expect(renewed).toMatch(/^[0-9a-f-]{36}$/);
    expect(renewed).not.toBe(old);
  });
});
