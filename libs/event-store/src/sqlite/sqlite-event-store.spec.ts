import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { describeEventStoreConformance } from '../testing/event-store-conformance';
import { EventIdConflictError, SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'batchyard-event-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const newEvent = (data: unknown = {}): NewEvent => ({
  eventId: randomUUID(),
  type: 'SqliteTested',
  version: 1,
  tenant: 't',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date().toISOString(),
  data,
});

describeEventStoreConformance('SQLite', async () => new SqliteEventStore(join(dir, 'conformance.sqlite')));

describe('SqliteEventStore', () => {
  const stores: SqliteEventStore[] = [];
  const openStore = (file: string, pollIntervalMs?: number) => {
    const store = new SqliteEventStore(join(dir, file), { pollIntervalMs });
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it('reads an empty store as position 0 with no events', async () => {
    const store = openStore('empty.sqlite');
    expect(await store.headPosition()).toBe(0);
    expect(await store.readAll({ maxCount: 10 })).toEqual([]);
  });

  it('keeps events across reopening the file', async () => {
    const first = new SqliteEventStore(join(dir, 'reopen.sqlite'));
    const { position } = await first.append('s', [newEvent({ kept: true })], 'no_stream');
    await first.close();
    const second = openStore('reopen.sqlite');
    expect(await second.headPosition()).toBe(position);
    expect((await second.readStream('s')).map((e) => e.data)).toEqual([{ kept: true }]);
  });

  it('rejects event ids stored in another stream or mid-batch, writing nothing', async () => {
    const store = openStore('conflict.sqlite');
    const stored = newEvent();
    await store.append('a', [stored], 'no_stream');
    await expect(store.append('b', [stored], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
    await expect(store.append('a', [newEvent(), stored], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
    expect(await store.readStream('b')).toEqual([]);
    expect(await store.readStream('a')).toHaveLength(1);
    expect(await store.headPosition()).toBe(1);
  });

  it('wakes a subscription on an append in this process without waiting for its poll', async () => {
    // A poll of a minute: only the in-process signal can deliver within the wait below.
    const subscriber = openStore('wake.sqlite', 60_000);
    const writer = openStore('wake.sqlite');
    const controller = new AbortController();
    const received: RecordedEvent[] = [];
    const done = (async () => {
      for await (const event of subscriber.subscribeToAll({ signal: controller.signal })) received.push(event);
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const appendedAt = Date.now();
    await writer.append('s', [newEvent()], 'no_stream');
    while (received.length === 0 && Date.now() - appendedAt < 2000) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await done;
    expect(received).toHaveLength(1);
  });

  it('ends a subscription when its store closes', async () => {
    const store = new SqliteEventStore(join(dir, 'closing.sqlite'), { pollIntervalMs: 60_000 });
    const done = (async () => {
      for await (const _ of store.subscribeToAll({ signal: new AbortController().signal })) void _;
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.close();
    await expect(done).resolves.toBeUndefined();
  });

  it('lets several processes append to one file with no duplicate or missing revisions or positions', async () => {
    const file = join(dir, 'multi-process.sqlite');
    const writers = 3;
    const rounds = 100;
    const children = Array.from({ length: writers }, (_, w) => runWriter(file, w, rounds));
    // This process opens the file while the writers create it, and follows them by polling.
    const follower = openStore('multi-process.sqlite');
    const controller = new AbortController();
    const followed: RecordedEvent[] = [];
    const following = (async () => {
      for await (const event of follower.subscribeToAll({ signal: controller.signal })) followed.push(event);
    })();
    const reports = await Promise.all(children);
    expect(reports.map((r) => r.writer)).toEqual(['0', '1', '2']);

    const total = writers * rounds * (10 + 5 + 1);
    const all: RecordedEvent[] = [];
    for (let page = await follower.readAll({ maxCount: 1000 }); page.length;) {
      all.push(...page);
      page = await follower.readAll({ after: page[page.length - 1].position, maxCount: 1000 });
    }
    expect(all).toHaveLength(total);
    expect(new Set(all.map((e) => e.position)).size).toBe(total);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(total);
    for (let i = 1; i < all.length; i++) expect(all[i].position).toBeGreaterThan(all[i - 1].position);
    const revisions = new Map<string, number[]>();
    for (const e of all) revisions.set(e.stream, [...(revisions.get(e.stream) ?? []), e.revision]);
    const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(Object.fromEntries(revisions)).toEqual({
      'own-0': upTo(rounds * 10),
      'own-1': upTo(rounds * 10),
      'own-2': upTo(rounds * 10),
      'shared-any': upTo(writers * rounds * 5),
      'shared-expected': upTo(writers * rounds),
    });
    const own = all.filter((e) => e.stream === 'own-1').map((e) => e.data as { round: number; k: number });
    expect(own).toEqual(upTo(rounds * 10).map((i) => ({ writer: '1', round: Math.floor(i / 10), k: i % 10 })));

    const deadline = Date.now() + 10_000;
    while (followed.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await following;
    expect(followed).toEqual(all);
  });
});

/**
 * One writer process. `process.execPath` is the Node running jest (24, which has node:sqlite); the
 * child compiles the adapter's TypeScript itself (see the script), so no build is needed first.
 */
function runWriter(file: string, writer: number, rounds: number): Promise<{ writer: string; conflicts: number }> {
  const script = join(__dirname, '../testing/sqlite-writer-process.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, file, String(writer), String(rounds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`writer ${writer} exited with ${code}: ${stderr}`))));
  });
}
