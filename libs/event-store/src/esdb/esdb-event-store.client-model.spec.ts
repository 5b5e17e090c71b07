import { randomUUID } from 'node:crypto';
import { AccessDeniedError } from '@kurrent/kurrentdb-client';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { describeEventStoreConformance } from '../testing/event-store-conformance';
import { InMemoryEsdbClient } from '../testing/in-memory-esdb-client';
import { EsdbEventStore } from './esdb-event-store';

// The adapter's own logic (paging past system events, positions, idempotent acknowledgements,
// resubscription) on a model of the client. The real-server tier is esdb-event-store.spec.ts.
const shared = new InMemoryEsdbClient();
describeEventStoreConformance('EsdbEventStore on an in-memory model of the client', async () => new EsdbEventStore(shared.asClient()));

const newEvent = (data: unknown = {}): NewEvent => ({
  eventId: randomUUID(),
  type: 'ModelTested',
  version: 1,
  tenant: 't',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date().toISOString(),
  data,
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('EsdbEventStore', () => {
  it('reports the last non-system event as the head, and 0 when there is none', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EsdbEventStore(client.asClient());
    client.writeSystemEvent();
    expect(await store.headPosition()).toBe(0);
    const { position } = await store.append('order-1', [newEvent()], 'no_stream');
    for (let i = 0; i < 150; i++) client.writeSystemEvent();
    expect(await store.headPosition()).toBe(position);
  });

  it('skips system events in readAll, however many lie between its own', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EsdbEventStore(client.asClient());
    await store.append('order-1', [newEvent({ n: 0 })], 'no_stream');
    for (let i = 0; i < 250; i++) client.writeSystemEvent();
    await store.append('order-1', [newEvent({ n: 1 })], 0);
    const [first, ...rest] = await store.readAll({ maxCount: 2 });
    expect([first, ...rest].map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
    expect(await store.readAll({ after: first.position, maxCount: 1 })).toEqual(rest);
  });

  it('resumes a dropped subscription after the last event it handed out', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EsdbEventStore(client.asClient());
    await store.append('order-1', [newEvent({ n: 0 }), newEvent({ n: 1 })], 'no_stream');
    const controller = new AbortController();
    const received: RecordedEvent[] = [];
    const done = (async () => {
      for await (const event of store.subscribeToAll({ signal: controller.signal })) received.push(event);
    })();
    await until(() => received.length === 2, 'the catch-up');
    client.dropSubscriptions();
    await store.append('order-1', [newEvent({ n: 2 })], 1);
    client.dropSubscriptions();
    await store.append('order-1', [newEvent({ n: 3 })], 2);
    await until(() => received.length === 4, 'the events after the drops');
    controller.abort();
    await done;
    expect(received.map((e) => e.data)).toEqual([0, 1, 2, 3].map((n) => ({ n })));
  });

  it('ends a subscription with an error that resubscribing cannot cure', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EsdbEventStore(client.asClient());
    const subscription = store.subscribeToAll({ signal: new AbortController().signal });
    const done = (async () => {
      for await (const _ of subscription) void _;
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.dropSubscriptions(new AccessDeniedError(undefined, 'access denied'));
    await expect(done).rejects.toBeInstanceOf(AccessDeniedError);
  });
});
