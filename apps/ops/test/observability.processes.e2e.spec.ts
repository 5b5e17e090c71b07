import { newApiKey } from '@batchyard/contracts';
import { Projections } from '@batchyard/read-models';
import { http, runFixedAmountTask, sample, scrape, startAppCluster, type AppCluster } from '@batchyard/test-support';

/**
 * Each app as its own process, as in distributed mode: every process serves its own `/metrics` and `/health` on its
 * METRICS_PORT, the gateway's included (its API port has no `/metrics`).
 */
describe('metrics and health of each app process (embedded stores)', () => {
  const key = newApiKey();
  let cluster: AppCluster;

  beforeAll(async () => {
    cluster = await startAppCluster(['batch-service', 'task-worker', 'bulk-processor', 'gateway'], key);
  }, 200_000);

  afterAll(() => cluster?.stop());

  it('reports the health of each port a worker process opened', async () => {
    const components = async (name: string) => {
      const res = await http(`${cluster.metricsUrl(name)}/health`);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      return res.body.components;
    };
    const up = (adapter: string) => ({ adapter, status: 'up' });
    const writer = { eventStore: up('sqlite'), readStore: up('sqlite'), bus: up('embedded') };
    expect(await components('batch-service')).toEqual(writer);
    // Both workers keep files: task input and result files, bulk job uploads and error files.
    expect(await components('task-worker')).toEqual({ ...writer, blobStore: up('files') });
    expect(await components('bulk-processor')).toEqual({ ...writer, blobStore: up('files') });
  });

  it("counts a task's items in the task worker's own metrics, not in the gateway's", async () => {
    const items = 'batchyard_work_items_total{kind="task_items"}';
    const before = sample(await scrape(cluster.metricsUrl('task-worker')), items) ?? 0;
    expect((await runFixedAmountTask(cluster.url, key, 7)).status).toBe('EXECUTED');
    expect(sample(await scrape(cluster.metricsUrl('task-worker')), items)).toBe(before + 7);
    expect(sample(await scrape(cluster.metricsUrl('gateway')), items)).toBeUndefined();
  });

  it("serves the gateway's metrics on its metrics port, not on the API's", async () => {
    expect(await scrape(cluster.metricsUrl('gateway'))).toContain('batchyard_http_requests_total{method="POST",route="/batches",status="201"}');
    const api = await http(`${cluster.url}/metrics`, { headers: { authorization: key } });
    expect(api.status).toBe(404);
    expect(api.text).not.toContain('batchyard_');
  });

  it('reports consumer lag per partition and projection lag from a worker process', async () => {
    const text = await scrape(cluster.metricsUrl('bulk-processor'));
    for (const partition of [0, 1, 2, 3]) {
      const series = (group: string, topic: string) => `batchyard_consumer_lag_messages{group="${group}",topic="${topic}",partition="${partition}"}`;
      expect(sample(text, series('task-worker', 'batchyard.events.task'))).toBeGreaterThanOrEqual(0);
      expect(sample(text, series('bulk-processor', 'batchyard.events.bulkjob'))).toBeGreaterThanOrEqual(0);
    }
    for (const p of Projections) expect(sample(text, `batchyard_projection_lag_positions{projection="${p.name}"}`)).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'batchyard_dead_letters')).toBe(0);
  });

  it('answers 404 for anything else', async () => {
    expect((await http(`${cluster.metricsUrl('task-worker')}/batches`)).status).toBe(404);
  });
});
