import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ResourceCreated, type NewEvent } from '@batchyard/contracts';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { ResourcesProjection, resourceDocId } from '@batchyard/read-models';
import { Infrastructure, loadConfig } from '@batchyard/runtime';
import { ProjectionsThread } from './projections-thread';

const created = (id: string): NewEvent => ({
  eventId: randomUUID(),
  type: ResourceCreated.type,
  version: ResourceCreated.version,
  tenant: 't1',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: new Date().toISOString(),
  data: { resource: 'contact', id, fields: { name: id } },
});

describe('the projections thread', () => {
  let dataDir: string;
  let infra: Infrastructure;
  let thread: ProjectionsThread | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'projections-thread-'));
    infra = new Infrastructure(loadConfig({ BATCHYARD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  });
  afterEach(async () => {
    await thread?.stop();
    await infra.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Appends a contact and waits, on this thread, for the resources projection (on the other) to show it. */
  async function projected(id: string, timeoutMs = 10_000): Promise<unknown> {
    const [events, readStore] = await Promise.all([infra.events(), infra.readStore()]);
    const { position } = await events.append(`resource-t1.${id}`, [created(id)], 'no_stream');
    await new Checkpoints(readStore).waitFor(projectionCheckpoint(ResourcesProjection), position, timeoutMs);
    return (await readStore.collection('resources').get(resourceDocId('t1', id)))?.data;
  }

  it('builds the read models off the main thread, and is started again when it dies', async () => {
    thread = await ProjectionsThread.start(infra.config, infra.logger);
    const first = thread.worker!;
    expect(await projected('contact_1')).toEqual({ name: 'contact_1' });

    await first.terminate();
    expect(await projected('contact_2')).toEqual({ name: 'contact_2' });
    expect(thread.worker).toBeDefined();
    expect(thread.worker).not.toBe(first);
  });

  it('stops: the thread ends and nothing is projected after', async () => {
    thread = await ProjectionsThread.start(infra.config, infra.logger);
    const worker = thread.worker!;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await thread.stop();
    await exited;
    thread = undefined;
    await expect(projected('contact_3', 1500)).rejects.toThrow(/did not reach/);
  });
});
