import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INSTALLATION_STREAM, InstallationCreated } from '@batchyard/contracts';
import { openEventStore, type EventStore } from '@batchyard/event-store';
import { Checkpoints } from '@batchyard/projections';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { ForeignReadStoreError, eventStoreIdentity, readStoreStamp, storeLocations, verifyReadStoreStamp, type StampOptions } from './installation-identity';

/** The rule on the embedded adapters; the process tests (apps/gateway/test) run it over the Mongo wire too. */
describe('installation identity', () => {
  let dir: string;
  const opened: { close(): Promise<void> }[] = [];
  const keep = <T extends { close(): Promise<void> }>(store: T) => (opened.push(store), store);
  const events = async (name: string): Promise<EventStore> => keep(await openEventStore({ dataDir: path.join(dir, name) }));
  const readStore = async (name: string): Promise<ReadStore> => keep(await openReadStore({ dataDir: path.join(dir, name) }));
  const options = (head = 0): StampOptions => ({ where: storeLocations({ dataDir: dir }), headPosition: async () => head });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'batchyard-identity-'));
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('of an event store', () => {
    it('is created once, by the first reader, as one InstallationCreated', async () => {
      const store = await events('a');
      const id = await eventStoreIdentity(store);
      expect(await eventStoreIdentity(store)).toBe(id);
      const stream = await store.readStream(INSTALLATION_STREAM);
      expect(stream.map((e) => [e.type, e.version, e.data])).toEqual([[InstallationCreated.type, 1, { installationId: id }]]);
    });

    it('ends a race of two first starts (two connections to one store) with one identity', async () => {
      const [one, two] = [await events('a'), await events('a')];
      const ids = await Promise.all([eventStoreIdentity(one), eventStoreIdentity(two), eventStoreIdentity(one)]);
      expect(new Set(ids).size).toBe(1);
      expect(await one.readStream(INSTALLATION_STREAM)).toHaveLength(1);
    });

    it('differs between two event stores', async () => {
      expect(await eventStoreIdentity(await events('a'))).not.toBe(await eventStoreIdentity(await events('b')));
    });
  });

  describe('of a read store', () => {
    it('is stamped on first use with the event store identity, and verified on every use after', async () => {
      const store = await readStore('r');
      await verifyReadStoreStamp(store, 'installation-a', options());
      await verifyReadStoreStamp(store, 'installation-a', options());
      expect(await readStoreStamp(store)).toMatchObject({ installationId: 'installation-a' });
      expect((await readStoreStamp(store))?.adopted).toBeUndefined();
    });

    it('refuses another installation, saying what to do', async () => {
      const store = await readStore('r');
      await verifyReadStoreStamp(store, 'installation-a', options());
      const refusal = await verifyReadStoreStamp(store, 'installation-b', options()).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ForeignReadStoreError);
      const { message } = refusal as Error;
      expect(message).toContain('belongs to installation installation-a');
      expect(message).toContain('is installation installation-b');
      expect(message).toContain('BATCHYARD_DATA_DIR of its own');
      expect(message).toContain('npm run ops -- read-store drop --installation installation-a');
      expect(await readStoreStamp(store)).toMatchObject({ installationId: 'installation-a' });
    });

    it('ends a race of two installations stamping one fresh read store with one stamp: the other is refused', async () => {
      const [one, two] = [await readStore('r'), await readStore('r')];
      const outcomes = await Promise.allSettled([verifyReadStoreStamp(one, 'installation-a', options()), verifyReadStoreStamp(two, 'installation-b', options())]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const winner = outcomes[0].status === 'fulfilled' ? 'installation-a' : 'installation-b';
      expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(ForeignReadStoreError);
      expect(await readStoreStamp(one)).toMatchObject({ installationId: winner });
    });

    it('adopts the identity once when it has checkpoints but no stamp (built before stamps)', async () => {
      const store = await readStore('r');
      await new Checkpoints(store).save('relay:events', 40);
      const adopted: string[] = [];
      await verifyReadStoreStamp(store, 'installation-a', { ...options(41), onAdopted: (id) => adopted.push(id) });
      expect(adopted).toEqual(['installation-a']);
      expect(await readStoreStamp(store)).toMatchObject({ installationId: 'installation-a', adopted: true });
      await expect(verifyReadStoreStamp(store, 'installation-b', options(41))).rejects.toThrow(ForeignReadStoreError);
    });

    it('refuses to adopt when its checkpoints are beyond the event store, and stamps nothing', async () => {
      const store = await readStore('r');
      await new Checkpoints(store).save('relay:events', 5000);
      const refusal = verifyReadStoreStamp(store, 'installation-a', options(12));
      await expect(refusal).rejects.toThrow(/checkpoints reach position 5000, beyond the event store's last \(12\)/);
      await expect(refusal).rejects.toThrow('npm run ops -- read-store drop --installation none');
      expect(await readStoreStamp(store)).toBeUndefined();
    });
  });

  it('names the stores without the credentials of their URLs', () => {
    const where = storeLocations({ dataDir: dir, mongoUrl: 'mongodb://admin:s3cret@db1:27017,db2:27017/batchyard', eventStoreUrl: 'kurrentdb://ops:pa55@esdb:2113?tls=false' });
    expect(where).toEqual({
      readStore: 'MongoDB mongodb://db1:27017,db2:27017/batchyard',
      eventStore: 'EventStoreDB kurrentdb://esdb:2113?tls=false',
      ownReadStore: 'point MONGO_URL at a database of its own',
    });
  });
});
