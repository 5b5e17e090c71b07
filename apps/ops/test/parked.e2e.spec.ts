import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchCreated, BatchUpdated, type NewEvent } from '@batchyard/contracts';
import { Checkpoints, ParkedEvents, ProjectionRunner, projectionCheckpoint } from '@batchyard/projections';
import { BatchesProjection } from '@batchyard/read-models';
import { Infrastructure, loadConfig, ReadStoreDeadLetters, type RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, opsEnv, runOpsCli } from '@batchyard/test-support';

/**
 * `ops parked list | retry | skip` with no service running, as operators run it, on embedded stores and on
 * Kafka + the MongoDB wire protocol: the ops tool runs the processor itself until the request is carried out.
 */
describe('ops parked, services stopped (embedded)', () => parkedCliTests({}));
const distributed = distributedOverrides();
describeTier('ops parked, services stopped (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => parkedCliTests(distributed ?? {}));

const BATCHES = projectionCheckpoint(BatchesProjection);
const event = (type: string, data: unknown): NewEvent => ({
  eventId: randomUUID(),
  type,
  version: 1,
  tenant: 'acme',
  correlationId: 'c',
  causationId: randomUUID(),
  occurredAt: new Date().toISOString(),
  data,
});

function parkedCliTests(overrides: Partial<RuntimeConfig>) {
  let config: RuntimeConfig;
  let infra: Infrastructure;
  let poisoned: number;
  const ops = (...args: string[]) => runOpsCli(opsEnv(config), ...args);
  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  beforeAll(async () => {
    config = { ...loadConfig({ LOG_LEVEL: 'warn' }), dataDir: await mkdtemp(path.join(tmpdir(), 'batchyard-parked-')), ...overrides };
    infra = new Infrastructure(config);
    const [events, readStore] = await Promise.all([infra.events(), infra.readStore()]);
    await events.append('batch-acme.b1', [event(BatchCreated.type, { batchId: 'b1', name: 'Lot 1' })], 'no_stream');
    // A change the read store refuses, then one that must wait behind it.
    ({ position: poisoned } = await events.append('batch-acme.b1', [event(BatchUpdated.type, { batchId: 'b1', changes: { _id: 'x' } })], 0));
    const head = (await events.append('batch-acme.b1', [event(BatchUpdated.type, { batchId: 'b1', changes: { name: 'Lot 1, renamed' } })], 1)).position;
    const runner = new ProjectionRunner(events, readStore, BatchesProjection, { isolation: { attempts: 2, backoff: { baseMs: 5, maxMs: 10 } } });
    await runner.start();
    const deadline = Date.now() + 30_000;
    while (runner.position < head && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await runner.stop();
    expect(await new ParkedEvents(readStore).count(BATCHES)).toBe(2);
  });
  afterAll(async () => {
    await infra?.close();
    if (config) await rm(config.dataDir, { recursive: true, force: true });
  });

  it('lists the parked events, the projection as stopped with its parked count, and points to dead letters', async () => {
    const listed = lines((await ops('parked', 'list', '--processor', 'batches', '--json')).stdout);
    expect(listed.map((p) => [p.id, p.heldBehind])).toEqual([
      [`${BATCHES}#${poisoned}`, undefined],
      [`${BATCHES}#${poisoned + 1}`, `${BATCHES}#${poisoned}`],
    ]);
    expect(lines((await ops('projections', 'list', '--json')).stdout).find((r) => r.name === 'batches')).toMatchObject({ status: 'stopped', parked: 2 });

    const deadLetters = new ReadStoreDeadLetters(await infra.readStore());
    await deadLetters.record({
      id: 'g/t/0/1',
      groupId: 'g',
      topic: 't',
      partition: 0,
      offset: '1',
      key: 'k',
      value: 'v',
      headers: {},
      error: 'e',
      attempts: 1,
      deadLetteredAt: new Date().toISOString(),
    });
    expect((await ops('parked', 'list')).stdout).toContain('1 bus message(s) dead-lettered by consumers: see dlq list');
    await deadLetters.remove(['g/t/0/1']);
  });

  it('refuses an unknown processor or id, and asks nothing', async () => {
    for (const [args, message] of [
      [['parked', 'list', '--processor', 'nope'], "option '--processor <name>' argument 'nope' is invalid. must be one of api-keys"],
      [['parked', 'retry', 'no-such-id'], 'error: no parked event with id no-such-id (see parked list)'],
    ] as const) {
      const result = await ops(...args);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(message);
    }
    expect(await new ParkedEvents(await infra.readStore()).requested(BATCHES)).toEqual([]);
  });

  it('retries by running the projection itself: the cause is still there, so it stays parked and says why', async () => {
    const retried = await ops('parked', 'retry', `${BATCHES}#${poisoned}`);
    expect(retried).toMatchObject({ code: 1, stdout: `${BATCHES}#${poisoned}: still parked (attempts=3): invalid query: _id cannot be patched\n` });
    expect(await new ParkedEvents(await infra.readStore()).count(BATCHES)).toBe(2);
  });

  it('skips: the held change is applied, nothing is left parked, and the lease is free again', async () => {
    expect(await ops('parked', 'skip', `${BATCHES}#${poisoned}`)).toMatchObject({ code: 0, stdout: `${BATCHES}#${poisoned}: skipped\n` });
    const readStore = await infra.readStore();
    expect(await readStore.collection('batches').get('acme:b1')).toMatchObject({ name: 'Lot 1, renamed', _position: poisoned + 1 });
    expect(await new ParkedEvents(readStore).count(BATCHES)).toBe(0);
    expect((await new Checkpoints(readStore).doc(BATCHES)).parked).toBe(0);
    expect(lines((await ops('projections', 'list', '--json')).stdout).find((r) => r.name === 'batches')).toMatchObject({ status: 'stopped', parked: 0 });
  });
}
