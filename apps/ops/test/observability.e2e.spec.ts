import { Projections } from '@batchyard/read-models';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, runFixedAmountTask, sample, scrape as scrapeAt, useBatchyard } from '@batchyard/test-support';

describe('gateway metrics and request correlation (embedded)', () => observabilityTests({}));
const distributed = distributedOverrides();
describeTier('gateway metrics and request correlation (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => observabilityTests(distributed ?? {}));

function observabilityTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides);
  const scrape = () => scrapeAt(by.metricsUrl);

  it('serves metrics on their own port only: the API port has no /metrics, with or without an operator key', async () => {
    expect(by.metricsUrl).not.toBe(by.url);
    for (const headers of [{}, { authorization: by.key }, { 'px-api-key': by.key }] as Record<string, string>[]) {
      const res = await http(`${by.url}/metrics`, { headers });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: 404, errors: [expect.any(String)] });
      expect(res.text).not.toContain('batchyard_');
    }
    expect(await scrape()).toContain('# TYPE batchyard_http_requests_total counter');
  });

  it('counts requests by route and status, times commands, and reports projection lag and dead letters', async () => {
    const before = await scrape();
    const created = '{method="POST",route="/batches",status="201"}';
    const countBefore = sample(before, `batchyard_http_requests_total${created}`) ?? 0;

    expect((await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: by.key }, body: { name: 'Metered' } })).status).toBe(201);
    expect((await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: by.key }, body: { name: '' } })).status).toBe(400);

    const after = await scrape();
    expect(sample(after, `batchyard_http_requests_total${created}`)).toBe(countBefore + 1);
    expect(sample(after, 'batchyard_http_requests_total{method="POST",route="/batches",status="400"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'batchyard_command_duration_seconds_count{command="CreateBatch",result="accepted"}')).toBeGreaterThanOrEqual(1);
    for (const p of Projections) expect(sample(after, `batchyard_projection_lag_positions{projection="${p.name}"}`)).toEqual(expect.any(Number));
    expect(sample(after, 'batchyard_dead_letters')).toBe(0);
    // The batch service's group on its command topic, on each of the topic's 4 partitions, whichever the bus.
    const commandsLag = [0, 1, 2, 3].map((p) => sample(after, `batchyard_consumer_lag_messages{group="batch-service",topic="batchyard.commands.batch",partition="${p}"}`));
    for (const lag of commandsLag) expect(lag).toBeGreaterThanOrEqual(0);
  });

  it('counts the rows bulk jobs process', async () => {
    const rows = 'batchyard_work_items_total{kind="bulk_rows"}';
    const before = sample(await scrape(), rows) ?? 0;
    const body = { resource: 'contact', action: 'merge', mode: 'sync', data: [{ name: 'Ada' }, { name: 'Grace' }, { name: 'Edsger' }] };
    const job = await http(`${by.url}/v1/batches`, { method: 'POST', headers: { 'px-api-key': by.key }, body });
    expect(job.body.data.status).toBe('completed');
    expect(sample(await scrape(), rows)).toBe(before + 3);
  });

  it('counts the items tasks generate', async () => {
    const items = 'batchyard_work_items_total{kind="task_items"}';
    const before = sample(await scrape(), items) ?? 0;
    expect((await runFixedAmountTask(by.url, by.key, 5)).status).toBe('EXECUTED');
    expect(sample(await scrape(), items)).toBe(before + 5);
  });

  it('carries the request’s correlation id into the events it causes', async () => {
    const res = await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: by.key, 'x-correlation-id': 'trace-77' }, body: { name: 'Traced' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe('trace-77');
    const events = await (await by.launched.infra.events()).readAll({ after: 0, maxCount: 10_000, eventTypes: ['BatchCreated'] });
    const created = events.find((e) => (e.data as { batchId: string }).batchId === res.body.id)!;
    expect(created.correlationId).toBe('trace-77');
  });

  it('echoes a caller’s correlation id, and makes one up otherwise', async () => {
    const given = await http(`${by.url}/health`, { headers: { 'x-correlation-id': 'trace-42' } });
    expect(given.headers.get('x-correlation-id')).toBe('trace-42');
    const made = await http(`${by.url}/health`, { headers: { 'x-correlation-id': 'bad id with spaces' } });
    expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
}
