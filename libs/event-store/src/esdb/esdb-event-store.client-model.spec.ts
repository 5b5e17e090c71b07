import { randomUUID } from 'node:crypto';
import { AccessDeniedError } from '@kurrent/kurrentdb-client';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { foreignEventsSkipped } from '@batchyard/observability';
import { AppendTooLargeError, InvalidPositionError, ReadDeadlineError } from '../port';
import { describeEventStoreConformance } from '../testing/event-store-conformance';
import { InMemoryEsdbClient } from '../testing/in-memory-esdb-client';
import { EsdbEventStore, UnsupportedServerError } from './esdb-event-store';

// The adapter's own logic (paging past system events, positions, idempotent acknowledgements,
// resubscription) on a model of the client. The real-server tier is esdb-event-store.spec.ts.
const shared = new InMemoryEsdbClient();
describeEventStoreConformance('EsdbEventStore on an in-memory model of the client', async () => new EsdbEventStore(shared.asClient()));
afterAll(() => expect(shared.openCalls).toBe(0));

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

/** Runs a subscription in the background, collecting what it yields until stopped. */
function follow(store: EsdbEventStore) {
  const controller = new AbortController();
  const received: RecordedEvent[] = [];
  const done = (async () => {
    for await (const event of store.subscribeToAll({ signal: controller.signal })) received.push(event);
  })();
  return {
    received,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

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
    const { received, stop } = follow(store);
    await until(() => received.length === 2, 'the catch-up');
    client.dropSubscriptions();
    await store.append('order-1', [newEvent({ n: 2 })], 1);
    client.dropSubscriptions();
    await store.append('order-1', [newEvent({ n: 3 })], 2);
    await until(() => received.length === 4, 'the events after the drops');
    await stop();
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

  it('leaves no call open: reads stopped at maxCount, the head, stream reads, an aborted subscription', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EsdbEventStore(client.asClient());
    await store.append(
      'order-1',
      Array.from({ length: 20 }, (_, n) => newEvent({ n })),
      'no_stream',
    );
    const [first] = await store.readAll({ maxCount: 1 });
    await store.readAll({ after: first.position, maxCount: 5 });
    await store.readAll({ after: first.position, maxCount: 5, eventTypes: ['ModelTested'] });
    await store.headPosition();
    await store.readStream('order-1', { maxCount: 3 });
    await store.append('order-1', [newEvent()], 19);
    const { received, stop } = follow(store);
    await until(() => received.length === 21, 'the catch-up');
    expect(client.openCalls).toBe(1);
    await stop();
    expect(client.openCalls).toBe(0);
  });

  it('filters $all on the server: system, link and other types never reach the client', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EsdbEventStore(client.asClient());
    await store.append('order-1', [newEvent({ n: 0 })], 'no_stream');
    for (let i = 0; i < 250; i++) client.writeSystemEvent();
    await store.append(
      'other-1',
      Array.from({ length: 100 }, () => ({ ...newEvent(), type: 'OtherType' })),
      'no_stream',
    );
    await store.append('order-1', [newEvent({ n: 1 })], 0);
    const before = client.delivered;
    const page = await store.readAll({ maxCount: 10, eventTypes: ['ModelTested'] });
    expect(page.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
    expect(client.delivered - before).toBe(2);
    const head = await store.headPosition();
    expect(head).toBe(page[1].position);
  });

  it('bounds a read of $all by its deadline, and the read left behind still closes', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EsdbEventStore(client.asClient(), { readDeadlineMs: 100 });
    const { position } = await store.append('order-1', [newEvent({ n: 0 }), newEvent({ n: 1 })], 'no_stream');
    const release = client.holdReads();
    const started = Date.now();
    await expect(store.readAll({ maxCount: 10 })).rejects.toBeInstanceOf(ReadDeadlineError);
    await expect(store.headPosition()).rejects.toMatchObject({ name: 'ReadDeadlineError', retriable: true });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(client.openCalls).toBe(2);
    release();
    await until(() => client.openCalls === 0, 'the abandoned reads to end');
    expect(await store.headPosition()).toBe(position);
  });

  it('refuses a position the server no longer has after the database was recreated, even one it handed out', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EsdbEventStore(client.asClient());
    client.writeSystemEvent();
    const old = await store.append('order-1', [newEvent({ pad: 'x'.repeat(500) })], 'no_stream');
    const [{ position }] = await store.readAll({ maxCount: 1 });
    expect(position).toBe(old.position);
    client.recreate();
    await store.append('order-1', [newEvent({ pad: 'y'.repeat(50) }), newEvent({ pad: 'z'.repeat(50) })], 'no_stream');
    await expect(store.readAll({ after: position, maxCount: 10 })).rejects.toBeInstanceOf(InvalidPositionError);
    expect(client.openCalls).toBe(0);
  });

  it('skips and counts events another client wrote, and still fills a page', async () => {
    const client = new InMemoryEsdbClient();
    const store = new EsdbEventStore(client.asClient());
    const counted = async () => (await foreignEventsSkipped.get()).values[0]?.value ?? 0;
    const before = await counted();
    await store.append('order-1', [newEvent({ n: 0 })], 'no_stream');
    client.writeForeignEvent('order-1', 'ModelTested', { from: 'elsewhere' });
    client.writeForeignEvent('legacy-1', 'ModelTested', 'a string', { tenant: 't' });
    client.writeForeignEvent('legacy-1', 'LegacyThing', [1, 2], []);
    await store.append('order-2', [newEvent({ n: 1 })], 'no_stream');
    expect((await store.readAll({ maxCount: 2, eventTypes: ['ModelTested'] })).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
    expect((await store.readAll({ maxCount: 2 })).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
    expect((await store.readStream('order-1')).map((e) => e.data)).toEqual([{ n: 0 }]);
    expect(await counted()).toBe(before + 2 + 3 + 1);
    const { received, stop } = follow(store);
    await until(() => received.length === 2, 'the events of ours');
    await stop();
    expect(received.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
  });

  it("maps the server's MaxAppendSizeExceeded to AppendTooLargeError with the server's limit", async () => {
    const client = new InMemoryEsdbClient(1000);
    const store = new EsdbEventStore(client.asClient());
    const events = [newEvent({ text: 'ü'.repeat(400) })];
    const attempt = store.append('order-1', events, 'no_stream');
    await expect(attempt).rejects.toBeInstanceOf(AppendTooLargeError);
    await expect(attempt).rejects.toMatchObject({ limit: 1000, retriable: false });
    expect(await store.readStream('order-1')).toEqual([]);
  });

  it.each(['22.5.0', '21.10.7', '20.10.0.1234', 'unknown'])('refuses a server that reports version %s', async (version) => {
    const client = new InMemoryEsdbClient();
    client.serverVersion = version;
    const store = new EsdbEventStore(client.asClient());
    await expect(store.headPosition()).rejects.toBeInstanceOf(UnsupportedServerError);
    await expect(store.append('order-1', [newEvent()], 'any')).rejects.toThrow(new RegExp(`22.6 or newer .* ${version}`));
    await expect(store.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(UnsupportedServerError);
  });

  it.each(['22.6.0', '24.10.0', 'v25.0.1.2345'])('runs on a server that reports version %s', async (version) => {
    const client = new InMemoryEsdbClient();
    client.serverVersion = version;
    const store = new EsdbEventStore(client.asClient());
    const { position } = await store.append('order-1', [newEvent()], 'no_stream');
    expect(await store.headPosition()).toBe(position);
  });
});
