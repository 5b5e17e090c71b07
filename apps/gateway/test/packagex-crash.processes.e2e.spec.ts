import { newApiKey } from '@batchyard/contracts';
import { openEventStore } from '@batchyard/event-store';
import { ResourcesProjection, BulkJobsProjection } from '@batchyard/read-models';
import { openReadStore } from '@batchyard/read-store';
import { describeProcessTiers, expectReadModelsEqualRebuild, http, startAppCluster, type AppCluster } from '@batchyard/test-support';

/**
 * Reliability promise 4 for bulk jobs: kill -9 the bulk processor mid-processing; after a restart the job
 * completes with exact stats, every resource exactly once, and read models equal to a rebuild from events.
 */
describeProcessTiers('PackageX bulk job survives kill -9 of the bulk processor', { embedded: 3000, distributed: 400 }, crashTests);

function crashTests(serverEnv: NodeJS.ProcessEnv, rows: number) {
  const key = newApiKey();
  let cluster: AppCluster;
  let url: string;
  let dataDir: string;
  const px = { 'px-api-key': key };

  beforeAll(async () => {
    // Small chunks, so that processing spans many steps and the kill lands in the middle of it.
    cluster = await startAppCluster(['batch-service', 'bulk-processor', 'gateway'], key, { ...serverEnv, BATCHYARD_BULK_CHUNK_ROWS: '5' });
    ({ url, dataDir } = cluster);
  }, 200_000);

  afterAll(() => cluster?.stop());

  it('completes with exact stats and no duplicate after the processor is killed and restarted', async () => {
    const data = Array.from({ length: rows }, (_, i) => ({ name: `Person ${i}`, email: i % 97 === 5 ? `not-an-email-${i}` : `p${i}@example.com` }));
    data.push({ name: 'Twin', email: 'p1@example.com' });
    const rejected = data.filter((d) => d.email.startsWith('not-an-email')).length;
    const res = await http(`${url}/v1/batches`, { method: 'POST', headers: px, body: { resource: 'contact', action: 'merge', mode: 'async', data } });
    expect(res.status).toBe(201);
    const id = res.body.data.id;
    const job = async () => (await http(`${url}/v1/batches/${id}`, { headers: px })).body.data;

    let atKill: any;
    for (;;) {
      atKill = await job();
      if (atKill.phases[2].processed > 0 || atKill.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await cluster.kill('bulk-processor');
    expect(atKill.status).toBe('processing'); // the kill landed mid-processing
    expect(atKill.phases[2].processed).toBeLessThan(atKill.phases[2].total);

    await cluster.restart('bulk-processor');
    let done: any;
    for (let i = 0; i < 1200 && !['completed', 'failed', 'timed_out'].includes((done = await job()).status); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(done.status).toBe('completed');
    const expectedCreated = data.length - rejected - 2; // p1@example.com twice: both ignored
    expect(done.stats).toMatchObject({ created: expectedCreated, updated: 0, deleted: 0, ignored: 2, rejected, unprocessed: 0 });
    expect(done.phases[2]).toMatchObject({ total: expectedCreated, processed: expectedCreated, success: expectedCreated, error: 0 });
    const listed = await http(`${url}/v1/contacts?limit=1`, { headers: px });
    expect(listed.body.pagination.total_count).toBe(expectedCreated);

    // The read models equal a rebuild of them from the events alone.
    const events = await openEventStore({ dataDir });
    const live = await openReadStore({ dataDir, mongoUrl: serverEnv.MONGO_URL });
    try {
      await expectReadModelsEqualRebuild(events, live, [ResourcesProjection, BulkJobsProjection]);
    } finally {
      await Promise.all([events.close(), live.close()]);
    }
  }, 180_000);
}
