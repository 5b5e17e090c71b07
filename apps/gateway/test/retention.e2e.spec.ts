import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMAND_OUTCOME_RETENTION_MS } from '@batchyard/command-bus';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, useBatchyard } from '@batchyard/test-support';
import { IDEMPOTENCY_TTL_MS } from '../src/idempotency/idempotency-store';
import { sweepRetention } from '../src/ops/retention-sweep';

/**
 * Idempotency records are kept a day from the key's first use, command outcomes a week (docs/operations.md,
 * "Retention"); the gateway deletes what is past its time at start and every ten minutes.
 */
describe('retention of idempotency records and command outcomes (embedded)', () => retentionTests({}));
const distributed = distributedOverrides();
describeTier('retention of idempotency records and command outcomes (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => retentionTests(distributed ?? {}));

const HOUR = 3600_000;

function retentionTests(overrides: Partial<RuntimeConfig>) {
  let dataDir: string;
  let readStore: ReadStore;
  const idempotency = () => readStore.physical('_idempotency');
  const outcomes = () => readStore.physical('_command_outcomes');

  const by = useBatchyard(
    async () => {
      // Records left by an earlier run of this installation, some past their time.
      dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-retention-'));
      const earlier = await openReadStore({ dataDir, mongoUrl: overrides.mongoUrl });
      const now = Date.now();
      await earlier.physical('_idempotency').insertMany([
        { _id: 'expired-key', requestHash: 'h', state: 'done', startedAt: now - 25 * HOUR, expiresAt: now - HOUR, answer: { status: 201 } },
        { _id: 'live-key', requestHash: 'h', state: 'done', startedAt: now - HOUR, expiresAt: now + 23 * HOUR, answer: { status: 201 } },
      ]);
      const recorded = (ago: number) => new Date(now - ago).toISOString();
      await earlier.physical('_command_outcomes').insertMany([
        {
          _id: 'old-command',
          outcome: { commandId: 'old-command', status: 'rejected', error: { code: 'invalid', message: 'x' } },
          recordedAt: recorded(COMMAND_OUTCOME_RETENTION_MS + HOUR),
        },
        {
          _id: 'recent-command',
          outcome: { commandId: 'recent-command', status: 'rejected', error: { code: 'invalid', message: 'x' } },
          recordedAt: recorded(COMMAND_OUTCOME_RETENTION_MS - HOUR),
        },
      ]);
      await earlier.close();
      return { ...overrides, dataDir };
    },
    { timeout: 120_000 },
  );
  beforeAll(async () => {
    readStore = await by.launched.infra.readStore();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('deletes what is past its retention as the gateway starts, and keeps the rest', async () => {
    for (let i = 0; (await idempotency().get('expired-key')) || (await outcomes().get('old-command')); i++) {
      if (i === 200) throw new Error('the start-up sweep deleted nothing within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await idempotency().get('live-key')).toBeDefined();
    expect(await outcomes().get('recent-command')).toBeDefined();
  });

  it('forgets an Idempotency-Key after its day, yet a retry of the same request still creates nothing twice', async () => {
    const post = () => http(`${by.url}/batches`, { method: 'POST', headers: { authorization: by.key, 'idempotency-key': 'lot-7' }, body: { name: 'Lot 7' } });
    const first = await post();
    expect(first.status).toBe(201);
    expect((await post()).headers.get('idempotent-replayed')).toBe('true');

    const now = Date.now();
    await sweepRetention(readStore, now + IDEMPOTENCY_TTL_MS - HOUR);
    expect((await post()).headers.get('idempotent-replayed')).toBe('true');

    // A day later the record is gone: the retry is not a replay, but the same command, answered from its outcome.
    expect((await sweepRetention(readStore, now + IDEMPOTENCY_TTL_MS + HOUR)).idempotency).toBeGreaterThanOrEqual(1);
    const dayLater = await post();
    expect(dayLater.status).toBe(201);
    expect(dayLater.headers.get('idempotent-replayed')).toBeNull();
    expect(dayLater.body.id).toBe(first.body.id);

    // A week later its outcome is gone too: the batch service knows the command by the events it caused.
    expect((await sweepRetention(readStore, now + COMMAND_OUTCOME_RETENTION_MS + HOUR)).outcomes).toBeGreaterThanOrEqual(1);
    const weekLater = await post();
    expect(weekLater.status).toBe(201);
    expect(weekLater.body.id).toBe(first.body.id);
    const named = await http(`${by.url}/batches?filter=${encodeURIComponent('name=Lot 7')}`, { headers: { authorization: by.key } });
    expect(named.body.map((b: { id: string }) => b.id)).toEqual([first.body.id]);
  });
}
