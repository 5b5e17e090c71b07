import { newApiKey, taskChunkSize } from '@batchyard/contracts';
import { openEventStore } from '@batchyard/event-store';
import { ItemsProjection, TasksProjection } from '@batchyard/read-models';
import { openReadStore } from '@batchyard/read-store';
import { describeProcessTiers, expectReadModelsEqualRebuild, http, startAppCluster, type AppCluster, untilTaskEnded, untilTaskStarted } from '@batchyard/test-support';

/**
 * A FILE_BASED task survives kill -9 of the task worker mid-file: the restarted worker reads on from the byte offset
 * the last chunk's event recorded, so every row is read exactly once, and the read models equal a rebuild.
 */
describeProcessTiers('EVRYTHNG FILE_BASED task survives kill -9 of the task worker', { embedded: 30_000, distributed: 4_000 }, crashTests);

/** Every 997th row has a short ID with a space: refused, logged. */
const bad = (i: number) => i % 997 === 500;

function crashTests(serverEnv: NodeJS.ProcessEnv, rows: number) {
  const key = newApiKey();
  let cluster: AppCluster;
  const auth = { authorization: key };

  beforeAll(async () => {
    cluster = await startAppCluster(['batch-service', 'task-worker', 'gateway'], key, serverEnv);
  }, 200_000);

  afterAll(() => cluster?.stop());

  it('reads every row exactly once after the worker is killed mid-file and restarted', async () => {
    const { url, dataDir } = cluster;
    const lines = ['shortId'];
    for (let i = 0; i < rows; i++) lines.push(bad(i) ? `bad ${i}` : `crash-${i}`);
    const file = (await http(`${url}/files`, { method: 'POST', headers: auth, body: { name: 'crash.csv', type: 'text/csv', privateAccess: true } })).body;
    const uploaded = (await http(file.uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/csv' }, raw: lines.join('\n') })).body;
    const batchId = (await http(`${url}/batches`, { method: 'POST', headers: auth, body: { name: 'Crash' } })).body.id;
    const inputParameters = {
      type: 'FILE_BASED',
      generateThngs: true,
      generateRedirections: true,
      defaultRedirectUrl: 'https://example.com/{evrythngId}',
      thngTemplate: { name: 'Crash' },
      shortDomain: 'tn.gg',
      location: uploaded.contentUrl,
      format: 'CSV',
    };
    const location = (await http(`${url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth, body: { type: 'POPULATING', inputParameters } })).headers.get('location')!;

    const atKill = await untilTaskStarted(url, location, auth);
    await cluster.kill('task-worker');
    expect(atKill.status).toBe('EXECUTING'); // the kill landed mid-file

    await cluster.restart('task-worker');
    const done = await untilTaskEnded(url, location, auth);
    const refused = Array.from({ length: rows }, (_, i) => i).filter(bad).length;
    const good = rows - refused;
    expect(done.status).toBe('EXECUTED_WITH_FAILURES');
    expect(done.result).toMatchObject({ totalThngsCreated: good, totalUrlBindingsCreated: good, failedOperationsAmount: refused });

    const events = await openEventStore({ dataDir });
    const live = await openReadStore({ dataDir, mongoUrl: serverEnv.MONGO_URL });
    try {
      const taskEvents = await events.readStream(`task-default.${done.id}`);
      expect(taskEvents.filter((e) => e.type === 'TaskInputOpened')).toHaveLength(1);
      expect(taskEvents.filter((e) => e.type === 'TaskCompleted')).toHaveLength(1);
      const chunks = taskEvents.filter((e) => e.type === 'ItemsGenerated').map((e) => e.data as { count: number; file: { next: { row: number }; rejected: unknown[] } });
      const size = taskChunkSize(rows);
      expect(chunks.map((c) => c.file.next.row)).toEqual(Array.from({ length: Math.ceil(rows / size) }, (_, c) => Math.min((c + 1) * size, rows)));
      expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(good);
      expect(chunks.reduce((n, c) => n + c.file.rejected.length, 0)).toBe(refused);
      expect(await live.collection('redirections').count({ taskId: done.id })).toBe(good);
      expect(await live.collection('task_logs').count({ taskId: done.id })).toBe(refused);
      await expectReadModelsEqualRebuild(events, live, [ItemsProjection, TasksProjection]);
    } finally {
      await Promise.all([events.close(), live.close()]);
    }
  }, 240_000);
}
