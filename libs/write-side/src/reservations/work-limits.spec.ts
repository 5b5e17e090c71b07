import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFile,
  DeleteFile,
  QueueBulkJob,
  QueueTask,
  RecordFileUpload,
  RequestBulkJob,
  ReserveBulkJobPayload,
  ReturnQuota,
  StreamCategory,
  bulkLockId,
  quotaId,
  streamName,
  type BulkAction,
  type CommandData,
  type QuotaKind,
} from '@batchyard/contracts';
import { CommandOutcomes } from '@batchyard/command-bus';
import { SqliteEventStore, type EventStore } from '@batchyard/event-store';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { CommandHandler } from '../command-handling/command-handler';
import { foldEvents } from '../command-handling/decider';
import { commandsTo } from '../command-handling/testing';
import { commandRoutes } from '../command-routes';
import { bulkLockDecider } from './bulk-lock.decider';
import { quotaDecider } from './quota.decider';
import type { QuotaLimits } from './reservations';

const TENANT = 'acme';
const LIMITS: QuotaLimits = { tasks: 1, 'bulk-jobs': 2, 'stored-bytes': 100 };
const HOUR = new Date(3_600_000).toISOString();

const task = (taskId: string): CommandData<typeof QueueTask> => ({
  taskId,
  batchId: 'b1',
  type: 'POPULATING',
  inputParameters: { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'x' }, quantity: 10 },
});
const job = (jobId: string, action: BulkAction) => ({
  jobId,
  resource: 'contact' as const,
  action,
  mode: 'async' as const,
  via: 'api' as const,
  duplicateHandling: 'ignore_all' as const,
  properties: {},
  saveUpload: false,
  saveResult: false,
});
const upload = (size: number) => ({ hash: 'a'.repeat(64), size, format: 'json' as const, rows: 1 });
const to = (aggregateId: string) => commandsTo(aggregateId, undefined, TENANT);

/**
 * The places, bytes and locks a tenant's work takes are reserved by the write side, as part of the command that
 * creates or queues the work (docs/operations.md, "Limits"): a refused command writes nothing of itself and gives back
 * what it took, and one cut short by a crash finishes when it is delivered again.
 */
describe('tenant limits and bulk-job locks, reserved by the command handler', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readStore: ReadStore;
  const handler = (store: EventStore = events) => new CommandHandler(store, new CommandOutcomes(readStore), commandRoutes, { limits: LIMITS });
  const quota = async (kind: QuotaKind) => foldEvents(quotaDecider, await events.readStream(streamName(StreamCategory.reservation, TENANT, quotaId(kind))));
  const lock = async () => foldEvents(bulkLockDecider, await events.readStream(streamName(StreamCategory.reservation, TENANT, bulkLockId('contact')))).holder;
  const streamOf = async (category: StreamCategory, id: string) => (await events.readStream(streamName(category, TENANT, id))).map((e) => e.type);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'work-limits-'));
    events = new SqliteEventStore(join(dir, 'events.sqlite'));
    readStore = await openReadStore({ dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a task takes one of its tenant places as it is queued; past the limit it is refused, written nowhere, until one is given back', async () => {
    const h = handler();
    expect(await h.handle(to('t1')(QueueTask, task('t1'), 'q1'))).toMatchObject({ status: 'accepted' });
    expect(await h.handle(to('t2')(QueueTask, task('t2'), 'q2'))).toMatchObject({
      status: 'rejected',
      error: { code: 'limited', message: 'This account already has 1 tasks queued or running, its limit; retry when one has ended' },
    });
    expect(await streamOf(StreamCategory.task, 't2')).toEqual([]);
    expect((await quota('tasks')).holders).toEqual(new Map([['t1', 1]]));
    // The task worker gives the place back as t1 ends.
    await h.handle(to(quotaId('tasks'))(ReturnQuota, { kind: 'tasks', holder: 't1' }, 'end-t1'));
    expect(await h.handle(to('t2')(QueueTask, task('t2'), 'q2-again'))).toMatchObject({ status: 'accepted' });
  });

  it('a job created with its data takes its place, bytes and lock as it is requested; a refused one gives back what it took', async () => {
    const h = handler();
    const request = (id: string, action: BulkAction, bytes: number) => to(id)(RequestBulkJob, { ...job(id, action), expiresAt: HOUR, uploadBytes: bytes }, `request-${id}`);
    expect(await h.handle(request('batch_1', 'overwrite', 60))).toMatchObject({ status: 'accepted' });
    expect(await lock()).toMatchObject({ jobId: 'batch_1' });

    // Another overwrite of contacts: its place and bytes fit, the lock does not; both go back.
    expect(await h.handle(request('batch_2', 'overwrite', 10))).toMatchObject({ status: 'rejected', error: { code: 'conflict' } });
    // A merge needs no lock, but its bytes do not fit: refused as too large, not as a retry-later.
    expect(await h.handle(request('batch_3', 'merge', 50))).toMatchObject({
      status: 'rejected',
      error: { code: 'too_large', message: expect.stringMatching(/store 100 bytes of files and uploads; 60 are stored, and 50 more do not fit/) },
    });
    expect(await streamOf(StreamCategory.bulkjob, 'batch_2')).toEqual([]);
    expect(await streamOf(StreamCategory.bulkjob, 'batch_3')).toEqual([]);
    expect(await quota('bulk-jobs')).toMatchObject({ used: 1, holders: new Map([['batch_1', 1]]) });
    expect(await quota('stored-bytes')).toMatchObject({ used: 60 });

    // Queued with the stored payload, it takes nothing twice; the lock moves out to the job's deadline and a grace.
    const deadlineAt = new Date(7_200_000).toISOString();
    expect(await h.handle(to('batch_1')(QueueBulkJob, { upload: upload(60), deadlineAt }, 'queue-batch_1'))).toMatchObject({ status: 'accepted' });
    expect(await quota('bulk-jobs')).toMatchObject({ used: 1 });
    expect(await quota('stored-bytes')).toMatchObject({ used: 60 });
    expect((await lock())?.heldUntil).toBe(new Date(7_200_000 + 5 * 60_000).toISOString());
  });

  it('a job waiting for its upload holds its lock only; the upload takes its place and bytes before it is stored', async () => {
    const h = handler();
    expect(await h.handle(to('batch_1')(RequestBulkJob, { ...job('batch_1', 'delete'), expiresAt: HOUR }, 'request'))).toMatchObject({ status: 'accepted' });
    expect(await lock()).toMatchObject({ jobId: 'batch_1' });
    expect((await quota('bulk-jobs')).used).toBe(0);

    expect(await h.handle(to('batch_1')(ReserveBulkJobPayload, { bytes: 101 }, 'too-big'))).toMatchObject({ status: 'rejected', error: { code: 'too_large' } });
    // Refused bytes leave the request as it was: still requested, its lock still held.
    expect(await lock()).toMatchObject({ jobId: 'batch_1' });
    expect(await streamOf(StreamCategory.bulkjob, 'batch_1')).toEqual(['BulkJobRequested']);

    expect(await h.handle(to('batch_1')(ReserveBulkJobPayload, { bytes: 40 }, 'reserve'))).toMatchObject({ status: 'accepted' });
    expect(await streamOf(StreamCategory.bulkjob, 'batch_1')).toEqual(['BulkJobRequested']);
    expect(await quota('stored-bytes')).toMatchObject({ used: 40 });
    expect(await h.handle(to('batch_1')(QueueBulkJob, { upload: upload(40), deadlineAt: HOUR }, 'queue'))).toMatchObject({ status: 'accepted' });
    expect(await quota('bulk-jobs')).toMatchObject({ used: 1 });
    expect(await quota('stored-bytes')).toMatchObject({ used: 40 });
    // A second upload to a queued job reserves nothing and is refused.
    expect(await h.handle(to('batch_1')(ReserveBulkJobPayload, { bytes: 40 }, 'again'))).toMatchObject({ status: 'rejected', error: { code: 'conflict' } });
    expect(await quota('stored-bytes')).toMatchObject({ used: 40 });
  });

  it('a file holds its latest content’s bytes, and gives them back with its delete', async () => {
    const h = handler();
    await h.handle(to('f1')(CreateFile, { fileId: 'f1', name: 'a.csv', type: 'text/csv', privateAccess: true }, 'create'));
    expect(await h.handle(to('f1')(RecordFileUpload, { fileId: 'f1', hash: 'b'.repeat(64), size: 70 }, 'up1'))).toMatchObject({ status: 'accepted' });
    expect(await h.handle(to('f1')(RecordFileUpload, { fileId: 'f1', hash: 'c'.repeat(64), size: 101 }, 'up2'))).toMatchObject({
      status: 'rejected',
      error: { code: 'too_large' },
    });
    expect(await quota('stored-bytes')).toMatchObject({ used: 70 });
    expect(await h.handle(to('f1')(DeleteFile, { fileId: 'f1' }, 'delete'))).toMatchObject({ status: 'accepted' });
    expect(await quota('stored-bytes')).toMatchObject({ used: 0 });
  });

  it('a crash between the take and the write: delivered again, the command writes once and holds one share, never one held by nothing', async () => {
    const dying: EventStore = Object.create(events, {
      append: {
        value: async (stream: string, ...rest: unknown[]) => {
          if (stream.startsWith('task-')) throw new Error('the process died');
          return (events.append as (...a: unknown[]) => unknown)(stream, ...rest);
        },
      },
    });
    await expect(handler(dying).handle(to('t1')(QueueTask, task('t1'), 'q1'))).rejects.toThrow('the process died');
    expect((await quota('tasks')).holders).toEqual(new Map([['t1', 1]]));
    expect(await streamOf(StreamCategory.task, 't1')).toEqual([]);
    // The bus delivers it again to a batch service that runs.
    expect(await handler().handle(to('t1')(QueueTask, task('t1'), 'q1'))).toMatchObject({ status: 'accepted' });
    expect(await streamOf(StreamCategory.task, 't1')).toEqual(['TaskQueued']);
    expect(await quota('tasks')).toMatchObject({ used: 1, holders: new Map([['t1', 1]]) });
    expect((await events.readStream(streamName(StreamCategory.reservation, TENANT, quotaId('tasks')))).map((e) => e.type)).toEqual(['QuotaTaken']);
  });
});
