import { randomUUID } from 'node:crypto';
import { BatchUpdated, MessageHeaders, StreamCategory, streamName, Topics } from '@batchyard/contracts';
import { ParkedEvents, projectionCheckpoint, type ParkedEvent } from '@batchyard/projections';
import { BatchesProjection } from '@batchyard/read-models';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, expectReadModelsEqualRebuild, http, opsEnv, runOpsCli, sample, scrape, useBatchyard } from '@batchyard/test-support';

/**
 * Issue 15, "processors isolate what they cannot apply": an event the batches projection cannot apply (appended
 * straight to the event store, as a buggy or foreign writer would) is parked; every other tenant is served at once
 * meanwhile; the tenant's later write to that batch is held behind it and answers 503 at once instead of claiming a
 * success; /health, metrics, `ops projections list` and `ops parked list` say so, across a restart; a retry while
 * the cause is there fails and says why; a skip applies what was held and the read model equals a rebuild.
 */
describe('parked events through the gateway (embedded)', () => parkedEventTests({}));
const distributed = distributedOverrides();
describeTier('parked events through the gateway (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => parkedEventTests(distributed ?? {}));

const BATCHES = projectionCheckpoint(BatchesProjection);

function parkedEventTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { keys: { other: ['tenant-other', 'user'] } });
  const ops = (...args: string[]) => runOpsCli(opsEnv(by.config), ...args);
  const parkedList = async () =>
    (await ops('parked', 'list', '--json')).stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ParkedEvent);
  const batchesRow = async () =>
    (await ops('projections', 'list', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((r) => r.name === 'batches');
  const health = () => http(`${by.url}/health`);
  const timed = async <T>(request: () => Promise<T>) => {
    const startedAt = Date.now();
    const result = await request();
    return { result, ms: Date.now() - startedAt };
  };
  const until = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const auth = () => ({ authorization: by.key });
  const parked = async () => new ParkedEvents(await by.launched.infra.readStore()).ofProcessor(BATCHES);
  let batchId: string;
  let poisoned: number;
  let listed: ParkedEvent[];

  it('parks the event the projection cannot apply and serves every other tenant at once', async () => {
    const created = await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Lot 7' } });
    expect(created.status).toBe(201);
    batchId = created.body.id;
    expect((await health()).body.processors.batches).toEqual({ status: 'running', parked: 0 });

    // A foreign writer's event: its change names a field the read store refuses (`_id`).
    const events = await by.launched.infra.events();
    ({ position: poisoned } = await events.append(
      streamName(StreamCategory.batch, 'default', batchId),
      [
        {
          eventId: randomUUID(),
          type: BatchUpdated.type,
          version: BatchUpdated.version,
          tenant: 'default',
          correlationId: 'foreign',
          causationId: 'foreign',
          occurredAt: new Date().toISOString(),
          data: { batchId, changes: { _id: 'hijacked' } },
        },
      ],
      'any',
    ));
    await until(async () => (await health()).body.processors.batches.status === 'degraded', 'the event parked');
    expect(await parked()).toEqual([
      expect.objectContaining({
        id: `${BATCHES}#${poisoned}`,
        position: poisoned,
        type: 'BatchUpdated',
        tenant: 'default',
        error: 'invalid query: _id cannot be patched',
        attempts: 5,
        keys: [`batches/default:${batchId}`],
      }),
    ]);

    // Every other tenant is served at once, in both batch dialects.
    const evrythng = await timed(() => http(`${by.url}/batches`, { method: 'POST', headers: { authorization: by.keys.other.key }, body: { name: 'Unaffected' } }));
    expect(evrythng.result.status).toBe(201);
    expect(evrythng.ms).toBeLessThan(5000);
    const tofupilot = await timed(() => http(`${by.url}/api/v2/batches`, { method: 'POST', headers: { authorization: `Bearer ${by.keys.other.key}` }, body: { number: 'LOT-8' } }));
    expect(tofupilot.result.status).toBe(200);
    expect(tofupilot.ms).toBeLessThan(5000);
  });

  it('answers the tenant’s write to that batch with a 503 at once, not a success it cannot show', async () => {
    const held = await timed(() => http(`${by.url}/batches/${batchId}`, { method: 'PUT', headers: auth(), body: { name: 'Lot 7, renamed' } }));
    expect(held.result.status).toBe(503);
    expect(held.result.body).toEqual({
      status: 503,
      errors: [expect.stringContaining('an operator must resolve a parked event')],
      code: 'SERVICE_UNAVAILABLE',
      moreInfo: expect.any(String),
    });
    expect(held.ms).toBeLessThan(5000);
    // The batch shows a state it really had: the one before the parked event.
    expect((await http(`${by.url}/batches/${batchId}`, { headers: auth() })).body.name).toBe('Lot 7');
    expect((await parked()).map((p) => [p.position, p.heldBehind])).toEqual([
      [poisoned, undefined],
      [expect.any(Number), `${BATCHES}#${poisoned}`],
    ]);
  });

  it('says so: /health degraded without the error, the metric, ops projections list and ops parked list', async () => {
    const reported = await health();
    expect(reported.status).toBe(200);
    expect(reported.body.status).toBe('degraded');
    expect(reported.body.processors.batches).toEqual({ status: 'degraded', parked: 2 });
    expect(reported.body.processors.items).toEqual({ status: 'running', parked: 0 });
    expect(reported.text).not.toContain('_id cannot be patched');
    expect(sample(await scrape(by.metricsUrl), 'batchyard_parked_events{processor="batches"}')).toBe(2);
    expect(await batchesRow()).toMatchObject({ status: 'degraded', parked: 2 });

    listed = await parkedList();
    expect(listed).toEqual(await parked());
    const text = (await ops('parked', 'list')).stdout.split('\n');
    expect(text[0]).toMatch(
      new RegExp(`^${BATCHES}#${poisoned}\t.*\tattempts=5\tBatchUpdated\ttenant=default\tstream=batch-default\\.${batchId}\tinvalid query: _id cannot be patched$`),
    );
    expect(text[1]).toContain(`\theld behind ${BATCHES}#${poisoned}`);
  });

  it('keeps it across a restart: nothing is tried again on its own, and the batch still waits', async () => {
    await by.restart();
    expect((await health()).body.processors.batches).toEqual({ status: 'degraded', parked: 2 });
    expect(await parked()).toEqual(listed);
    expect((await http(`${by.url}/batches/${batchId}`, { method: 'PUT', headers: auth(), body: { description: 'after the restart' } })).status).toBe(503);
    expect(await parked()).toHaveLength(3);
    expect((await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: by.keys.other.key }, body: { name: 'Still unaffected' } })).status).toBe(201);
  });

  it('retries while the cause is there: fails, says why, changes nothing; refuses a held event', async () => {
    const retried = await ops('parked', 'retry', `${BATCHES}#${poisoned}`);
    expect(retried.code).toBe(1);
    expect(retried.stdout).toBe(`${BATCHES}#${poisoned}: still parked (attempts=6): invalid query: _id cannot be patched\n`);
    expect(await parked()).toHaveLength(3);
    const refused = await ops('parked', 'skip', listed[1].id);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${listed[1].id} is held behind ${BATCHES}#${poisoned}: skip that one`);
  });

  it('skips: applies what waited behind the event, and the read model equals a rebuild', async () => {
    const skipped = await ops('parked', 'skip', `${BATCHES}#${poisoned}`);
    expect(skipped).toMatchObject({ code: 0, stdout: `${BATCHES}#${poisoned}: skipped\n` });
    expect(await parked()).toEqual([]);
    expect((await http(`${by.url}/batches/${batchId}`, { headers: auth() })).body).toMatchObject({ name: 'Lot 7, renamed', description: 'after the restart' });
    await until(async () => (await health()).body.status === 'ok', 'health ok again');
    expect((await health()).body.processors.batches).toEqual({ status: 'running', parked: 0 });
    const infra = by.launched.infra;
    await expectReadModelsEqualRebuild(await infra.events(), await infra.readStore(), [BatchesProjection], { leftOut: [poisoned] });
    expect((await http(`${by.url}/batches/${batchId}`, { method: 'PUT', headers: auth(), body: { name: 'Lot 7, free' } })).status).toBe(200);
  });

  it('shows a bus consumer’s dead letters as plainly: its group degraded in /health, counted, listed by ops dlq', async () => {
    const bus = await by.launched.infra.bus();
    await bus.publish([{ topic: Topics.events(StreamCategory.task), key: 'task-x', value: '{"not":"an event"}', headers: { [MessageHeaders.messageId]: randomUUID() } }]);
    await until(async () => (await health()).body.consumers['task-worker'].status === 'degraded', 'the message dead-lettered');
    const reported = await health();
    expect(reported.status).toBe(200);
    expect(reported.body).toMatchObject({
      status: 'degraded',
      consumers: { 'task-worker': { status: 'degraded', deadLetters: 1 }, 'batch-service': { status: 'running', deadLetters: 0 } },
    });
    expect(sample(await scrape(by.metricsUrl), 'batchyard_consumer_dead_letters{group="task-worker"}')).toBe(1);
    const listed = await ops('dlq', 'list', '--group', 'task-worker');
    expect(listed.stdout).toMatch(/^task-worker\/.*attempts=6\tkey=task-x\t/);
    expect((await ops('parked', 'list')).stdout).toBe('no parked events\n1 bus message(s) dead-lettered by consumers: see dlq list\n');
  });
}
