import { newApiKey } from '@batchyard/contracts';
import { openEventStore } from '@batchyard/event-store';
import { ItemsProjection, TasksProjection } from '@batchyard/read-models';
import { openReadStore } from '@batchyard/read-store';
import { describeProcessTiers, expectReadModelsEqualRebuild, http, startAppCluster, type AppCluster, untilTaskEnded, untilTaskStarted } from '@batchyard/test-support';

/**
 * A task survives kill -9 of the task worker mid-task: after a restart it ends with exactly N Thngs, N redirections,
 * one result and one result file of N rows, and the read models equal a rebuild from the events.
 */
describeProcessTiers('EVRYTHNG task survives kill -9 of the task worker', { embedded: 30_000, distributed: 4_000 }, crashTests);

function crashTests(serverEnv: NodeJS.ProcessEnv, quantity: number) {
  const key = newApiKey();
  let cluster: AppCluster;
  let url: string;
  let dataDir: string;
  const auth = { authorization: key };

  beforeAll(async () => {
    cluster = await startAppCluster(['batch-service', 'task-worker', 'gateway'], key, serverEnv);
    ({ url, dataDir } = cluster);
  }, 200_000);

  afterAll(() => cluster?.stop());

  it('ends with exactly N Thngs, N redirections, one result and one result file after the worker is killed and restarted', async () => {
    const batchId = (await http(`${url}/batches`, { method: 'POST', headers: auth, body: { name: 'Crash' } })).body.id;
    const body = {
      type: 'POPULATING',
      outputParameters: { type: 'CSV', columns: ['SHORT_ID', 'THNG'] },
      inputParameters: {
        type: 'FIXED_AMOUNT',
        generateThngs: true,
        generateRedirections: true,
        defaultRedirectUrl: 'https://example.com/{evrythngId}',
        thngTemplate: { name: 'Crash' },
        shortDomain: 'tn.gg',
        quantity,
      },
    };
    const location = (await http(`${url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth, body })).headers.get('location')!;

    const atKill = await untilTaskStarted(url, location, auth);
    await cluster.kill('task-worker');
    expect(atKill.status).toBe('EXECUTING'); // the kill landed mid-task
    expect(atKill.progress.totalAmount).toBeLessThan(2 * quantity);

    await cluster.restart('task-worker');
    const done = await untilTaskEnded(url, location, auth);
    expect(done.status).toBe('EXECUTED');
    expect(done.result).toMatchObject({ totalCount: 2 * quantity, totalThngsCreated: quantity, totalUrlBindingsCreated: quantity, failedOperationsAmount: 0 });
    const thngs = await http(`${url}/thngs?filter=${encodeURIComponent(`batch=${batchId}`)}&perPage=1`, { headers: auth });
    expect(thngs.headers.get('x-result-count')).toBe(String(quantity));
    const file = await fetch(done.result.location, { headers: auth });
    const rows = (await file.text()).trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(quantity);
    expect(new Set(rows.map((row) => row.split(',')[1])).size).toBe(quantity);

    const events = await openEventStore({ dataDir });
    const live = await openReadStore({ dataDir, mongoUrl: serverEnv.MONGO_URL });
    try {
      const taskEvents = await events.readStream(`task-default.${done.id}`);
      expect(taskEvents.filter((e) => e.type === 'TaskCompleted')).toHaveLength(1);
      expect(taskEvents.filter((e) => e.type === 'TaskResultFileWritten')).toHaveLength(1);
      expect(taskEvents.filter((e) => e.type === 'ItemsGenerated').reduce((n, e) => n + (e.data as { count: number }).count, 0)).toBe(quantity);
      expect(await live.collection('redirections').count({ taskId: done.id })).toBe(quantity);

      // The read models equal a rebuild of them from the events alone.
      await expectReadModelsEqualRebuild(events, live, [ItemsProjection, TasksProjection]);
    } finally {
      await Promise.all([events.close(), live.close()]);
    }
  }, 240_000);
}
