import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBus } from '../embedded/embedded-bus';
import { eventually, uniqueName } from '../testing/message-bus-conformance';
import { backoffDelay } from './backoff';
import { consumeReliably } from './consume-reliably';
import type { DeadLetter } from './dead-letters';

const dir = mkdtempSync(join(tmpdir(), 'batchyard-reliable-'));
let bus: EmbeddedBus;
beforeEach(() => {
  bus = new EmbeddedBus(join(dir, `${uniqueName('bus')}.sqlite`));
});
afterEach(() => bus.close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backoffDelay', () => {
  it('doubles from the base with jitter between half and all of it, up to the cap', () => {
    for (let i = 0; i < 100; i++) {
      const first = backoffDelay(1, { baseMs: 100, maxMs: 1000 });
      const third = backoffDelay(3, { baseMs: 100, maxMs: 1000 });
      const tenth = backoffDelay(10, { baseMs: 100, maxMs: 1000 });
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      expect(third).toBeGreaterThanOrEqual(200);
      expect(third).toBeLessThanOrEqual(400);
      expect(tenth).toBeGreaterThanOrEqual(500);
      expect(tenth).toBeLessThanOrEqual(1000);
    }
  });
});

describe('consumeReliably', () => {
  it('stops during a backoff without committing, so the message comes again', async () => {
    const topic = uniqueName('stopped');
    const groupId = uniqueName('g');
    const sink: DeadLetter[] = [];
    await bus.publish([{ topic, key: 'k', value: 'flaky' }]);
    let attempts = 0;
    const first = await consumeReliably(bus, {
      groupId,
      topics: [topic],
      backoff: { baseMs: 60_000 },
      deadLetters: { record: async (entry) => void sink.push(entry) },
      handler: async () => {
        attempts++;
        throw new Error('not yet');
      },
    });
    await eventually(() => attempts === 1, 'the first attempt');
    const stopping = Date.now();
    await first.stop();
    expect(Date.now() - stopping).toBeLessThan(1000);

    const handled: string[] = [];
    const second = await consumeReliably(bus, {
      groupId,
      topics: [topic],
      deadLetters: { record: async (entry) => void sink.push(entry) },
      handler: async (m) => void handled.push(m.value),
    });
    await eventually(() => handled.length === 1, 'the message again');
    await second.stop();
    expect(sink).toEqual([]);
  });

  it('keeps a message whose dead-lettering failed, and dead-letters it on its next delivery', async () => {
    const topic = uniqueName('sink-down');
    const sink: DeadLetter[] = [];
    let sinkFailures = 0;
    const handled: string[] = [];
    const consumption = await consumeReliably(bus, {
      groupId: uniqueName('g'),
      topics: [topic],
      retries: 0,
      deadLetters: {
        record: async (entry) => {
          if (sinkFailures++ === 0) throw new Error('sink down');
          sink.push(entry);
        },
      },
      handler: async (m) => {
        if (m.value === 'poison') throw new Error('poison');
        handled.push(m.value);
      },
    });
    await bus.publish([
      { topic, key: 'k', value: 'poison' },
      { topic, key: 'k', value: 'next' },
    ]);
    await eventually(() => handled.length === 1, 'the next message');
    await consumption.stop();
    expect(sinkFailures).toBe(2);
    expect(sink.map((entry) => [entry.value, entry.attempts])).toEqual([['poison', 1]]);
  });
});
