import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { FindOptions, Filter, IndexSpec, WriteOp } from '../port';
import { normalizeFilter } from '../shared/filter-ast';
import { planFind } from '../shared/find-plan';
import { describeReadStoreConformance } from '../testing/read-store-conformance';
import { findSql } from './query-to-sql';
import { SqliteReadStore } from './sqlite-read-store';

const dataDir = mkdtempSync(join(tmpdir(), 'read-store-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describeReadStoreConformance('SQLite', async () => SqliteReadStore.open(dataDir));

/**
 * Runs `body` (JavaScript, with `store` open on READ_STORE_DIR) in a child Node process that loads
 * this adapter's TypeScript through swc, as a second process of the embedded mode would.
 */
function inChildProcess(body: string, env: Record<string, string>): Promise<void> {
  const script = `
    require(${JSON.stringify(join(__dirname, '../../../../tools/test-support/src/register-typescript.js'))});
    const { SqliteReadStore } = require(${JSON.stringify(join(__dirname, 'sqlite-read-store.ts'))});
    (async () => {
      const store = SqliteReadStore.open(process.env.READ_STORE_DIR);
      ${body}
      await store.close();
    })().catch((error) => { console.error(error); process.exit(1); });
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, READ_STORE_DIR: dataDir, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited with ${code}`))));
  });
}

describe('SQLite read store shared by two processes', () => {
  it('a child and the parent write the same collection at once: nothing lost, each sees the other', async () => {
    const store = SqliteReadStore.open(dataDir);
    const items = store.physical('two_process_items');
    const batch = (by: string, n: number): WriteOp[] => [
      ...Array.from({ length: 100 }, (_, i): WriteOp => ({ kind: 'put', id: `${by}-${n}-${i}`, doc: { by } })),
      { kind: 'patch', id: 'counter', inc: { n: 1 }, upsert: true },
    ];
    let childDone = false;
    const child = inChildProcess(
      `const items = store.physical('two_process_items');
       for (let n = 0; n < 50; n++) {
         const ops = Array.from({ length: 100 }, (_, i) => ({ kind: 'put', id: 'child-' + n + '-' + i, doc: { by: 'child' } }));
         ops.push({ kind: 'patch', id: 'counter', inc: { n: 1 }, upsert: true });
         await items.bulkWrite(ops);
       }
       await items.insert({ _id: 'child-saw', parentDocs: await items.count({ by: 'parent' }) });`,
      {},
    ).finally(() => (childDone = true));
    // The parent writes for as long as the child runs, so their transactions interleave.
    let parentBatches = 0;
    while (!childDone) {
      await items.bulkWrite(batch('parent', parentBatches++));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await child;
    expect(await items.count({ by: 'child' })).toBe(5000);
    expect(await items.count({ by: 'parent' })).toBe(parentBatches * 100);
    expect((await items.get('counter'))?.n).toBe(50 + parentBatches);
    expect((await items.get('child-saw'))?.parentDocs).toBeGreaterThan(0);
    await store.close();
  });

  it("the parent sees the child's target swap within about a second", async () => {
    const store = SqliteReadStore.open(dataDir);
    await store.physical('swap_v1').insert({ _id: 'x', version: 1 });
    await store.setTarget('swap', 'swap_v1');
    expect((await store.collection('swap').get('x'))?.version).toBe(1); // now cached
    await inChildProcess(`await store.physical('swap_v2').insert({ _id: 'x', version: 2 }); await store.setTarget('swap', 'swap_v2');`, {});
    const swappedAt = Date.now();
    let version: unknown;
    while ((version = (await store.collection('swap').get('x'))?.version) !== 2 && Date.now() - swappedAt < 3000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(version).toBe(2);
    await store.close();
  });
});

describe('SQLite tables dropped by another connection', () => {
  it('reads find nothing and writes create the table again', async () => {
    const [mine, theirs] = [SqliteReadStore.open(dataDir), SqliteReadStore.open(dataDir)];
    const items = mine.physical('dropped_elsewhere');
    await items.insert({ _id: 'a' });
    expect(await items.get('a')).toEqual({ _id: 'a' }); // this connection now knows the table and has its statements
    await theirs.drop('dropped_elsewhere');
    expect(await items.get('a')).toBeUndefined();
    expect(await items.find({})).toEqual([]);
    await items.bulkWrite([{ kind: 'put', id: 'b', doc: {} }]);
    expect(await theirs.physical('dropped_elsewhere').get('b')).toEqual({ _id: 'b' });
    await Promise.all([mine.close(), theirs.close()]);
  });
});

describe('SQLite query plans', () => {
  const indexes: IndexSpec[] = [
    {
      name: 'by_tenant_created',
      fields: [
        ['tenant', 1],
        ['createdAt', 1],
      ],
    },
    {
      name: 'by_tenant_group_rank',
      fields: [
        ['tenant', 1],
        ['group', 1],
        ['rank', -1],
      ],
    },
  ];
  let plans: DatabaseSync;

  beforeAll(async () => {
    const store = SqliteReadStore.open(dataDir);
    await store.physical('plans').ensureIndexes(indexes);
    await store.physical('plans').insert({ _id: 'x', tenant: 't', createdAt: 1, group: 1, rank: 1 });
    await store.close();
    plans = new DatabaseSync(join(dataDir, 'read', 'plans.sqlite'));
  });
  afterAll(() => plans.close());

  const explain = (filter: Filter, options: FindOptions) => {
    const { sql, params } = findSql('plans', normalizeFilter(filter), planFind(options));
    return plans
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((row) => row.detail)
      .join('\n');
  };

  // A keyset page must seek into the index (a range on the sort key after the equality), not scan to the cursor.
  it.each<[string, Filter, FindOptions, string]>([
    ['keyset, descending', { tenant: 't' }, { sort: [['createdAt', -1]], limit: 30, after: { values: [5], id: 'x' } }, 'by_tenant_created (<expr>=? AND <expr><?)'],
    ['keyset, ascending', { tenant: 't' }, { sort: [['createdAt', 1]], limit: 30, after: { values: [5], id: 'x' } }, 'by_tenant_created (<expr>=? AND <expr>>?)'],
    ['offset', { tenant: 't' }, { sort: [['createdAt', -1]], limit: 30, skip: 5000 }, 'by_tenant_created (<expr>=?)'],
    [
      'keyset, mixed directions',
      { tenant: 't' },
      {
        sort: [
          ['group', 1],
          ['rank', -1],
        ],
        limit: 30,
        after: { values: [1, 5], id: 'x' },
      },
      'by_tenant_group_rank (<expr>=? AND <expr>>?)',
    ],
  ])('%s reads the index in order, with no sort step', (_label, filter, options, search) => {
    const plan = explain(filter, options);
    expect(plan).toContain(`SEARCH plans USING INDEX plans#${search}`);
    expect(plan).not.toContain('TEMP B-TREE');
  });
});

describe('SQLite bulk writes', () => {
  // Speed is measured by `npm run bench`; this checks that a write larger than one chunk lands whole.
  it('puts 100,000 documents into an indexed collection across chunks', async () => {
    const store = SqliteReadStore.open(dataDir);
    const items = store.physical('bulk_items');
    await items.ensureIndexes([
      {
        name: 'by_tenant_created',
        fields: [
          ['tenant', 1],
          ['createdAt', 1],
        ],
      },
    ]);
    const ops: WriteOp[] = Array.from({ length: 100_000 }, (_, i) => ({
      kind: 'put',
      id: `item-${i}`,
      doc: { tenant: `t${i % 3}`, createdAt: 1_700_000_000_000 + i, name: `Item ${i}`, tags: ['a'] },
      position: i + 1,
    }));
    expect(await items.bulkWrite(ops)).toEqual({ applied: 100_000 });
    expect(await items.count({ tenant: 't1' })).toBe(33_333);
    await store.close();
  });
});

describe('SQLite files per collection', () => {
  it('keeps each collection in a file of its own, so a writer holding one never blocks another', async () => {
    const store = SqliteReadStore.open(dataDir);
    await store.physical('busy_one').insert({ _id: 'x' });
    const holder = new DatabaseSync(join(dataDir, 'read', 'busy_one.sqlite'));
    holder.exec('BEGIN IMMEDIATE');
    try {
      // With one file for all, this would wait out the 5 s busy timeout and fail.
      await store.physical('free_one').insert({ _id: 'y' });
      expect(await store.physical('free_one').get('y')).toEqual({ _id: 'y' });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(await store.listCollections()).toEqual(expect.arrayContaining(['busy_one', 'free_one']));
    // Dropped through another connection (another thread or process): gone for this one too.
    const other = SqliteReadStore.open(dataDir);
    await other.drop('busy_one');
    await other.close();
    expect(await store.listCollections()).not.toContain('busy_one');
    expect(await store.physical('busy_one').get('x')).toBeUndefined();
    await store.close();
  });
});

describe('SQLite read store: a file another writer holds', () => {
  it('answers StoreUnavailableError (retriable) once the busy timeout passes, and writes when the lock is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-store-busy-'));
    const store = SqliteReadStore.open(dir);
    try {
      const docs = store.physical('held');
      await docs.bulkWrite([{ kind: 'put', id: 'a', doc: { n: 1 } }]);
      const other = new DatabaseSync(join(dir, 'read', 'held.sqlite'));
      other.exec('BEGIN IMMEDIATE');
      await expect(docs.bulkWrite([{ kind: 'put', id: 'b', doc: { n: 2 } }])).rejects.toMatchObject({ name: 'StoreUnavailableError', retriable: true });
      other.exec('ROLLBACK');
      other.close();
      await docs.bulkWrite([{ kind: 'put', id: 'b', doc: { n: 2 } }]);
      expect(await docs.count({})).toBe(2);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
