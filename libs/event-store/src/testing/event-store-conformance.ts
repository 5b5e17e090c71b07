import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { MAX_APPEND_BYTES, appendBytes } from '../append-size';
import { AppendTooLargeError, InvalidPositionError, WrongExpectedRevisionError, type EventStore } from '../port';

/** Names unique to one run, so the suite can share a server with other runs and other suites. */
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const uniqueType = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 10)}`;

function newEvent(type: string, data: unknown = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    version: 1,
    tenant: 'tenant-conformance',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: new Date().toISOString(),
    data,
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs a subscription in the background, collecting what it yields until stopped. */
function collect(store: EventStore, options: { after?: number; eventTypes?: readonly string[] }) {
  const controller = new AbortController();
  const received: RecordedEvent[] = [];
  const done = (async () => {
    for await (const event of store.subscribeToAll({ ...options, signal: controller.signal })) received.push(event);
  })();
  return {
    received,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

function expectStrictlyIncreasing(positions: readonly number[]): void {
  for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]);
}

/** Every stream's events come in revision order 0, 1, 2, … with nothing missing or doubled. */
function expectContiguousRevisions(events: readonly RecordedEvent[]): void {
  const next = new Map<string, number>();
  for (const event of events) {
    expect(`${event.stream}@${event.revision}`).toBe(`${event.stream}@${next.get(event.stream) ?? 0}`);
    next.set(event.stream, event.revision + 1);
  }
}

/**
 * The behaviour every event-store adapter shares. `open` may be called several times (several
 * writers); every store it returns is closed at the end. Streams and event types are unique per
 * run, so the suite can run against a shared server.
 */
export function describeEventStoreConformance(name: string, open: () => Promise<EventStore>): void {
  describe(`event store conformance: ${name}`, () => {
    const opened: EventStore[] = [];
    let store: EventStore;
    const openStore = async () => {
      const opening = await open();
      opened.push(opening);
      return opening;
    };

    beforeAll(async () => {
      store = await openStore();
    });
    afterAll(async () => {
      for (const s of opened) await s.close();
    });

    describe('append and readStream', () => {
      it('reads back every envelope field, with revisions from 0 and the position the append reported', async () => {
        const stream = unique('conf-append');
        const events = [newEvent('ConfA', { n: 1 }), newEvent('ConfB', { n: 2 }), newEvent('ConfA', { n: 3 })];
        const result = await store.append(stream, events, 'no_stream');
        const read = await store.readStream(stream);
        expect(read).toEqual(events.map((e, i) => ({ ...e, stream, revision: i, position: expect.any(Number) })));
        expect(result).toEqual({ nextRevision: 2, position: read[2].position });
        expectStrictlyIncreasing(read.map((e) => e.position));
      });

      it('reads a stream from a revision and up to a count; a missing stream reads empty', async () => {
        const stream = unique('conf-range');
        await store.append(
          stream,
          [0, 1, 2, 3].map((n) => newEvent('ConfA', { n })),
          'no_stream',
        );
        expect((await store.readStream(stream, { fromRevision: 2 })).map((e) => e.revision)).toEqual([2, 3]);
        expect((await store.readStream(stream, { maxCount: 2 })).map((e) => e.revision)).toEqual([0, 1]);
        expect((await store.readStream(stream, { fromRevision: 1, maxCount: 2 })).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
        expect(await store.readStream(stream, { fromRevision: 4 })).toEqual([]);
        expect(await store.readStream(unique('conf-missing'))).toEqual([]);
      });

      it('appends 1,000 events in one call', async () => {
        const stream = unique('conf-thousand');
        const type = uniqueType('ConfBulk');
        const before = await store.headPosition();
        const events = Array.from({ length: 1000 }, (_, n) => newEvent(type, { n }));
        const result = await store.append(stream, events, 'no_stream');
        expect(result.nextRevision).toBe(999);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual(events.map((_, i) => i));
        expect(read.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
        expect(read[999].position).toBe(result.position);
        expectStrictlyIncreasing(read.map((e) => e.position));
        expect(await store.readAll({ after: before, maxCount: 2000, eventTypes: [type] })).toEqual(read);
      });

      it('keeps unicode and a 500 KB payload intact', async () => {
        const stream = unique('conf-ünïcødé-東京');
        const type = uniqueType('ConfUnicode');
        const before = await store.headPosition();
        const data = {
          text: 'Zürich · 東京 · مرحبا · שלום · 🚀👩🏽‍💻 · e\u0301 · "quotes" \\ back\nslash\ttab',
          large: '€ab'.repeat(100_000),
          nested: { list: [1, 2.5, -3, null, true, 'ß'], empty: {} },
        };
        expect(Buffer.byteLength(JSON.stringify(data))).toBeGreaterThan(500_000);
        await store.append(stream, [newEvent(type, data)], 'no_stream');
        const [fromStream] = await store.readStream(stream);
        expect(fromStream.stream).toBe(stream);
        expect(fromStream.data).toEqual(data);
        const [fromAll] = await store.readAll({ after: before, maxCount: 10, eventTypes: [type] });
        expect(fromAll.data).toEqual(data);
      });
    });

    describe('append size', () => {
      /** An event whose data is a string of `fill`, as long as lets the append of it alone weigh at most `bytes`. */
      const eventWeighing = (type: string, bytes: number, fill = 'x'): NewEvent => {
        const event = newEvent(type, '');
        return { ...event, data: fill.repeat(Math.floor((bytes - appendBytes([event])) / Buffer.byteLength(fill))) };
      };

      it('takes an append of exactly 1 MiB as KurrentDB weighs it: data and metadata in UTF-8, twice the type', async () => {
        const stream = unique('conf-largest');
        const largest = eventWeighing(uniqueType('ConfLargest'), MAX_APPEND_BYTES);
        expect(appendBytes([largest])).toBe(MAX_APPEND_BYTES);
        await store.append(stream, [largest], 'no_stream');
        expect((await store.readStream(stream)).map((e) => e.data)).toEqual([largest.data]);
      });

      it('refuses a heavier append with AppendTooLargeError, counting bytes over all its events, and stores nothing of it', async () => {
        const stream = unique('conf-too-large');
        const type = uniqueType('ConfTooLarge');
        await store.append(stream, [newEvent(type)], 'no_stream');
        const head = await store.headPosition();
        const largest = eventWeighing(type, MAX_APPEND_BYTES);
        const refused = [
          [{ ...largest, data: `${largest.data as string}x` }],
          // Each alone fits; together they do not.
          [eventWeighing(type, MAX_APPEND_BYTES / 2 + 100), eventWeighing(type, MAX_APPEND_BYTES / 2 + 100)],
          // Fewer characters than the limit, more bytes.
          [newEvent(type, 'ż'.repeat(MAX_APPEND_BYTES / 2))],
        ];
        for (const events of refused) {
          const attempt = store.append(stream, events, 0);
          await expect(attempt).rejects.toBeInstanceOf(AppendTooLargeError);
          await expect(attempt).rejects.toMatchObject({ stream, bytes: appendBytes(events), limit: MAX_APPEND_BYTES, retriable: false });
        }
        expect(await store.readStream(stream)).toHaveLength(1);
        expect(await store.headPosition()).toBe(head);
        await store.append(stream, [largest], 0);
      });
    });

    describe('expected revision', () => {
      const rejected = (stream: string, expected: unknown, actual: unknown) => expect.objectContaining({ name: 'WrongExpectedRevisionError', stream, expected, actual });

      it("'no_stream' succeeds only on a missing stream", async () => {
        const stream = unique('conf-no-stream');
        await store.append(stream, [newEvent('ConfA')], 'no_stream');
        const attempt = store.append(stream, [newEvent('ConfA')], 'no_stream');
        await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(attempt).rejects.toEqual(rejected(stream, 'no_stream', 0));
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it("'stream_exists' succeeds only on an existing stream", async () => {
        const stream = unique('conf-exists');
        const attempt = store.append(stream, [newEvent('ConfA')], 'stream_exists');
        await expect(attempt).rejects.toEqual(rejected(stream, 'stream_exists', 'no_stream'));
        expect(await store.readStream(stream)).toEqual([]);
        await store.append(stream, [newEvent('ConfA')], 'any');
        expect(await store.append(stream, [newEvent('ConfA')], 'stream_exists')).toMatchObject({ nextRevision: 1 });
      });

      it('an exact revision must be the revision of the last event', async () => {
        const stream = unique('conf-exact');
        await expect(store.append(stream, [newEvent('ConfA')], 0)).rejects.toEqual(rejected(stream, 0, 'no_stream'));
        await store.append(stream, [newEvent('ConfA'), newEvent('ConfA')], 'no_stream');
        await expect(store.append(stream, [newEvent('ConfA')], 0)).rejects.toEqual(rejected(stream, 0, 1));
        await expect(store.append(stream, [newEvent('ConfA')], 5)).rejects.toEqual(rejected(stream, 5, 1));
        expect(await store.append(stream, [newEvent('ConfA')], 1)).toMatchObject({ nextRevision: 2 });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it("'any' succeeds on a missing and on an existing stream", async () => {
        const stream = unique('conf-any');
        expect(await store.append(stream, [newEvent('ConfA')], 'any')).toMatchObject({ nextRevision: 0 });
        expect(await store.append(stream, [newEvent('ConfA'), newEvent('ConfA')], 'any')).toMatchObject({ nextRevision: 2 });
      });

      it('lets exactly one of several racing appends at the same revision win', async () => {
        const stream = unique('conf-race');
        await store.append(stream, [newEvent('ConfA')], 'no_stream');
        const writers = [store, ...(await Promise.all([openStore(), openStore()]))];
        const outcomes = await Promise.allSettled([0, 1, 2, 3, 4, 5].map((i) => writers[i % writers.length].append(stream, [newEvent('ConfA', { i })], 0)));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1]);
      });
    });

    describe('idempotent retry', () => {
      it('succeeds without writing when the same event ids are already at the same place', async () => {
        const stream = unique('conf-retry');
        const batch = [newEvent('ConfA', { n: 0 }), newEvent('ConfA', { n: 1 })];
        const first = await store.append(stream, batch, 'no_stream');
        expect(await store.append(stream, batch, 'no_stream')).toEqual(first);
        // A retry that arrives after the stream has moved on still gets the first answer.
        await store.append(stream, [newEvent('ConfA', { n: 2 })], 1);
        expect(await store.append(stream, batch, 'no_stream')).toEqual(first);
        expect(await store.append(stream, batch, 'any')).toEqual(first);
        const single = [newEvent('ConfA', { n: 3 })];
        const third = await store.append(stream, single, 2);
        expect(await store.append(stream, single, 2)).toEqual(third);
        expect((await store.readStream(stream)).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
      });

      it('rejects a batch that only partly repeats a stored one, writing nothing', async () => {
        const stream = unique('conf-partial');
        const batch = [newEvent('ConfA', { n: 0 }), newEvent('ConfA', { n: 1 })];
        await store.append(stream, batch, 'no_stream');
        await expect(store.append(stream, [batch[0], newEvent('ConfA', { n: 9 })], 'no_stream')).rejects.toThrow();
        await expect(store.append(stream, [batch[0], newEvent('ConfA', { n: 9 })], 'any')).rejects.toThrow();
        expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
      });
    });

    describe('readAll and positions', () => {
      it('pages through the global log in position order and filters by event type', async () => {
        const [typeA, typeB] = [uniqueType('ConfPageA'), uniqueType('ConfPageB')];
        const [one, two] = [unique('conf-page-1'), unique('conf-page-2')];
        const start = await store.headPosition();
        await store.append(one, [newEvent(typeA, { n: 0 }), newEvent(typeB, { n: 1 }), newEvent(typeA, { n: 2 })], 'no_stream');
        await store.append(two, [newEvent(typeB, { n: 3 }), newEvent(typeA, { n: 4 })], 'no_stream');
        const last = await store.append(one, [newEvent(typeA, { n: 5 })], 2);
        const ours = (e: RecordedEvent) => e.stream === one || e.stream === two;

        const paged: RecordedEvent[] = [];
        for (let after = start; after < last.position;) {
          const page = await store.readAll({ after, maxCount: 2 });
          expect(page.length).toBeGreaterThan(0);
          expect(page.length).toBeLessThanOrEqual(2);
          paged.push(...page);
          after = page[page.length - 1].position;
        }
        expectStrictlyIncreasing(paged.map((e) => e.position));
        const mine = paged.filter(ours);
        expect(mine.map((e) => e.data)).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ n })));
        expect(mine[mine.length - 1].position).toBe(last.position);

        const onlyA = await store.readAll({ after: start, maxCount: 100, eventTypes: [typeA] });
        expect(onlyA).toEqual(mine.filter((e) => e.type === typeA));
        const pagedA: RecordedEvent[] = [];
        for (let page = await store.readAll({ after: start, maxCount: 1, eventTypes: [typeA] }); page.length;) {
          pagedA.push(...page);
          page = await store.readAll({ after: page[0].position, maxCount: 1, eventTypes: [typeA] });
        }
        expect(pagedA).toEqual(onlyA);
        expect(await store.readAll({ after: start, maxCount: 100, eventTypes: [typeA, typeB] })).toEqual(mine);
        expect(await store.readAll({ after: start, maxCount: 2, eventTypes: [typeB, typeA] })).toEqual(mine.slice(0, 2));
      });

      it('hands out strictly increasing positions across streams, in append order', async () => {
        const type = uniqueType('ConfOrder');
        const streams = [unique('conf-order-a'), unique('conf-order-b'), unique('conf-order-c')];
        const start = await store.headPosition();
        const results = [];
        for (let i = 0; i < 9; i++) results.push(await store.append(streams[i % 3], [newEvent(type, { i }), newEvent(type, { i })], 'any'));
        expectStrictlyIncreasing(results.map((r) => r.position));
        const all = await store.readAll({ after: start, maxCount: 100, eventTypes: [type] });
        expect(all).toHaveLength(18);
        expectStrictlyIncreasing(all.map((e) => e.position));
        expect(all.filter((_, i) => i % 2 === 1).map((e) => e.position)).toEqual(results.map((r) => r.position));
      });

      it('headPosition covers the last append and nothing of ours lies after it', async () => {
        const stream = unique('conf-head');
        const first = await store.append(stream, [newEvent('ConfA')], 'no_stream');
        const head = await store.headPosition();
        expect(head).toBeGreaterThanOrEqual(first.position);
        expect((await store.readAll({ after: head, maxCount: 1000 })).filter((e) => e.stream === stream)).toEqual([]);
        const second = await store.append(stream, [newEvent('ConfA')], 0);
        expect(second.position).toBeGreaterThan(head);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(second.position);
      });
    });

    describe('positions that are none of the store', () => {
      const refused = async (attempt: Promise<unknown>, position: number) => {
        await expect(attempt).rejects.toBeInstanceOf(InvalidPositionError);
        await expect(attempt).rejects.toMatchObject({ position, retriable: false });
      };
      const subscribing = async (store: EventStore, after: number) => {
        for await (const _ of store.subscribeToAll({ after, signal: new AbortController().signal })) return;
      };

      it('refuses an `after` between two events, past the head, negative or fractional, in readAll and subscribeToAll', async () => {
        const stream = unique('conf-between');
        await store.append(stream, [newEvent('ConfA', { n: 0 }), newEvent('ConfA', { n: 1 })], 'no_stream');
        const [first, second] = await store.readStream(stream);
        // KurrentDB's positions are byte offsets, SQLite's are consecutive: what lies between them depends on the store.
        const between = [first.position + 1, Math.floor((first.position + second.position) / 2), second.position - 1];
        const head = await store.headPosition();
        const invalid = [...new Set([...between.filter((p) => p > first.position && p < second.position), head + 1, -1, first.position + 0.5])];
        for (const position of invalid) {
          await refused(store.readAll({ after: position, maxCount: 10 }), position);
          await refused(store.readAll({ after: position, maxCount: 10, eventTypes: ['ConfA'] }), position);
          await refused(subscribing(store, position), position);
        }
        // A store that never handed the positions out still takes them.
        const fresh = await openStore();
        expect((await fresh.readAll({ after: first.position, maxCount: 1 })).map((e) => e.eventId)).toEqual([second.eventId]);
        expect(await fresh.readAll({ after: second.position, maxCount: 10, eventTypes: [uniqueType('ConfNone')] })).toEqual([]);
        await refused(fresh.readAll({ after: head + 1, maxCount: 1 }), head + 1);
      });

      it('takes 0, the head and the position of every event of any type as `after`', async () => {
        const stream = unique('conf-valid');
        const [typeA, typeB] = [uniqueType('ConfValidA'), uniqueType('ConfValidB')];
        await store.append(stream, [newEvent(typeA), newEvent(typeB), newEvent(typeA)], 'no_stream');
        const events = await store.readStream(stream);
        const fresh = await openStore();
        for (const event of events) {
          const [next] = await fresh.readAll({ after: event.position, maxCount: 1, eventTypes: [typeA, typeB] });
          expect(next?.eventId).toBe(events[event.revision + 1]?.eventId);
        }
        expect((await fresh.readAll({ after: 0, maxCount: 1 })).length).toBe(1);
        expect(await fresh.readAll({ after: await fresh.headPosition(), maxCount: 10, eventTypes: [typeA, typeB] })).toEqual([]);
      });
    });

    describe('waitForAppend', () => {
      /** Fails a wait that does not end within `ms` (far below the timeouts the waits are given). */
      const within = (wait: Promise<void>, ms: number, what: string) =>
        Promise.race([wait, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms).unref())]);

      it("answers at once when an event lies after the position, wakes on this store's append, else ends at its timeout or abort", async () => {
        const stream = unique('conf-wait');
        const before = await store.headPosition();
        await store.append(stream, [newEvent('ConfA', { n: 0 })], 'no_stream');
        const never = new AbortController().signal;
        await within(store.waitForAppend(before, 60_000, never), 5_000, 'an event already after the position');

        const head = await store.headPosition();
        const woken = store.waitForAppend(head, 60_000, never);
        await store.append(stream, [newEvent('ConfA', { n: 1 })], 0);
        await within(woken, 5_000, 'the append');

        const now = await store.headPosition();
        await within(store.waitForAppend(now, 50, never), 5_000, 'the timeout');
        const abort = new AbortController();
        const aborted = store.waitForAppend(now, 60_000, abort.signal);
        abort.abort();
        await within(aborted, 5_000, 'the abort');
      });
    });

    describe('subscribeToAll', () => {
      it('catches up from a position, then delivers live appends of any writer in order', async () => {
        const type = uniqueType('ConfSub');
        const stream = unique('conf-sub');
        const start = await store.headPosition();
        await store.append(
          stream,
          [0, 1, 2].map((n) => newEvent(type, { n })),
          'no_stream',
        );
        const filtered = collect(store, { after: start, eventTypes: [type] });
        const unfiltered = collect(store, { after: start });
        await until(() => filtered.received.length === 3, 'the catch-up');
        await store.append(stream, [newEvent(type, { n: 3 })], 2);
        const other = await openStore();
        await other.append(stream, [newEvent(type, { n: 4 })], 3);
        await until(() => filtered.received.length === 5, 'the live events');
        await until(() => unfiltered.received.filter((e) => e.stream === stream).length === 5, 'the unfiltered subscription');
        await filtered.stop();
        await unfiltered.stop();
        const expected = await store.readStream(stream);
        expect(filtered.received).toEqual(expected);
        expect(unfiltered.received.filter((e) => e.stream === stream)).toEqual(expected);
        expect(unfiltered.received.filter((e) => e.type.startsWith('$') || e.stream.startsWith('$'))).toEqual([]);
        expectStrictlyIncreasing(unfiltered.received.map((e) => e.position));
      });

      it('starts after `after`, and an abort ends an idle subscription promptly', async () => {
        const type = uniqueType('ConfAbort');
        const stream = unique('conf-abort');
        const { position } = await store.append(stream, [newEvent(type, { n: 0 }), newEvent(type, { n: 1 })], 'no_stream');
        const [first] = await store.readStream(stream);
        const subscription = collect(store, { after: first.position, eventTypes: [type] });
        await until(() => subscription.received.length === 1, 'the event after `after`');
        await new Promise((resolve) => setTimeout(resolve, 100));
        const stopping = Date.now();
        await subscription.stop();
        expect(Date.now() - stopping).toBeLessThan(1000);
        expect(subscription.received.map((e) => e.position)).toEqual([position]);
      });

      it('keeps global order while several writers append concurrently', async () => {
        const type = uniqueType('ConfConcurrent');
        const shared = unique('conf-shared');
        const start = await store.headPosition();
        const subscription = collect(store, { after: start, eventTypes: [type] });
        const writers = await Promise.all([openStore(), openStore(), openStore()]);
        const rounds = 15;
        await Promise.all(
          writers.map(async (writer, w) => {
            const own = unique(`conf-writer-${w}`);
            for (let round = 0; round < rounds; round++) {
              const batch = [newEvent(type, { w, round, k: 0 }), newEvent(type, { w, round, k: 1 })];
              await writer.append(own, batch, round === 0 ? 'no_stream' : round * 2 - 1);
              for (;;) {
                const history = await writer.readStream(shared);
                const expected = history.length ? history[history.length - 1].revision : 'no_stream';
                try {
                  await writer.append(shared, [newEvent(type, { w, round })], expected);
                  break;
                } catch (error) {
                  if (!(error instanceof WrongExpectedRevisionError)) throw error;
                }
              }
            }
          }),
        );
        const total = writers.length * rounds * 3;
        await until(() => subscription.received.length === total, `${total} events`);
        await subscription.stop();
        const { received } = subscription;
        expectStrictlyIncreasing(received.map((e) => e.position));
        expectContiguousRevisions(received);
        expect(received.filter((e) => e.stream === shared)).toHaveLength(writers.length * rounds);
        expect(new Set(received.map((e) => e.eventId)).size).toBe(total);
        expect(await store.readAll({ after: start, maxCount: total + 1, eventTypes: [type] })).toEqual(received);
      });
    });
  });
}
