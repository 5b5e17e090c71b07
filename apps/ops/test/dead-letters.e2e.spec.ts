import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { consumeReliably, deadLetterTopic, DeadLetterHeaders, type Consumption, type IncomingMessage } from '@batchyard/messaging';
import { Infrastructure, loadConfig, ReadStoreDeadLetters, type RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides } from '@batchyard/test-support';
import { redriveDeadLetters, UnknownDeadLetterError } from '../src/dead-letters';

/**
 * A poison message goes to `<topic>.dlq` and the dead-letter list while the messages behind it on the
 * same key keep flowing; after the fix, a redrive processes it once; embedded and over real Kafka.
 */
describe('dead letters and redrive (embedded)', () => deadLetterTests({}));
const distributed = distributedOverrides();
describeTier('dead letters and redrive (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => deadLetterTests(distributed ?? {}));

const eventually = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

function deadLetterTests(overrides: Partial<RuntimeConfig>) {
  let dataDir: string;
  let infra: Infrastructure;
  const consumptions: Consumption[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-dlq-'));
    infra = new Infrastructure({ ...loadConfig({ LOG_LEVEL: 'warn' }), dataDir, ...overrides });
  });
  afterAll(async () => {
    for (const c of consumptions) await c.stop();
    await infra?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('dead-letters a poison message without holding up its partition, and redrives it once after a fix', async () => {
    const bus = await infra.bus();
    const deadLetters = new ReadStoreDeadLetters(await infra.readStore());
    const topic = `ops-test-${Date.now()}`;
    await bus.ensureTopics([
      { name: topic, partitions: 1 },
      { name: deadLetterTopic(topic), partitions: 1 },
    ]);

    let fixed = false;
    const processed: string[] = [];
    consumptions.push(
      await consumeReliably(bus, {
        groupId: 'ops-test-consumer',
        topics: [topic],
        retries: 1,
        backoff: { baseMs: 10, maxMs: 10 },
        deadLetters,
        handler: async (message: IncomingMessage) => {
          if (message.value === 'poison' && !fixed) throw new Error('cannot digest poison');
          processed.push(message.value);
        },
      }),
    );
    const onDlq: IncomingMessage[] = [];
    consumptions.push(await bus.consume({ groupId: 'ops-test-dlq-reader', topics: [deadLetterTopic(topic)], handler: async (m) => void onDlq.push(m) }));

    await bus.publish(['first', 'poison', 'after'].map((value) => ({ topic, key: 'same-key', value, headers: { 'message-id': value } })));
    await eventually(() => processed.length === 2 && onDlq.length === 1, 'the partition to flow past the poison');
    expect(processed).toEqual(['first', 'after']);
    expect(onDlq[0]).toMatchObject({ key: 'same-key', value: 'poison' });
    expect(onDlq[0].headers[DeadLetterHeaders.error]).toBe('cannot digest poison');
    expect(onDlq[0].headers[DeadLetterHeaders.topic]).toBe(topic);

    const listed = await deadLetters.list({ topic });
    expect(listed).toEqual([expect.objectContaining({ groupId: 'ops-test-consumer', topic, key: 'same-key', value: 'poison', error: 'cannot digest poison', attempts: 2 })]);
    expect(listed[0].headers).toEqual({ 'message-id': 'poison' });

    await expect(redriveDeadLetters(bus, deadLetters, { ids: ['no-such-id'] })).rejects.toThrow(UnknownDeadLetterError);
    fixed = true;
    expect((await redriveDeadLetters(bus, deadLetters, { topic })).map((e) => e.id)).toEqual([listed[0].id]);
    await eventually(() => processed.length === 3, 'the redriven message');
    expect(await deadLetters.list({ topic })).toEqual([]);
    expect(await redriveDeadLetters(bus, deadLetters, { topic })).toEqual([]);
    // A pause on purpose: what is under test is that nothing else arrives (no second redrive, no duplicate) within it.
    await new Promise((r) => setTimeout(r, 500));
    expect(processed).toEqual(['first', 'after', 'poison']);
    expect(onDlq).toHaveLength(1);
  });
}
