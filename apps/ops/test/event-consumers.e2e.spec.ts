import type { RecordedEvent } from '@batchyard/contracts';
import { NO_SERVERS, describeTier, distributedOverrides, http, useBatchyard, startEventConsumer, asyncApiDocument } from '@batchyard/test-support';

/** What event consumers get: the catalogue served by the gateway, and the example consumer over real Kafka. */
describe('event catalogue served by the gateway (embedded)', () => {
  const by = useBatchyard({ namespace: 'acme' });

  it('serves the AsyncAPI document without a key, with the installation namespace', async () => {
    const res = await http(`${by.url}/asyncapi.json`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(asyncApiDocument('acme'));
    expect(res.body.channels.batch.address).toBe('acme.batchyard.events.batch');
  });
});

const distributed = distributedOverrides();
describeTier('example consumer over Kafka', Boolean(distributed), NO_SERVERS, () => {
  let consumer: { stop(): Promise<void> } | undefined;
  const received: RecordedEvent[] = [];
  const by = useBatchyard(distributed, { beforeStop: async () => consumer?.stop() });

  beforeAll(async () => {
    consumer = await startEventConsumer({
      brokers: distributed!.kafkaBrokers!,
      namespace: distributed!.namespace,
      groupId: 'example-consumer-test',
      categories: ['batch'],
      onEvent: async (event) => void received.push(event),
    });
  });

  it('receives a batch’s events in order, validated against their contracts', async () => {
    const auth = { authorization: by.key };
    const created = await http(`${by.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Lot 1' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    for (const name of ['Lot 2', 'Lot 3']) {
      expect((await http(`${by.url}/batches/${id}`, { method: 'PUT', headers: auth, body: { name } })).status).toBe(200);
    }
    expect((await http(`${by.url}/batches/${id}`, { method: 'DELETE', headers: auth })).status).toBe(200);

    const ofBatch = () => received.filter((e) => e.type.startsWith('Batch') && (e.data as { batchId: string }).batchId === id);
    const deadline = Date.now() + 30_000;
    while (ofBatch().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(ofBatch().map((e) => [e.type, e.revision])).toEqual([
      ['BatchCreated', 0],
      ['BatchUpdated', 1],
      ['BatchUpdated', 2],
      ['BatchDeleted', 3],
    ]);
    expect(ofBatch().map((e) => (e.data as { changes?: { name?: string } }).changes?.name)).toEqual([undefined, 'Lot 2', 'Lot 3', undefined]);
    expect(new Set(ofBatch().map((e) => e.stream)).size).toBe(1);
  });
});
