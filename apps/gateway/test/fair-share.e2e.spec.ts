import { Partitioners } from 'kafkajs';
import { evrythngIdFrom, sha256Hex, uuidFrom } from '@batchyard/contracts';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, untilTaskEnded, useBatchyard } from '@batchyard/test-support';
import { partitionOf } from '@batchyard/messaging';

/**
 * The task worker and the bulk processor share their capacity between tenants: while tenant A runs a large task
 * (or bulk job), tenant B's small one ends within seconds, even when its events share A's bus partition (the case
 * where B used to queue behind all of A's work). Embedded with a 1,000,000-item task and a 100,000-row job, and
 * smaller over real Kafka + the MongoDB wire protocol.
 */
const TENANT_B = 'fair-share-b';
describe('Fair share between tenants (embedded)', () => fairShareTests({}, { taskItems: 1_000_000, jobRows: 100_000, chunkRows: 2_000 }));
const distributed = distributedOverrides();
describeTier('Fair share between tenants (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () =>
  fairShareTests(distributed ?? {}, { taskItems: 100_000, jobRows: 10_000, chunkRows: 100 }),
);

/** How long B's small task or job may take while A's large one runs: generous, for a loaded 2-core machine. */
const SMALL_ONE_ENDS_WITHIN_MS = 30_000;
/** Partitions of the event topics, as the task worker and the bulk processor create them. */
const EVENT_PARTITIONS = 4;

const kafkaPartition = Partitioners.DefaultPartitioner();
const partitionMetadata = Array.from({ length: EVENT_PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));

/** The partition the bus puts a stream's events on (the relay keys them by stream name). */
function partitionOfStream(stream: string, kafka: boolean): number {
  if (!kafka) return partitionOf(stream, EVENT_PARTITIONS);
  return kafkaPartition({ topic: 'any', partitionMetadata, message: { key: stream, value: null } });
}

/** The id the gateway gives a POST under an Idempotency-Key (apps/gateway/src/idempotency). */
const commandIdOf = (tenant: string, key: string) => uuidFrom(`idempotency:${sha256Hex(`${tenant}\n${key}`)}`);

/** An Idempotency-Key whose task or job stream (`streamOfKey`) lands on the same partition as `stream`. */
function keyOnPartitionOf(stream: string, streamOfKey: (key: string) => string, kafka: boolean): string {
  const wanted = partitionOfStream(stream, kafka);
  for (let i = 0; ; i++) {
    const key = `fair-${process.pid}-${Date.now()}-${i}`;
    if (partitionOfStream(streamOfKey(key), kafka) === wanted) return key;
  }
}

/** `chunkRows`: A's job is many chunks (many turns), however quick each is, so it cannot end before B's. */
function fairShareTests(overrides: Partial<RuntimeConfig>, sizes: { taskItems: number; jobRows: number; chunkRows: number }) {
  const kafka = Boolean(overrides.kafkaBrokers);
  // The bulk processor reads the chunk size as it starts: set before the fixture's start hook, restored after its stop.
  const chunkRowsBefore = process.env.BATCHYARD_BULK_CHUNK_ROWS;
  beforeAll(() => {
    process.env.BATCHYARD_BULK_CHUNK_ROWS = String(sizes.chunkRows);
  });
  const by = useBatchyard(overrides, { keys: { b: [TENANT_B, 'user'] }, testTimeout: 180_000 });
  afterAll(() => {
    if (chunkRowsBefore === undefined) delete process.env.BATCHYARD_BULK_CHUNK_ROWS;
    else process.env.BATCHYARD_BULK_CHUNK_ROWS = chunkRowsBefore;
  });

  const fixedAmount = (quantity: number) => ({
    type: 'POPULATING',
    inputParameters: { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'Fair' }, quantity },
  });

  async function queueTask(key: string, quantity: number, idempotencyKey?: string): Promise<string> {
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: key }, body: { name: 'Fair share' } });
    const headers = { authorization: key, ...(idempotencyKey && { 'idempotency-key': idempotencyKey }) };
    const created = await http(`${by.url}/batches/${batch.body.id}/tasks`, { method: 'POST', headers, body: fixedAmount(quantity) });
    expect(created.status).toBe(202);
    return created.headers.get('location')!;
  }

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it(`ends tenant B's 10-item task within seconds while tenant A runs a ${sizes.taskItems.toLocaleString('en')}-item task on the same partition`, async () => {
    const authA = { authorization: by.key };
    const locationA = await queueTask(by.key, sizes.taskItems);
    const streamA = `task-default.${locationA.split('/').pop()}`;
    // A is really running: its first chunk is recorded and shows.
    await until(
      async () => (await http(`${by.url}${locationA}`, { headers: authA })).body,
      (t) => t.progress.totalAmount > 0,
      'A never started',
    );

    const key = keyOnPartitionOf(streamA, (k) => `task-${TENANT_B}.${evrythngIdFrom(`task:${commandIdOf(TENANT_B, k)}`)}`, kafka);
    const started = Date.now();
    const locationB = await queueTask(by.keys.b.key, 10, key);
    const taskB = await untilTaskEnded(by.url, locationB, { authorization: by.keys.b.key }, 1_800);
    const tookMs = Date.now() - started;
    expect(taskB.status).toBe('EXECUTED');
    expect(taskB.result).toMatchObject({ totalThngsCreated: 10 });
    expect(tookMs).toBeLessThan(SMALL_ONE_ENDS_WITHIN_MS);

    const taskA = (await http(`${by.url}${locationA}`, { headers: authA })).body;
    expect(taskA.status).toBe('EXECUTING');
    expect(taskA.progress.contributions[taskA.id].thngs).toBeLessThan(sizes.taskItems);
    // Done measuring: A is cancelled, and its cancel lands within a chunk.
    expect((await http(`${by.url}${locationA}/cancel`, { method: 'POST', headers: authA })).status).toBe(202);
    expect((await untilTaskEnded(by.url, locationA, authA, 1_200)).status).toBe('FAILED');
  });

  const contactsCsv = (rows: number, prefix: string) => ['name,email', ...Array.from({ length: rows }, (_, i) => `${prefix} ${i},${prefix}-${i}@example.com`)].join('\n');
  const dataUrl = (csv: string) => `data:text/csv;base64,${Buffer.from(csv).toString('base64')}`;

  async function queueJob(key: string, csv: string, idempotencyKey?: string): Promise<string> {
    const headers = { 'px-api-key': key, ...(idempotencyKey && { 'idempotency-key': idempotencyKey }) };
    const res = await http(`${by.url}/v1/batches`, { method: 'POST', headers, body: { resource: 'contact', action: 'merge', mode: 'async', data: dataUrl(csv) } });
    expect(res.status).toBe(201);
    return res.body.data.id;
  }
  const readJob = async (key: string, id: string) => (await http(`${by.url}/v1/batches/${id}`, { headers: { 'px-api-key': key } })).body.data;
  const ENDED = ['completed', 'failed', 'timed_out', 'expired'];

  it(`ends tenant B's 10-row bulk job within seconds while tenant A's ${sizes.jobRows.toLocaleString('en')}-row job runs on the same partition`, async () => {
    const jobA = await queueJob(by.key, contactsCsv(sizes.jobRows, 'a'));
    // A is really running: its first chunk is recorded and shows.
    await until(
      () => readJob(by.key, jobA),
      (j) => j.stats.created > 0,
      'A never started',
    );
    const key = keyOnPartitionOf(`bulkjob-default.${jobA}`, (k) => `bulkjob-${TENANT_B}.batch_${evrythngIdFrom(`bulk:${commandIdOf(TENANT_B, k)}`)}`, kafka);
    const started = Date.now();
    const jobB = await queueJob(by.keys.b.key, contactsCsv(10, 'b'), key);
    const doneB = await until(
      () => readJob(by.keys.b.key, jobB),
      (j) => ENDED.includes(j.status),
      'B never ended',
    );
    const tookMs = Date.now() - started;
    const whenBEnded = await readJob(by.key, jobA);
    expect(doneB).toMatchObject({ status: 'completed', stats: { created: 10 } });
    expect(tookMs).toBeLessThan(SMALL_ONE_ENDS_WITHIN_MS);
    // B did not wait for A: A, queued first on the same partition, was still at work when B ended.
    expect(whenBEnded.status).not.toBe('completed');
    const doneA = await until(
      () => readJob(by.key, jobA),
      (j) => ENDED.includes(j.status),
      'A never ended',
    );
    expect(doneA).toMatchObject({ status: 'completed', stats: { created: sizes.jobRows } });
  });
}
