import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddShortDomain,
  CreateBatch,
  CreateTenant,
  CreateUnit,
  DeleteBatch,
  DeleteUnit,
  RemoveShortDomain,
  SHARED_RESERVATIONS,
  StreamCategory,
  UpdateBatch,
  UpdateUnit,
  claimId,
  streamName,
  type CommandEnvelope,
} from '@batchyard/contracts';
import { CommandOutcomes } from '@batchyard/command-bus';
import { SqliteEventStore, type EventStore } from '@batchyard/event-store';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { CommandHandler } from '../command-handling/command-handler';
import { commandsTo } from '../command-handling/testing';
import { commandRoutes } from '../command-routes';

const TENANT = 'acme';
const createBatch = (batchId: string, number: string | undefined, commandId = `create-${batchId}`) =>
  commandsTo(batchId, undefined, TENANT)(
    CreateBatch,
    { name: 'B', batchId, uuid: '00000000-0000-4000-8000-00000000000' + batchId.slice(-1), ...(number && { identifiers: { number } }) },
    commandId,
  );
const renameBatch = (batchId: string, number: string | undefined, commandId: string) =>
  commandsTo(batchId, undefined, TENANT)(UpdateBatch, { batchId, changes: { identifiers: number ? { number } : {} } }, commandId);
const deleteBatch = (batchId: string, commandId: string) => commandsTo(batchId, undefined, TENANT)(DeleteBatch, { batchId }, commandId);
const unitId = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const createUnit = (n: number, serialNumber: string) =>
  commandsTo(unitId(n), undefined, TENANT)(CreateUnit, { unitId: unitId(n), thngId: `t${n}`, serialNumber, partNumber: 'P', revisionNumber: 'A' }, `create-unit-${n}`);

describe('a write that reserves a unique value (CommandHandler with the routes)', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readStore: ReadStore;
  const handler = (store: EventStore = events) => new CommandHandler(store, new CommandOutcomes(readStore), commandRoutes);
  /** Who holds the value now, from its claim stream. */
  const holder = async (kind: 'batch-number' | 'serial-number' | 'short-domain', value: string) => {
    let owner: string | undefined;
    const tenant = kind === 'short-domain' ? SHARED_RESERVATIONS : TENANT;
    for (const e of await events.readStream(streamName(StreamCategory.reservation, tenant, claimId(kind, value)))) {
      owner = e.type === 'UniqueValueClaimed' ? (e.data as { ownerId: string }).ownerId : undefined;
    }
    return owner;
  };
  const batchEvents = async (batchId: string) => (await events.readStream(streamName(StreamCategory.batch, TENANT, batchId))).map((e) => e.type);
  /** The store of a process that dies at its first append to a stream starting with `prefix`: nothing of that append is stored. */
  const crashingAt = (prefix: string): EventStore =>
    Object.create(events, {
      append: {
        value: async (stream: string, ...rest: unknown[]) => {
          if (stream.startsWith(prefix)) throw new Error('the process died');
          return (events.append as (...a: unknown[]) => unknown)(stream, ...rest);
        },
      },
    });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reserve-and-write-'));
    events = new SqliteEventStore(join(dir, 'events.sqlite'));
    readStore = await openReadStore({ dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('claims a batch number with the create; a second batch with it (in any case) is refused and nothing of it written', async () => {
    const h = handler();
    expect(await h.handle(createBatch('b1', 'LOT-1'))).toMatchObject({ status: 'accepted' });
    expect(await holder('batch-number', 'lot-1')).toBe('b1');
    expect(await h.handle(createBatch('b2', 'lot-1'))).toEqual({
      commandId: 'create-b2',
      status: 'rejected',
      error: { code: 'conflict', message: 'Batch number lot-1 already exists' },
    });
    expect(await batchEvents('b2')).toEqual([]);
    expect(await h.handle(createBatch('b3', undefined))).toMatchObject({ status: 'accepted' }); // no number, nothing to claim
  });

  it('a rename claims the new number and frees the old one; a change of case keeps the claim; a delete frees the number', async () => {
    const h = handler();
    await h.handle(createBatch('b1', 'LOT-1'));
    expect(await h.handle(renameBatch('b1', 'LOT-2', 'rename'))).toMatchObject({ status: 'accepted' });
    expect([await holder('batch-number', 'lot-1'), await holder('batch-number', 'lot-2')]).toEqual([undefined, 'b1']);
    expect(await h.handle(renameBatch('b1', 'lot-2', 'recase'))).toMatchObject({ status: 'accepted' });
    expect(await holder('batch-number', 'lot-2')).toBe('b1');
    expect(await h.handle(createBatch('b2', 'LOT-1'))).toMatchObject({ status: 'accepted' });
    // Renaming onto a taken number is refused and changes nothing.
    expect(await h.handle(renameBatch('b1', 'LOT-1', 'clash'))).toMatchObject({ status: 'rejected', error: { code: 'conflict' } });
    expect([await holder('batch-number', 'lot-1'), await holder('batch-number', 'lot-2')]).toEqual(['b2', 'b1']);
    // Identifiers without a number give it up.
    expect(await h.handle(renameBatch('b2', undefined, 'unnumber'))).toMatchObject({ status: 'accepted' });
    expect(await holder('batch-number', 'lot-1')).toBeUndefined();
    expect(await h.handle(deleteBatch('b1', 'delete'))).toMatchObject({ status: 'accepted' });
    expect(await holder('batch-number', 'lot-2')).toBeUndefined();
  });

  it('a rejected write gives back the number it claimed', async () => {
    const h = handler();
    await h.handle(createBatch('b1', 'LOT-1'));
    // The same batch id again (its own number held, a new one claimed): refused, and the new number is free again.
    expect(await h.handle(createBatch('b1', 'LOT-9', 'again'))).toMatchObject({ status: 'rejected', error: { message: 'batch b1 already exists' } });
    expect(await holder('batch-number', 'lot-9')).toBeUndefined();
    expect(await holder('batch-number', 'lot-1')).toBe('b1');
    await h.handle(deleteBatch('b1', 'delete'));
    expect(await h.handle(renameBatch('b1', 'LOT-9', 'rename-deleted'))).toMatchObject({ status: 'rejected', error: { code: 'not_found' } });
    expect(await holder('batch-number', 'lot-9')).toBeUndefined();
    expect(await h.handle(createBatch('b2', 'LOT-9'))).toMatchObject({ status: 'accepted' });
  });

  it('a command redelivered after a crash between its claim and its write writes the batch, once', async () => {
    const command = createBatch('b1', 'LOT-1');
    await expect(handler(crashingAt('batch-')).handle(command)).rejects.toThrow('the process died');
    expect(await holder('batch-number', 'lot-1')).toBe('b1'); // held, by a batch not written yet
    expect(await batchEvents('b1')).toEqual([]);
    expect(await handler().handle(command)).toMatchObject({ status: 'accepted' });
    expect(await batchEvents('b1')).toEqual(['BatchCreated']);
    expect(await events.readStream(streamName(StreamCategory.reservation, TENANT, claimId('batch-number', 'lot-1')))).toHaveLength(1);
  });

  it('a command redelivered after a crash between its write and a release frees the old number', async () => {
    await handler().handle(createBatch('b1', 'LOT-1'));
    const rename = renameBatch('b1', 'LOT-2', 'rename');
    // Dies at the release of LOT-1, after the claim of LOT-2 and the rename were appended.
    await expect(handler(crashingAt(streamName(StreamCategory.reservation, TENANT, claimId('batch-number', 'lot-1')))).handle(rename)).rejects.toThrow('the process died');
    expect(await batchEvents('b1')).toEqual(['BatchCreated', 'BatchUpdated']);
    expect(await holder('batch-number', 'lot-1')).toBe('b1');
    expect(await handler().handle(rename)).toMatchObject({ status: 'accepted' });
    expect([await holder('batch-number', 'lot-1'), await holder('batch-number', 'lot-2')]).toEqual([undefined, 'b1']);
    expect(await batchEvents('b1')).toEqual(['BatchCreated', 'BatchUpdated']);
  });

  it('refuses a command its own decider refuses before it takes anything: no claim is written to give back', async () => {
    await handler().handle(createBatch('b1', 'LOT-1'));
    const before = (await events.readAll({ after: 0, maxCount: 10_000 })).length;
    expect(await handler().handle(createBatch('b1', 'LOT-9', 'again'))).toMatchObject({ status: 'rejected', error: { code: 'conflict' } });
    expect((await events.readAll({ after: 0, maxCount: 10_000 })).length).toBe(before);
    expect(await holder('batch-number', 'lot-9')).toBeUndefined();
  });

  it('a command whose claim was written before a crash, refused when delivered again, gives the number back', async () => {
    const again = createBatch('b2', 'LOT-9', 'again');
    // Dies at the batch's own append: the claim is written, the batch is not.
    await expect(handler(crashingAt(streamName(StreamCategory.batch, TENANT, 'b2'))).handle(again)).rejects.toThrow('the process died');
    expect(await holder('batch-number', 'lot-9')).toBe('b2');
    // Meanwhile another request created b2, without a number.
    expect(await handler().handle(createBatch('b2', undefined, 'other'))).toMatchObject({ status: 'accepted' });
    expect(await handler().handle(again)).toMatchObject({ status: 'rejected', error: { code: 'conflict' } });
    expect(await holder('batch-number', 'lot-9')).toBeUndefined();
  });

  it('units: the serial number is claimed with the create, moved by a rename, freed by a delete', async () => {
    const h = handler();
    expect(await h.handle(createUnit(1, 'SN-1'))).toMatchObject({ status: 'accepted' });
    expect(await h.handle(createUnit(2, 'sn-1'))).toMatchObject({ status: 'rejected', error: { code: 'conflict', message: 'Unit with serial number sn-1 already exists' } });
    const to = commandsTo(unitId(1), undefined, TENANT);
    const update = (changes: object, commandId: string): CommandEnvelope => to(UpdateUnit, { unitId: unitId(1), changes }, commandId);
    expect(await h.handle(update({ partNumber: 'Q' }, 'part'))).toMatchObject({ status: 'accepted' });
    expect(await holder('serial-number', 'sn-1')).toBe(unitId(1));
    expect(await h.handle(update({ serialNumber: 'SN-2' }, 'serial'))).toMatchObject({ status: 'accepted' });
    expect([await holder('serial-number', 'sn-1'), await holder('serial-number', 'sn-2')]).toEqual([undefined, unitId(1)]);
    expect(await h.handle(to(DeleteUnit, { unitId: unitId(1) }, 'delete'))).toMatchObject({ status: 'accepted' });
    expect(await holder('serial-number', 'sn-2')).toBeUndefined();
    expect(await h.handle(createUnit(3, 'sn-2'))).toMatchObject({ status: 'accepted' });
  });

  it('short domains: unique across tenants, given back when the tenant does not exist, freed when removed', async () => {
    const h = handler();
    const to = (tenant: string) => commandsTo(tenant, undefined, tenant);
    await h.handle(to('acme')(CreateTenant, { name: 'Acme' }, 'acme'));
    await h.handle(to('globex')(CreateTenant, { name: 'Globex' }, 'globex'));
    expect(await h.handle(to('nobody')(AddShortDomain, { domain: 'acme.link' }, 'nobody-add'))).toMatchObject({ status: 'rejected', error: { code: 'not_found' } });
    expect(await holder('short-domain', 'acme.link')).toBeUndefined();
    expect(await h.handle(to('acme')(AddShortDomain, { domain: 'acme.link' }, 'acme-add'))).toMatchObject({ status: 'accepted' });
    expect(await h.handle(to('globex')(AddShortDomain, { domain: 'acme.link' }, 'globex-add'))).toMatchObject({
      status: 'rejected',
      error: { code: 'conflict', message: 'short domain acme.link belongs to another tenant' },
    });
    expect(await h.handle(to('acme')(RemoveShortDomain, { domain: 'acme.link' }, 'acme-remove'))).toMatchObject({ status: 'accepted' });
    expect(await holder('short-domain', 'acme.link')).toBeUndefined();
    expect(await h.handle(to('globex')(AddShortDomain, { domain: 'acme.link' }, 'globex-add-2'))).toMatchObject({ status: 'accepted' });
    expect(await holder('short-domain', 'acme.link')).toBe('globex');
  });
});
