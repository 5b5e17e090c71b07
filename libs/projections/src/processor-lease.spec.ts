import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { InvalidPositionError, openEventStore, type EventStore } from '@batchyard/event-store';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { CheckpointedProcessor } from './checkpointed-processor';
import { Checkpoints } from './checkpoints';
import { Leases } from './leases';
import { ProcessorControls } from './processor-control';

const event = (n: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'Counted',
  version: 1,
  tenant: 't',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: new Date().toISOString(),
  data: { n },
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('checkpointed processor', () => {
  let dir: string;
  let events: EventStore;
  let readStore: ReadStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processor-'));
    events = await openEventStore({ dataDir: dir });
    readStore = await openReadStore({ dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const processor = (seen: RecordedEvent[], leaseTtlMs = 10_000) =>
    new CheckpointedProcessor(events, readStore, { name: 'counter', leaseTtlMs, handle: async (page) => void seen.push(...page) });

  it('resumes from its checkpoint after a restart: nothing handled twice, nothing missed', async () => {
    await events.append('s-1', [event(1), event(2)], 'no_stream');
    const first: RecordedEvent[] = [];
    const a = processor(first);
    a.start();
    await until(() => first.length === 2);
    await a.stop();

    await events.append('s-1', [event(3)], 1);
    const second: RecordedEvent[] = [];
    const b = processor(second);
    b.start();
    await until(() => second.length === 1);
    // A pause on purpose: the new holder must not apply anything before its lease's position within it.
    await new Promise((r) => setTimeout(r, 100));
    await b.stop();
    expect(second.map((e) => (e.data as { n: number }).n)).toEqual([3]);
  });

  it('lets one instance of a name work at a time, and another take over when the holder dies', async () => {
    const seenA: RecordedEvent[] = [];
    const seenB: RecordedEvent[] = [];
    const a = processor(seenA, 600);
    const b = processor(seenB, 600);
    a.start();
    const leases = new Leases(readStore);
    let holder: string | undefined;
    await until(() => (void leases.holder('counter').then((l) => (holder = l?.owner)), holder === a.owner));
    await events.append('s-2', [event(1)], 'no_stream');
    await until(() => seenA.length === 1);
    b.start();
    await events.append('s-2', [event(2)], 0);
    await until(() => seenA.length === 2);
    expect(seenB).toHaveLength(0);

    // The holder stops renewing (as a crashed process would) without releasing: b waits out the lease.
    (a as unknown as { abort: AbortController }).abort.abort();
    await events.append('s-2', [event(3)], 1);
    await until(() => seenB.length === 1);
    expect((seenB[0].data as { n: number }).n).toBe(3);
    await b.stop();
  });

  it('stalls at once on a checkpoint that is no position of the store, reads nothing more, and goes on once rewound', async () => {
    await events.append('s-1', [event(1), event(2), event(3)], 'no_stream');
    const checkpoints = new Checkpoints(readStore);
    const controls = new ProcessorControls(readStore);
    // A checkpoint kept from an event store that was since recreated (smaller).
    await checkpoints.save('counter', 1000);
    await controls.signalParkedRequest('counter');
    let reads = 0;
    const counting: EventStore = {
      append: (...args) => events.append(...args),
      readStream: (...args) => events.readStream(...args),
      readAll: (options) => {
        reads++;
        return events.readAll(options);
      },
      subscribeToAll: (options) => events.subscribeToAll(options),
      headPosition: () => events.headPosition(),
      waitForAppend: (...args) => events.waitForAppend(...args),
      close: async () => undefined,
    };
    const seen: RecordedEvent[] = [];
    const errors: unknown[] = [];
    let controlPolls = 0;
    const processor = new CheckpointedProcessor(counting, readStore, {
      name: 'counter',
      handle: async (page) => void seen.push(...page),
      onError: (error) => errors.push(error),
      onControl: async () => void controlPolls++,
    });
    processor.start();
    try {
      await until(async () => (await checkpoints.doc('counter')).stalledSince !== undefined);
      const polled = controlPolls;
      await until(() => controlPolls >= polled + 3);
      expect(reads).toBe(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(InvalidPositionError);
      expect(errors[0]).toMatchObject({ position: 1000 });

      await controls.requestRewind('counter', 0);
      await until(() => seen.length === 3);
      await until(async () => (await checkpoints.doc('counter')).stalledSince === undefined);
      expect(seen.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    } finally {
      await processor.stop();
    }
  });

  it('keeps its lease while a page takes longer than the lease: no other instance takes over mid-page', async () => {
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => (finish = resolve));
    let handling = false;
    const seenA: RecordedEvent[] = [];
    const seenB: RecordedEvent[] = [];
    const a = new CheckpointedProcessor(events, readStore, {
      name: 'counter',
      leaseTtlMs: 600,
      handle: async (page) => {
        handling = true;
        await slow;
        seenA.push(...page);
      },
    });
    const b = processor(seenB, 600);
    const leases = new Leases(readStore);
    a.start();
    let holder: string | undefined;
    await until(() => (void leases.holder('counter').then((l) => (holder = l?.owner)), holder === a.owner));
    b.start();
    try {
      await events.append('s-3', [event(1)], 'no_stream');
      await until(() => handling);

      // The page outlasts several lease periods, each renewal a new expiry.
      const expiries = new Set<number>();
      const holders = new Set<string>();
      await until(() => {
        void leases.holder('counter').then((l) => l && (expiries.add(l.expiresAt), holders.add(l.owner)));
        return expiries.size >= 5;
      });
      finish();
      await until(() => seenA.length === 1);
      expect(holders).toEqual(new Set([a.owner]));
      expect(seenB).toHaveLength(0);
    } finally {
      finish();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
