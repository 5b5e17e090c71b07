import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore, type EventStore } from '@batchyard/event-store';
import { Checkpoints, Leases, projectionCheckpoint } from '@batchyard/projections';
import { BatchesProjection } from '@batchyard/read-models';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { projectionStatuses, STALLED_AFTER_MS } from './projections';

/** The status `ops projections list` shows is derived from the stores alone; each rule, from fabricated states. */
describe('projection statuses', () => {
  let dir: string;
  let events: EventStore;
  let readStore: ReadStore;
  const name = projectionCheckpoint(BatchesProjection);
  const batches = async () => (await projectionStatuses(events, readStore)).find((s) => s.name === 'batches')!;
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'statuses-'));
    events = await openEventStore({ dataDir: dir });
    readStore = await openReadStore({ dataDir: dir });
    const event = (occurredAt: string) => ({ eventId: randomUUID(), type: 'BatchCreated', version: 1, tenant: 't', correlationId: 'c', causationId: 'c', occurredAt, data: {} });
    await events.append('batch-t.a', [event(ago(2 * STALLED_AFTER_MS)), event(ago(2 * STALLED_AFTER_MS))], 'no_stream');
  });
  afterEach(async () => {
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = async (position: number, updatedAt: string, state: { parked?: number; stalledSince?: string } = {}) => {
    await readStore.physical('_checkpoints').bulkWrite([{ kind: 'put', id: name, doc: { position, updatedAt, ...state } }]);
  };

  it('is stopped without a lease holder, whatever else holds', async () => {
    await at(0, ago(2 * STALLED_AFTER_MS), { parked: 3, stalledSince: ago(1000) });
    expect(await batches()).toMatchObject({ status: 'stopped', parked: 3, lag: 2 });
  });

  it('is running, degraded with parked events, and stalled when it says so or stands still behind the head', async () => {
    await new Leases(readStore).tryAcquire(name, 'someone', 60_000);
    await at(2, new Date().toISOString());
    expect(await batches()).toMatchObject({ status: 'running', parked: 0, lag: 0 });
    await new Checkpoints(readStore).setState(name, { parked: 2 });
    expect(await batches()).toMatchObject({ status: 'degraded', parked: 2 });
    await new Checkpoints(readStore).setState(name, { stalledSince: ago(1000) });
    expect(await batches()).toMatchObject({ status: 'stalled', parked: 2 });

    // Behind the head: running while it moved lately, stalled once neither it nor the event it waits at moved for a while.
    await at(1, ago(1000));
    expect((await batches()).status).toBe('running');
    await at(1, ago(2 * STALLED_AFTER_MS));
    expect(await batches()).toMatchObject({ status: 'stalled', lag: 1 });
    await at(2, ago(2 * STALLED_AFTER_MS));
    expect(await batches()).toMatchObject({ status: 'running', lag: 0 });
  });

  it('is stalled, and still listed, at a checkpoint that is no position of the store', async () => {
    await new Leases(readStore).tryAcquire(name, 'someone', 60_000);
    // SQLite's positions are consecutive; KurrentDB's are byte offsets, with numbers between them that are none.
    await at(1.5, ago(2 * STALLED_AFTER_MS));
    expect(await batches()).toMatchObject({ status: 'stalled', checkpoint: 1.5 });
  });
});
