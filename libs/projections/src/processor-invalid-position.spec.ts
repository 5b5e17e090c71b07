import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { InvalidPositionError, openEventStore, type EventStore } from '@batchyard/event-store';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { CheckpointedProcessor } from './checkpointed-processor';
import { Checkpoints } from './checkpoints';
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

describe('a processor whose checkpoint is no position of the store', () => {
  let dir: string;
  let events: EventStore;
  let readStore: ReadStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processor-position-'));
    events = await openEventStore({ dataDir: dir });
    readStore = await openReadStore({ dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stalls at once without reading on from it, until an operator rewinds it', async () => {
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
});
