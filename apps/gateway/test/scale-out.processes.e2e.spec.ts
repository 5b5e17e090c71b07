import { StreamCategory, newApiKey, streamName } from '@batchyard/contracts';
import { openEventStore } from '@batchyard/event-store';
import { Projections, type GeneratedThngDoc, type RedirectionDoc, type ResourceDoc } from '@batchyard/read-models';
import { openReadStore, type Doc, type ReadStore } from '@batchyard/read-store';
import { installationProcessors } from '@batchyard/runtime';
import {
  NO_SERVERS,
  QUICK_REBALANCE,
  describeTier,
  distributedOverrides,
  expectReadModelsEqualRebuild,
  http,
  overridesAsEnv,
  sample,
  scrape,
  startAppCluster,
  untilTaskEnded,
  type AppCluster,
} from '@batchyard/test-support';

/**
 * Issue 16: distributed mode scaled out, two processes of each kind behind one gateway (two batch services, two task
 * workers, two bulk processors). A bulk job and a task run while one process of each kind dies by kill -9: the batch
 * service that holds every processor's lease (relay and projections), and the task worker and bulk processor that hold
 * the work's partitions, each while its work is in flight. The survivors take over (Kafka moves the dead members'
 * partitions, the leases expire to the other batch service), the killed ones come back and rebalance the groups
 * again, and both end exact: every row and item once, and every read model equal to a rebuild from the events.
 *
 * Sizes: 16 task chunks of 1,000 Thngs with redirections and 100 bulk chunks of 5 rows, small for the Mongo-wire
 * server (it scans on every filter but `_id`) and several steps each, so that work is in flight at each kill and
 * at each restart.
 */
const QUANTITY = 16_000;
const ROWS = 500;
const CHUNK_ROWS = 5;
/** The task worker's chunk of FIXED_AMOUNT Thngs with redirections. */
const TASK_CHUNK = 1_000;

const distributed = distributedOverrides();
describeTier('Scale-out: two processes of each kind, one of each killed mid-work (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => {
  const key = newApiKey();
  const auth = { authorization: key };
  const px = { 'px-api-key': key };
  const serverEnv = { ...overridesAsEnv(distributed ?? {}), ...QUICK_REBALANCE };
  let cluster: AppCluster;
  let live: ReadStore;
  /** The lease holder of every processor once the first batch service runs alone: name -> owner. */
  let firstHolders: Record<string, string>;

  const leaseHolders = async () => {
    const now = Date.now();
    const held = await live.physical<Doc & { owner: string; expiresAt: number }>('_leases').find({});
    return Object.fromEntries(held.filter((l) => l.expiresAt > now).map((l) => [l._id, l.owner]));
  };

  beforeAll(async () => {
    cluster = await startAppCluster(['batch-service', 'task-worker', 'bulk-processor', 'gateway'], key, { ...serverEnv, BATCHYARD_BULK_CHUNK_ROWS: String(CHUNK_ROWS) });
    live = await openReadStore({ dataDir: cluster.dataDir, mongoUrl: serverEnv.MONGO_URL });
    // The first batch service takes every lease before the second one starts, so the test knows whose kill moves them.
    const processors = installationProcessors().map((p) => p.checkpoint);
    for (const deadline = Date.now() + 60_000; ;) {
      firstHolders = await leaseHolders();
      if (processors.every((p) => firstHolders[p])) break;
      if (Date.now() > deadline) throw new Error(`the first batch service took only ${Object.keys(firstHolders)} of ${processors}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(['batch-service', 'task-worker', 'bulk-processor'].map((name) => cluster.restart(name)));
  }, 300_000);

  afterAll(async () => {
    await live?.close();
    await cluster?.stop();
  });

  /** What each running process of `app` has recorded of `kind`, in `metricsUrls` order. */
  const recorded = async (app: string, kind: string) =>
    Promise.all(cluster.metricsUrls(app).map(async (url) => sample(await scrape(url), `batchyard_work_items_total{kind="${kind}"}`) ?? 0));

  it('ends a bulk job and a task exact while a batch service, a task worker and a bulk processor die by kill -9', async () => {
    const data = Array.from({ length: ROWS }, (_, i) => ({ name: `Person ${i}`, email: i % 97 === 5 ? `not-an-email-${i}` : `p${i}@example.com` }));
    data.push({ name: 'Twin', email: 'p1@example.com' });
    const rejected = data.filter((d) => d.email.startsWith('not-an-email')).length;
    const created = data.length - rejected - 2; // p1@example.com twice: both ignored
    const merge = await http(`${cluster.url}/v1/batches`, { method: 'POST', headers: px, body: { resource: 'contact', action: 'merge', mode: 'async', data } });
    expect(merge.status).toBe(201);
    const job = async () => (await http(`${cluster.url}/v1/batches/${merge.body.data.id}`, { headers: px })).body.data;

    const batch = await http(`${cluster.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Scale-out' } });
    expect(batch.status).toBe(201);
    const inputParameters = {
      type: 'FIXED_AMOUNT',
      generateThngs: true,
      generateRedirections: true,
      defaultRedirectUrl: 'https://example.com/{evrythngId}',
      thngTemplate: { name: 'Scaled' },
      shortDomain: 'tn.gg',
      quantity: QUANTITY,
    };
    const posted = await http(`${cluster.url}/batches/${batch.body.id}/tasks`, { method: 'POST', headers: auth, body: { type: 'POPULATING', inputParameters } });
    expect(posted.status).toBe(202);
    const location = new URL(posted.headers.get('location')!, cluster.url).pathname;

    /**
     * Each worker kind: the process that records the work (its metrics count it) dies as soon as it has recorded some
     * and before it has recorded all; it comes back once the other process of its kind has recorded more (the group
     * moved the work's partition to it), so the group rebalances again, with both members, while the work goes on.
     * The read models cannot tell: the batch service running the projections dies with the first worker.
     */
    const kinds = [
      { app: 'bulk-processor', kind: 'bulk_rows', total: created, chunk: CHUNK_ROWS },
      { app: 'task-worker', kind: 'task_items', total: QUANTITY, chunk: TASK_CHUNK },
    ].map((k) => ({ ...k, survivorAtKill: undefined as number | undefined, restarted: undefined as Promise<void> | undefined }));
    let batchServiceRestarted: Promise<void> | undefined;
    const firstOwners = new Set(Object.values(firstHolders));

    for (const deadline = Date.now() + 180_000; !batchServiceRestarted || kinds.some((k) => !k.restarted);) {
      if (Date.now() > deadline) {
        const where = kinds.map((k) => `${k.app}: ${k.survivorAtKill === undefined ? 'not killed' : k.restarted ? 'restarted' : `killed, the other at ${k.survivorAtKill}`}`);
        throw new Error(`not every kill and restart came in time (${where.join('; ')}; batch service ${batchServiceRestarted ? 'restarted' : 'leases not moved'})`);
      }
      for (const k of kinds) {
        if (k.restarted) continue;
        const counts = await recorded(k.app, k.kind);
        if (k.survivorAtKill === undefined) {
          const working = counts.findIndex((n) => n > 0);
          if (working < 0) continue;
          // Two chunks or more left, and the worker dies right after this scrape: it cannot end the work in between
          // (a run seen in CI: killed with one chunk left, it had ended the task before its kill, the other had nothing to take over).
          expect(counts[working]).toBeLessThanOrEqual(k.total - 2 * k.chunk);
          const first = !kinds.some((other) => other.survivorAtKill !== undefined);
          // The leases' holder dies with the first worker: the relay and every projection stop until they move.
          if (first) expect(await leaseHolders()).toEqual(firstHolders);
          await cluster.kill(k.app, working);
          if (first) await cluster.kill('batch-service', 0);
          k.survivorAtKill = counts[1 - working];
        } else if (counts[0] > k.survivorAtKill) {
          k.restarted = cluster.restart(k.app);
        }
      }
      if (!batchServiceRestarted && kinds.some((k) => k.survivorAtKill !== undefined)) {
        const holders = await leaseHolders();
        if (Object.keys(firstHolders).every((p) => holders[p] && !firstOwners.has(holders[p]))) batchServiceRestarted = cluster.restart('batch-service');
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all([batchServiceRestarted, ...kinds.map((k) => k.restarted)]);

    let done: any;
    for (let i = 0; i < 1_800 && !['completed', 'failed', 'timed_out'].includes((done = await job()).status); i++) await new Promise((r) => setTimeout(r, 100));
    expect(done.status).toBe('completed');
    expect(done.stats).toMatchObject({ created, updated: 0, deleted: 0, ignored: 2, rejected, unprocessed: 0 });
    expect(done.phases[2]).toMatchObject({ total: created, processed: created, success: created, error: 0 });
    expect((await http(`${cluster.url}/v1/contacts?limit=1`, { headers: px })).body.pagination.total_count).toBe(created);

    const ended = await untilTaskEnded(cluster.url, location, auth);
    expect(ended.status).toBe('EXECUTED');
    expect(ended.result).toMatchObject({ totalCount: 2 * QUANTITY, totalThngsCreated: QUANTITY, totalUrlBindingsCreated: QUANTITY, failedOperationsAmount: 0 });
    const listed = await http(`${cluster.url}/thngs?filter=${encodeURIComponent(`batch=${batch.body.id}`)}&perPage=1`, { headers: auth });
    expect(listed.headers.get('x-result-count')).toBe(String(QUANTITY));

    // No row or item twice: every contact's email, Thng, short ID and claim once.
    const contacts = await live.collection<ResourceDoc>('resources').find({ resource: 'contact' });
    expect(contacts).toHaveLength(created);
    expect(new Set(contacts.map((c) => c.key)).size).toBe(created);
    const thngs = await live.collection<GeneratedThngDoc>('items').find({ createdByTask: ended.id });
    expect(new Set(thngs.map((t) => t.thngId)).size).toBe(QUANTITY);
    expect(thngs).toHaveLength(QUANTITY);
    const redirections = await live.collection<RedirectionDoc>('redirections').find({ taskId: ended.id });
    expect(redirections).toHaveLength(QUANTITY);
    expect(new Set(redirections.map((r) => r.shortId)).size).toBe(QUANTITY);
    expect(new Set(redirections.map((r) => r.thngId))).toEqual(new Set(thngs.map((t) => t.thngId)));
    expect(await live.collection('short_id_claims').count({ taskId: ended.id })).toBe(QUANTITY);

    const events = await openEventStore({ dataDir: cluster.dataDir });
    try {
      const taskEvents = await events.readStream(streamName(StreamCategory.task, 'default', ended.id));
      expect(taskEvents.filter((e) => e.type === 'TaskCompleted')).toHaveLength(1);
      const chunks = taskEvents.filter((e) => e.type === 'ItemsGenerated').map((e) => e.data as { chunk: number; count: number });
      expect(new Set(chunks.map((c) => c.chunk)).size).toBe(chunks.length);
      expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(QUANTITY);
      const jobChunks = (await events.readStream(streamName(StreamCategory.bulkjob, 'default', done.id)))
        .filter((e) => e.type === 'ChunkProcessed')
        .map((e) => e.data as { chunk: number; writes: unknown[] });
      expect(new Set(jobChunks.map((c) => c.chunk)).size).toBe(jobChunks.length);
      expect(jobChunks.reduce((n, c) => n + c.writes.length, 0)).toBe(created);
      await expectReadModelsEqualRebuild(events, live, Projections);
    } finally {
      await events.close();
    }
  }, 300_000);
});
