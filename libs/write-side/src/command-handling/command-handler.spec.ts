import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateApiKey, CreateTenant, streamName, StreamCategory, type CommandData, type CommandDefinition } from '@batchyard/contracts';
import { CommandOutcomes } from '@batchyard/command-bus';
import { SqliteEventStore } from '@batchyard/event-store';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { tenantDecider } from '../tenants/tenant.decider';
import { CommandHandler } from './command-handler';
import { commandsTo } from './testing';

const routes = [CreateTenant, CreateApiKey].map((definition) => ({ definition, decider: tenantDecider }));
const stream = streamName(StreamCategory.tenant, 'acme', 'acme');
const to = commandsTo('acme');
const command = <D extends CommandDefinition>(commandId: string, definition: D, data: CommandData<D>) => to(definition, data, commandId);
const key = (n: number) => command(`key-${n}`, CreateApiKey, { keyId: `k${n}`, name: 'ci', role: 'user' as const, keyHash: 'a'.repeat(64) });

describe('CommandHandler', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readStore: ReadStore;
  const handler = () => new CommandHandler(events, new CommandOutcomes(readStore), routes);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'command-handler-'));
    events = new SqliteEventStore(join(dir, 'events.sqlite'));
    readStore = await openReadStore({ dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends what the decider decides and answers a repeated command from its outcome', async () => {
    const h = handler();
    const created = await h.handle(command('create', CreateTenant, { name: 'Acme' }));
    expect(created).toMatchObject({ status: 'accepted' });
    expect(await h.handle(command('create', CreateTenant, { name: 'Acme' }))).toEqual(created);
    expect(await h.handle(command('again', CreateTenant, { name: 'Acme' }))).toMatchObject({ status: 'rejected' });
    expect((await events.readStream(stream)).map((e) => e.type)).toEqual(['TenantCreated']);
  });

  it('refuses a command whose event would take more bytes than an event may (UTF-8, not characters), appending nothing', async () => {
    // 600,000 characters, 1.2 MB of UTF-8.
    const outcome = await handler().handle(command('huge', CreateTenant, { name: 'ż'.repeat(600_000) }));
    expect(outcome).toMatchObject({
      status: 'rejected',
      error: { code: 'too_large', message: expect.stringMatching(/TenantCreated event of CreateTenant would take \d+ bytes; an event takes at most 1032192/) },
    });
    expect(await events.readStream(stream)).toEqual([]);
    expect(await handler().handle(command('huge', CreateTenant, { name: 'ż'.repeat(600_000) }))).toEqual(outcome);
  });

  it('refuses a command whose events each fit but together weigh more than one append takes', async () => {
    const name = 'x'.repeat(600_000);
    const twice = { initialState: () => ({}), evolve: () => ({}), decide: () => [0, 1].map(() => ({ type: 'TenantCreated', data: { tenantId: 'acme', name } })) };
    const outcome = await new CommandHandler(events, new CommandOutcomes(readStore), [{ definition: CreateTenant, decider: twice }]).handle(
      command('twice', CreateTenant, { name: 'Acme' }),
    );
    expect(outcome).toMatchObject({
      status: 'rejected',
      error: { code: 'too_large', message: expect.stringMatching(/weigh \d+ bytes; the event store takes at most 1048576 in one append/) },
    });
    expect(await events.readStream(stream)).toEqual([]);
  });

  it('appends nothing twice for a command whose events are in the stream but whose outcome was lost', async () => {
    const first = handler();
    await first.handle(command('create', CreateTenant, { name: 'Acme' }));
    const appended = await first.handle(key(1));
    await readStore.physical('_command_outcomes').bulkWrite([{ kind: 'delete', id: 'key-1' }]);
    // Both a handler that folded the stream before and a fresh one (a restarted process) see the events.
    expect(await first.handle(key(1))).toEqual(appended);
    expect(await handler().handle(key(1))).toEqual(appended);
    expect(await events.readStream(stream)).toHaveLength(2);
  });

  it('decides on events another instance appended since it last folded the stream', async () => {
    const [a, b] = [handler(), handler()];
    await a.handle(command('create', CreateTenant, { name: 'Acme' }));
    await a.handle(key(1));
    await b.handle(key(2));
    // a's folded state predates k2: it must catch up, or it would accept a second k2 or append at a stale revision.
    expect(await a.handle(command('key-2-again', CreateApiKey, { keyId: 'k2', name: 'ci', role: 'user' as const, keyHash: 'a'.repeat(64) }))).toMatchObject({
      status: 'rejected',
    });
    expect(await a.handle(key(3))).toMatchObject({ status: 'accepted' });
    expect((await events.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
  });

  it('keeps what it appended folded, reading back only what others appended', async () => {
    const read: number[] = [];
    const readStream = async (...args: Parameters<SqliteEventStore['readStream']>) => {
      const found = await events.readStream(...args);
      read.push(found.length);
      return found;
    };
    const counting = Object.create(events, { readStream: { value: readStream } });
    const h = new CommandHandler(counting, new CommandOutcomes(readStore), routes);
    await h.handle(command('create', CreateTenant, { name: 'Acme' }));
    await h.handle(key(1));
    await handler().handle(key(2));
    await h.handle(key(3));
    expect(read).toEqual([0, 0, 1]);
  });

  it('retries on a revision conflict when two instances decide at once', async () => {
    const [a, b] = [handler(), handler()];
    await a.handle(command('create', CreateTenant, { name: 'Acme' }));
    await b.handle(key(0));
    const outcomes = await Promise.all([1, 2, 3, 4].map((n) => (n % 2 ? a : b).handle(key(n))));
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(await events.readStream(stream)).toHaveLength(6);
  });
});
