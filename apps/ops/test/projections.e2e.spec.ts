import { physicalName, projectionCheckpoint, rebuildProjection, type ProjectionDefinition } from '@batchyard/projections';
import { BatchesProjection, Projections } from '@batchyard/read-models';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, useBatchyard } from '@batchyard/test-support';
import { projectionStatuses, requestReplay } from '../src/projections';

/**
 * Rebuilds and replays while the services run: a rebuilt generation equals the live read models
 * document by document, writes made during a rebuild are all there afterwards, and a replay restores
 * what was lost; embedded, and over real Kafka + the MongoDB wire protocol.
 */
describe('projection rebuild and replay (embedded)', () => projectionTests({}));
const distributed = distributedOverrides();
describeTier('projection rebuild and replay (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => projectionTests(distributed ?? {}));

function projectionTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides);
  const stores = async () => [await by.launched.infra.events(), await by.launched.infra.readStore()] as const;
  const auth = () => ({ authorization: by.key });
  const createBatch = async (name: string) => {
    const res = await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name, tags: [name] } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const snapshot = async (definition: ProjectionDefinition) => {
    const readStore = (await stores())[1];
    const docs: Record<string, unknown[]> = {};
    for (const c of definition.collections) docs[c.name] = await readStore.collection(c.name).find({}, { sort: [['_id', 1]] });
    return docs;
  };

  beforeAll(async () => {
    const [first, second] = [await createBatch('first'), await createBatch('second')];
    await createBatch('third');
    expect((await http(`${by.url}/batches/${first}`, { method: 'PUT', headers: auth(), body: { name: 'first, renamed' } })).status).toBe(200);
    expect((await http(`${by.url}/batches/${second}`, { method: 'DELETE', headers: auth() })).status).toBe(200);
    await issueKey(by.launched.infra, 'tenant-two', 'user');
    // Resources (PackageX) and items (TofuPilot units), so more projections have documents to compare.
    const contact = await http(`${by.url}/v1/contacts`, { method: 'POST', headers: { 'px-api-key': by.key }, body: { name: 'Jamie Jones' } });
    expect(contact.status).toBe(201);
    const unit = { serial_number: 'SN-1', part_number: 'PN-1', revision_number: 'A' };
    expect((await http(`${by.url}/api/v2/units`, { method: 'POST', headers: { authorization: `Bearer ${by.key}` }, body: unit })).status).toBe(200);
  });

  it('rebuilds every projection into a new generation equal to the live one, and drops the old', async () => {
    const [events, readStore] = await stores();
    let documents = 0;
    for (const definition of Projections) {
      const live = await snapshot(definition);
      documents += Object.values(live).flat().length;
      const result = await rebuildProjection(events, readStore, definition);
      expect(result.generation).toBe(1);
      expect(await snapshot(definition)).toEqual(live);
      const collections = await readStore.listCollections();
      for (const c of definition.collections) {
        expect(await readStore.target(c.name)).toBe(physicalName(c.name, definition.version, 1));
        expect(collections).not.toContain(physicalName(c.name, definition.version, 0));
      }
    }
    expect(documents).toBeGreaterThanOrEqual(6); // batches, keys, a resource, an item
    const statuses = await projectionStatuses(events, readStore);
    expect(statuses.map((s) => [s.name, s.generation, s.status])).toEqual([
      ...Projections.map((p) => [p.name, 1, 'running']),
      ['relay', undefined, 'running'],
      ['webhooks', undefined, 'running'],
    ]);
  });

  it('loses nothing written while a rebuild runs', async () => {
    const [events, readStore] = await stores();
    let writing = true;
    const written: string[] = [];
    const writes = (async () => {
      for (let i = 0; writing || i < 3; i++) written.push(await createBatch(`during-${i}`));
    })();
    const rebuilt = await rebuildProjection(events, readStore, BatchesProjection);
    writing = false;
    await writes;
    expect(written.length).toBeGreaterThanOrEqual(3);
    // Every write answered after the projection reached it; each must still be there after the swap.
    for (const id of written) expect((await http(`${by.url}/batches/${id}`, { headers: auth() })).status).toBe(200);
    const live = await snapshot(BatchesProjection);
    const again = await rebuildProjection(events, readStore, BatchesProjection);
    expect(again.generation).toBe(rebuilt.generation + 1);
    expect(await snapshot(BatchesProjection)).toEqual(live);
  });

  it('replays from a position, restoring documents without undoing newer ones', async () => {
    const [events, readStore] = await stores();
    const id = await createBatch('lost-and-found');
    const batches = readStore.collection('batches');
    const docId = (await batches.find({ batchId: id }))[0]._id;
    const before = await snapshot(BatchesProjection);
    await batches.bulkWrite([{ kind: 'delete', id: docId }]);
    expect(await batches.get(docId)).toBeUndefined();

    await requestReplay(readStore, 'batches', 0);
    const deadline = Date.now() + 10_000;
    while (!(await batches.get(docId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await snapshot(BatchesProjection)).toEqual(before);
    expect((await projectionStatuses(events, readStore)).find((s) => s.name === 'batches')!.checkpoint).toBe(await events.headPosition());
  });

  it('refuses to replay an unknown projection and records nothing', async () => {
    const readStore = (await stores())[1];
    await expect(requestReplay(readStore, 'nope', 0)).rejects.toThrow(/unknown projection nope/);
    expect(await readStore.physical('_processor_control').get('nope')).toBeUndefined();
    expect(projectionCheckpoint(BatchesProjection)).toBe('projection:batches@v2');
  });
}
