import { randomBytes } from 'node:crypto';
import { DuplicateKeyError, type Doc, type Filter, type KeptCollection, type ReadStore, type SortKey, type WriteOp } from '../port';
import { InvalidNameError, InvalidQueryError } from '../shared/errors';

/** A value at a dotted path (what the store sorts and filters on). */
function valueAt(doc: Doc, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

/** The port's order: missing and null first, then numbers, then strings; `_id` breaks ties in the last key's direction. */
function expectedOrder(docs: readonly Doc[], sort: readonly SortKey[]): string[] {
  const rank = (v: unknown): [number, number | string] => (v === undefined || v === null ? [0, 0] : typeof v === 'number' ? [1, v] : [2, String(v)]);
  const keys: SortKey[] = [...sort, ['_id', sort.at(-1)?.[1] ?? 1]];
  const compare = (a: Doc, b: Doc) => {
    for (const [path, dir] of keys) {
      const [ra, va] = rank(valueAt(a, path));
      const [rb, vb] = rank(valueAt(b, path));
      const c = ra !== rb ? ra - rb : va < vb ? -1 : va > vb ? 1 : 0;
      if (c !== 0) return c * dir;
    }
    return 0;
  };
  return [...docs].sort(compare).map((d) => d._id);
}

const ids = (docs: readonly Doc[]) => docs.map((d) => d._id);
const sortedIds = (docs: readonly Doc[]) => ids(docs).sort();

/**
 * The read-store port's behaviour, run against every adapter. `open` may be called more than once
 * and must return stores over the same data.
 */
export function describeReadStoreConformance(name: string, open: () => Promise<ReadStore>): void {
  describe(`ReadStore conformance: ${name}`, () => {
    let store: ReadStore;
    const run = randomBytes(4).toString('hex');
    const created: string[] = [];
    let counter = 0;
    /** A collection name unique to this test (and to this run, on a shared server). */
    const fresh = (label: string) => {
      const collection = `conf_${run}_${++counter}_${label}`;
      created.push(collection);
      return collection;
    };

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      try {
        for (const collection of created) await store.drop(collection);
      } finally {
        await store.close();
      }
    });

    describe('documents', () => {
      it('stores JSON documents and reads them back, by id and by ids in the order asked', async () => {
        const c = store.physical(fresh('docs'));
        const doc = { _id: 'a', n: 1.5, s: 'Ünïcode ✓', yes: true, no: false, none: null, list: [1, 'x', { y: 2 }], nested: { deep: { v: 'z' } } };
        await c.insert(doc);
        await c.insert({ _id: 'b', n: 2 });
        expect(await c.get('a')).toEqual(doc);
        expect(await c.get('missing')).toBeUndefined();
        expect(ids(await c.getMany(['b', 'missing', 'a', 'b']))).toEqual(['b', 'a']);
        expect(await c.getMany([])).toEqual([]);
      });

      it('put replaces the whole document and leaves undefined fields out', async () => {
        const c = store.physical(fresh('put'));
        await c.bulkWrite([{ kind: 'put', id: 'x', doc: { a: 1, b: 2 } }]);
        await c.bulkWrite([{ kind: 'put', id: 'x', doc: { a: 3, gone: undefined } }]);
        const doc = await c.get('x');
        expect(doc).toEqual({ _id: 'x', a: 3 });
        expect(doc).not.toHaveProperty('gone');
      });

      it('reads of a collection never written find nothing and do not create it', async () => {
        const name = fresh('never');
        const c = store.physical(name);
        expect(await c.get('x')).toBeUndefined();
        expect(await c.find({ a: 1 })).toEqual([]);
        expect(await c.count({})).toBe(0);
        expect(await c.deleteMany({})).toBe(0);
        expect(await store.listCollections()).not.toContain(name);
        expect(await c.updateOne('x', {}, { set: { a: 1 } })).toBe(false);
      });
    });

    describe('filters', () => {
      const people: Doc[] = [
        { _id: 'a', name: 'Alice', age: 30, active: true, level: 3, tags: ['red', 'blue'], address: { city: 'Paris', zip: '75001' }, note: 'likes (regex) chars.*' },
        { _id: 'b', name: 'bob', age: 25, active: false, level: '3', tags: ['blue'], address: { city: 'Berlin' }, note: null },
        { _id: 'c', name: 'Carol', active: true, level: 7, tags: [], address: { city: 'paris' } },
        { _id: 'd', name: 'Dave', age: 25, active: true, level: 'high', tags: ['green'] },
        { _id: 'e', name: 'Eve', age: null, active: false, tags: ['red'], address: { city: 'Lyon', zip: '69001' } },
        { _id: 'f', name: 'frank', age: 40.5, active: true },
      ];
      let collection: string;
      const match = async (filter: Filter) => sortedIds(await store.physical(collection).find(filter));

      beforeAll(async () => {
        collection = fresh('people');
        await store.physical(collection).insertMany(people);
      });

      it.each<[string, Filter, string[]]>([
        ['everything for an empty filter', {}, ['a', 'b', 'c', 'd', 'e', 'f']],
        ['undefined conditions are ignored', { name: undefined }, ['a', 'b', 'c', 'd', 'e', 'f']],
        ['a bare value as $eq', { name: 'bob' }, ['b']],
        ['$eq on numbers', { age: { $eq: 25 } }, ['b', 'd']],
        ['booleans', { active: false }, ['b', 'e']],
        ['null as missing or null', { age: null }, ['c', 'e']],
        ['$ne', { age: { $ne: 25 } }, ['a', 'c', 'e', 'f']],
        ['$ne null as present and not null', { age: { $ne: null } }, ['a', 'b', 'd', 'f']],
        ['$in', { age: { $in: [25, 30] } }, ['a', 'b', 'd']],
        ['$in with null', { age: { $in: [null, 30] } }, ['a', 'c', 'e']],
        ['$in empty', { age: { $in: [] } }, []],
        ['$nin (missing fields match)', { age: { $nin: [25, 30] } }, ['c', 'e', 'f']],
        ['$nin empty', { age: { $nin: [] } }, ['a', 'b', 'c', 'd', 'e', 'f']],
        ['$gt', { age: { $gt: 25 } }, ['a', 'f']],
        ['$gte', { age: { $gte: 25 } }, ['a', 'b', 'd', 'f']],
        ['$lt (missing and null are not numbers)', { age: { $lt: 30 } }, ['b', 'd']],
        ['$lte', { age: { $lte: 30 } }, ['a', 'b', 'd']],
        ['a range', { age: { $gt: 25, $lt: 40 } }, ['a']],
        ['string ranges', { name: { $gte: 'C', $lt: 'E' } }, ['c', 'd']],
        ['a number bound matches numbers only', { level: { $gt: 0 } }, ['a', 'c']],
        ['a string bound matches strings only', { level: { $gte: '' } }, ['b', 'd']],
        ['$lt on a number skips strings and missing', { level: { $lt: 5 } }, ['a']],
        ['$exists true (null exists)', { age: { $exists: true } }, ['a', 'b', 'd', 'e', 'f']],
        ['$exists false', { age: { $exists: false } }, ['c']],
        ['dotted paths', { 'address.city': 'Paris' }, ['a']],
        ['$exists on a dotted path', { 'address.zip': { $exists: true } }, ['a', 'e']],
        ['$has', { tags: { $has: 'blue' } }, ['a', 'b']],
        ['$hasAny', { tags: { $hasAny: ['green', 'red'] } }, ['a', 'd', 'e']],
        ['$hasAny empty', { tags: { $hasAny: [] } }, []],
        ['$contains ignores case', { name: { $contains: 'AR' } }, ['c']],
        ['$contains takes regex characters literally', { note: { $contains: '(REGEX) chars.*' } }, ['a']],
        ['$contains matches strings only', { age: { $contains: '2' } }, []],
        ['fields AND together', { active: true, age: { $gte: 30 } }, ['a', 'f']],
        ['$or', { $or: [{ name: 'bob' }, { age: { $gt: 35 } }] }, ['b', 'f']],
        ['$and with a nested $or', { $and: [{ active: true }, { $or: [{ age: 25 }, { 'address.city': 'paris' }] }] }, ['c', 'd']],
        ['$or empty matches nothing', { $or: [] }, []],
      ])('%s', async (_label, filter, expected) => {
        expect(await match(filter)).toEqual(expected);
      });

      it('counts what find finds', async () => {
        const c = store.physical(collection);
        expect(await c.count({})).toBe(6);
        expect(await c.count({ active: true, tags: { $has: 'red' } })).toBe(1);
        expect(await c.count({ age: { $in: [] } })).toBe(0);
      });

      it('refuses unknown operators, bad values and unsafe paths', async () => {
        const c = store.physical(collection);
        await expect(c.find({ age: { $regex: 'x' } } as unknown as Filter)).rejects.toThrow(InvalidQueryError);
        await expect(c.find({ $where: [] } as unknown as Filter)).rejects.toThrow(InvalidQueryError);
        await expect(c.find({ age: { $gt: null } })).rejects.toThrow(InvalidQueryError);
        await expect(c.find({ tags: { $has: null } } as unknown as Filter)).rejects.toThrow(InvalidQueryError);
        await expect(c.find({ "a') OR 1=1 --": 1 })).rejects.toThrow(InvalidNameError);
        await expect(c.find({}, { sort: [['a.$x', 1]] })).rejects.toThrow(InvalidNameError);
        expect(() => store.physical('bad name; drop')).toThrow(InvalidNameError);
        expect(() => store.physical('_targets')).toThrow(InvalidNameError);
      });
    });

    describe('kept state', () => {
      it('keeps it in the physical collection of its fixed name, and takes no other name, even through a cast', async () => {
        const id = fresh('probe');
        await store.kept('_health').bulkWrite([{ kind: 'put', id, doc: { at: 1 } }]);
        expect(await store.physical('_health').get(id)).toEqual({ _id: id, at: 1 });
        expect(await store.kept('_health').get(id)).toEqual({ _id: id, at: 1 });
        for (const name of ['users', '_targets', '__proto__', 'short_id_claims; drop']) {
          expect(() => store.kept(name as KeptCollection)).toThrow(InvalidNameError);
        }
      });
    });

    describe('sorting and paging', () => {
      // 57 documents whose ids are not in insertion order; `group` ties a lot, `score` is missing or null on some.
      const docs: Doc[] = Array.from({ length: 57 }, (_, i) => {
        const doc: Doc = { _id: `id-${String((i * 37) % 57).padStart(2, '0')}`, group: i % 5, label: `L${i % 7}` };
        if (i % 7 === 3) doc.score = null;
        else if (i % 7 !== 0) doc.score = (i * 13) % 10;
        return doc;
      });
      const sorts: [string, SortKey[]][] = [
        ['by _id only', []],
        ['ascending with ties', [['group', 1]]],
        ['descending with ties', [['group', -1]]],
        ['ascending with missing and null values', [['score', 1]]],
        ['descending with missing and null values', [['score', -1]]],
        [
          'two keys, mixed directions',
          [
            ['group', 1],
            ['score', -1],
          ],
        ],
        [
          'two keys, mixed directions the other way',
          [
            ['label', -1],
            ['group', 1],
          ],
        ],
      ];
      let collection: string;

      beforeAll(async () => {
        collection = fresh('paging');
        const c = store.physical(collection);
        await c.ensureIndexes([
          { name: 'by_group', fields: [['group', 1]] },
          {
            name: 'by_group_score',
            fields: [
              ['group', 1],
              ['score', -1],
            ],
          },
        ]);
        await c.insertMany(docs);
      });

      it.each(sorts)('sorts %s, _id breaking ties in the last direction', async (_label, sort) => {
        expect(ids(await store.physical(collection).find({}, { sort }))).toEqual(expectedOrder(docs, sort));
      });

      it.each(sorts)('offset pages %s: every document once, in order', async (_label, sort) => {
        const c = store.physical(collection);
        const seen: string[] = [];
        for (let skip = 0; ; skip += 10) {
          const page = await c.find({}, { sort, skip, limit: 10 });
          seen.push(...ids(page));
          if (page.length < 10) break;
        }
        expect(seen).toEqual(expectedOrder(docs, sort));
      });

      it.each(sorts)('keyset pages %s: every document once, in order', async (_label, sort) => {
        const c = store.physical(collection);
        const seen: string[] = [];
        let after: { values: unknown[]; id: string } | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = await c.find({}, { sort, limit: 8, after });
          seen.push(...ids(page));
          if (page.length < 8) break;
          const last = page[page.length - 1];
          after = { values: sort.map(([path]) => valueAt(last, path) ?? null), id: last._id };
        }
        expect(seen).toEqual(expectedOrder(docs, sort));
      });

      it('keyset pages within a filter', async () => {
        const c = store.physical(collection);
        const filter: Filter = { group: { $in: [1, 3] } };
        const sort: SortKey[] = [['score', -1]];
        const expected = expectedOrder(
          docs.filter((d) => d.group === 1 || d.group === 3),
          sort,
        );
        const seen: string[] = [];
        let after: { values: unknown[]; id: string } | undefined;
        do {
          const page = await c.find(filter, { sort, limit: 5, after });
          seen.push(...ids(page));
          const last = page.at(-1);
          after = page.length === 5 && last ? { values: [valueAt(last, 'score') ?? null], id: last._id } : undefined;
        } while (after);
        expect(seen).toEqual(expected);
        expect(await c.count(filter)).toBe(expected.length);
      });

      it('limit 0 returns nothing, skip past the end returns nothing', async () => {
        const c = store.physical(collection);
        expect(await c.find({}, { limit: 0 })).toEqual([]);
        expect(await c.find({}, { skip: 100 })).toEqual([]);
        expect(await c.find({}, { skip: 55 })).toHaveLength(2);
      });

      it('refuses a keyset cursor of the wrong shape', async () => {
        await expect(store.physical(collection).find({}, { sort: [['group', 1]], after: { values: [], id: 'x' } })).rejects.toThrow(InvalidQueryError);
      });
    });

    describe('unique indexes and inserts', () => {
      it('insert refuses a taken _id or a taken unique key, naming the index', async () => {
        const c = store.physical(fresh('unique'));
        await c.ensureIndexes([{ name: 'by_email', fields: [['email', 1]], unique: true }]);
        await c.ensureIndexes([{ name: 'by_email', fields: [['email', 1]], unique: true }]); // idempotent
        await c.insert({ _id: 'u1', email: 'a@x' });
        const byId = await c.insert({ _id: 'u1', email: 'b@x' }).catch((e: unknown) => e);
        expect(byId).toBeInstanceOf(DuplicateKeyError);
        expect((byId as DuplicateKeyError).key).toBe('_id');
        const byEmail = await c.insert({ _id: 'u2', email: 'a@x' }).catch((e: unknown) => e);
        expect(byEmail).toBeInstanceOf(DuplicateKeyError);
        expect((byEmail as DuplicateKeyError).key).toBe('by_email');
        await c.insert({ _id: 'u3', email: 'c@x' });
        expect(sortedIds(await c.find({}))).toEqual(['u1', 'u3']);
      });

      it('insertMany inserts the rest and returns the ids that clashed, in input order', async () => {
        const c = store.physical(fresh('many'));
        await c.ensureIndexes([{ name: 'by_email', fields: [['email', 1]], unique: true }]);
        await c.insert({ _id: 'old', email: 'old@x' });
        const result = await c.insertMany([
          { _id: 'n1', email: 'n1@x' },
          { _id: 'old', email: 'other@x' },
          { _id: 'n2', email: 'n2@x' },
          { _id: 'n2', email: 'n2-again@x' },
          { _id: 'n3', email: 'old@x' },
          { _id: 'n4', email: 'n4@x' },
        ]);
        expect(result.duplicates).toEqual(['old', 'n2', 'n3']);
        expect(sortedIds(await c.find({}))).toEqual(['n1', 'n2', 'n4', 'old']);
        expect((await c.get('n2'))?.email).toBe('n2@x');
        expect(await c.insertMany([])).toEqual({ duplicates: [] });
      });

      it('bulkWrite applies every other op, then reports a unique clash', async () => {
        const c = store.physical(fresh('bulkclash'));
        await c.ensureIndexes([{ name: 'by_email', fields: [['email', 1]], unique: true }]);
        const ops: WriteOp[] = [
          { kind: 'put', id: 'p1', doc: { email: 'same@x' } },
          { kind: 'put', id: 'p2', doc: { email: 'same@x' } },
          { kind: 'put', id: 'p3', doc: { email: 'p3@x' } },
        ];
        const error = await c.bulkWrite(ops).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).key).toBe('by_email');
        expect(sortedIds(await c.find({}))).toEqual(['p1', 'p3']);
      });
    });

    describe('conditional updates', () => {
      it('updateOne is a compare-and-set: of two contenders for a lease exactly one wins', async () => {
        const c = store.physical(fresh('lease'));
        await c.insert({ _id: 'lease', owner: 'p0', expiresAt: 100 });
        expect(await c.updateOne('lease', { $or: [{ owner: 'p1' }, { expiresAt: { $lt: 50 } }] }, { set: { owner: 'p1' } })).toBe(false);
        expect((await c.get('lease'))?.owner).toBe('p0');
        const takeOver = (owner: string) => c.updateOne('lease', { expiresAt: { $lt: 150 } }, { set: { owner, expiresAt: 200 } });
        const results = await Promise.all([takeOver('p1'), takeOver('p2')]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await c.get('lease'))?.owner).toBe(results[0] ? 'p1' : 'p2');
        expect(await c.updateOne('nobody', {}, { set: { owner: 'p3' } })).toBe(false);
        expect(await c.get('nobody')).toBeUndefined();
      });

      it('updateOne sets, unsets and increments dotted paths', async () => {
        const c = store.physical(fresh('update'));
        await c.insert({ _id: 'x', note: 'n', renewals: 1, meta: { keep: true } });
        expect(await c.updateOne('x', {}, { set: { 'meta.by': 'me', 'fresh.deep': 1 }, unset: ['note', 'meta.keep'], inc: { renewals: 2, 'stats.n': 1 } })).toBe(true);
        expect(await c.get('x')).toEqual({ _id: 'x', renewals: 3, meta: { by: 'me' }, fresh: { deep: 1 }, stats: { n: 1 } });
      });

      it('refuses a patch of _id or of one path twice', async () => {
        const c = store.physical(fresh('badpatch'));
        await c.insert({ _id: 'x' });
        await expect(c.updateOne('x', {}, { set: { _id: 'y' } })).rejects.toThrow(InvalidQueryError);
        await expect(c.updateOne('x', {}, { set: { a: 1 }, inc: { a: 1 } })).rejects.toThrow(InvalidQueryError);
        await expect(c.updateOne('x', {}, { set: { a: 1, 'a.b': 2 } })).rejects.toThrow(InvalidQueryError);
      });

      it('refuses paths through a prototype, in patches and in filters', async () => {
        const c = store.physical(fresh('protopatch'));
        await c.insert({ _id: 'x' });
        for (const path of ['__proto__.polluted', 'a.constructor.prototype.polluted', 'prototype']) {
          await expect(c.updateOne('x', {}, { set: { [path]: 1 } })).rejects.toThrow(InvalidNameError);
          await expect(c.bulkWrite([{ kind: 'patch', id: 'x', inc: { [path]: 1 } }])).rejects.toThrow(InvalidNameError);
          await expect(c.find({ [path]: 1 })).rejects.toThrow(InvalidNameError);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(await c.get('x')).toEqual({ _id: 'x' });
      });
    });

    describe('position-guarded writes', () => {
      it('put applies only over a lower position; a replayed older put changes nothing', async () => {
        const c = store.physical(fresh('guardput'));
        expect(await c.bulkWrite([{ kind: 'put', id: 'x', doc: { v: 1 }, position: 5 }])).toEqual({ applied: 1 });
        expect(await c.bulkWrite([{ kind: 'put', id: 'x', doc: { v: 0 }, position: 3 }])).toEqual({ applied: 0 });
        expect(await c.bulkWrite([{ kind: 'put', id: 'x', doc: { v: 0 }, position: 5 }])).toEqual({ applied: 0 });
        expect(await c.get('x')).toEqual({ _id: 'x', v: 1, _position: 5 });
        expect(await c.bulkWrite([{ kind: 'put', id: 'x', doc: { v: 2 }, position: 6 }])).toEqual({ applied: 1 });
        expect(await c.get('x')).toEqual({ _id: 'x', v: 2, _position: 6 });
      });

      it('patch applies only over a lower position, upsert or not', async () => {
        const c = store.physical(fresh('guardpatch'));
        await c.bulkWrite([{ kind: 'put', id: 'x', doc: { v: 1 }, position: 5 }]);
        expect(await c.bulkWrite([{ kind: 'patch', id: 'x', set: { v: 9 }, position: 4 }])).toEqual({ applied: 0 });
        expect(await c.bulkWrite([{ kind: 'patch', id: 'x', set: { v: 9 }, inc: { n: 1 }, upsert: true, position: 5 }])).toEqual({ applied: 0 });
        expect(await c.get('x')).toEqual({ _id: 'x', v: 1, _position: 5 });
        expect(await c.bulkWrite([{ kind: 'patch', id: 'x', set: { v: 2 }, position: 6 }])).toEqual({ applied: 1 });
        expect(await c.get('x')).toEqual({ _id: 'x', v: 2, _position: 6 });
        expect(await c.bulkWrite([{ kind: 'patch', id: 'absent', set: { v: 1 }, position: 1 }])).toEqual({ applied: 0 });
        expect(await c.get('absent')).toBeUndefined();
      });

      it('delete applies only over a lower position', async () => {
        const c = store.physical(fresh('guarddelete'));
        await c.bulkWrite([{ kind: 'put', id: 'x', doc: { v: 1 }, position: 5 }]);
        expect(await c.bulkWrite([{ kind: 'delete', id: 'x', position: 5 }])).toEqual({ applied: 0 });
        expect(await c.get('x')).toBeDefined();
        expect(await c.bulkWrite([{ kind: 'delete', id: 'x', position: 7 }])).toEqual({ applied: 1 });
        expect(await c.get('x')).toBeUndefined();
        expect(await c.bulkWrite([{ kind: 'delete', id: 'x' }])).toEqual({ applied: 0 });
      });

      it('a guarded op applies over a document written without a position', async () => {
        const c = store.physical(fresh('guardplain'));
        await c.insert({ _id: 'x', v: 1 });
        expect(await c.bulkWrite([{ kind: 'patch', id: 'x', inc: { v: 1 }, position: 1 }])).toEqual({ applied: 1 });
        expect(await c.get('x')).toEqual({ _id: 'x', v: 2, _position: 1 });
      });

      it('replaying a whole page of events changes nothing the second time', async () => {
        const c = store.physical(fresh('replay'));
        const page: WriteOp[] = [
          { kind: 'put', id: 'a', doc: { status: 'new', count: 0 }, position: 1 },
          { kind: 'patch', id: 'a', inc: { count: 1 }, position: 2 },
          { kind: 'patch', id: 'tally', inc: { seen: 1 }, set: { kind: 'tally' }, upsert: true, position: 3 },
          { kind: 'put', id: 'b', doc: { status: 'new' }, position: 4 },
          { kind: 'patch', id: 'a', set: { status: 'done' }, inc: { count: 1 }, position: 5 },
          { kind: 'delete', id: 'b', position: 6 },
          { kind: 'patch', id: 'tally', inc: { seen: 1 }, upsert: true, position: 7 },
        ];
        expect(await c.bulkWrite(page)).toEqual({ applied: 7 });
        const first = await c.find({});
        // Only b's put and delete apply again: nothing remembers a deleted document, so it comes back and goes.
        expect(await c.bulkWrite(page)).toEqual({ applied: 2 });
        expect(await c.find({})).toEqual(first);
        expect(first).toEqual([
          { _id: 'a', status: 'done', count: 2, _position: 5 },
          { _id: 'tally', kind: 'tally', seen: 2, _position: 7 },
        ]);
      });
    });

    describe('bulk writes', () => {
      it('patch with upsert creates from set and inc, and increments after', async () => {
        const c = store.physical(fresh('upsert'));
        const bump: WriteOp = { kind: 'patch', id: 'k', set: { kind: 'counter' }, inc: { n: 1, 'stats.total': 5 }, upsert: true };
        expect(await c.bulkWrite([bump])).toEqual({ applied: 1 });
        expect(await c.bulkWrite([bump, bump])).toEqual({ applied: 2 });
        expect(await c.get('k')).toEqual({ _id: 'k', kind: 'counter', n: 3, stats: { total: 15 } });
        expect(await c.bulkWrite([{ kind: 'patch', id: 'none', inc: { n: 1 } }])).toEqual({ applied: 0 });
        expect(await c.get('none')).toBeUndefined();
        expect(await c.bulkWrite([{ kind: 'patch', id: 'k', set: {}, upsert: true }])).toEqual({ applied: 0 });
      });

      it('applies ops on one document in the order given', async () => {
        const c = store.physical(fresh('ordered'));
        const result = await c.bulkWrite([
          { kind: 'put', id: 'x', doc: { v: 1 } },
          { kind: 'patch', id: 'x', inc: { v: 10 } },
          { kind: 'put', id: 'y', doc: { v: 1 } },
          { kind: 'delete', id: 'y' },
          { kind: 'patch', id: 'x', set: { w: 'after' }, unset: ['v'] },
          { kind: 'put', id: 'y', doc: { v: 2 } },
          { kind: 'patch', id: 'x', inc: { v: 1 } },
        ]);
        expect(result).toEqual({ applied: 7 });
        expect(await c.find({}, { sort: [['_id', 1]] })).toEqual([
          { _id: 'x', w: 'after', v: 1 },
          { _id: 'y', v: 2 },
        ]);
      });

      it('deleteMany removes what the filter matches and counts it', async () => {
        const c = store.physical(fresh('deletemany'));
        await c.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `d${i}`, even: i % 2 === 0 })));
        expect(await c.deleteMany({ even: true })).toBe(5);
        expect(await c.count({})).toBe(5);
        expect(await c.count({ even: true })).toBe(0);
      });
    });

    describe('targets and collections', () => {
      it('a logical name reads its physical target, and follows a swap at once', async () => {
        const logical = fresh('logical');
        const v1 = fresh('logical_v1');
        const v2 = fresh('logical_v2');
        expect(await store.target(logical)).toBe(logical);
        await store.physical(v1).bulkWrite([{ kind: 'put', id: 'x', doc: { version: 1 } }]);
        await store.physical(v2).bulkWrite([{ kind: 'put', id: 'x', doc: { version: 2 } }]);
        const view = store.collection(logical);
        expect(view.name).toBe(logical);
        expect(await view.get('x')).toBeUndefined();
        await store.setTarget(logical, v1);
        expect(await store.target(logical)).toBe(v1);
        expect((await view.get('x'))?.version).toBe(1);
        await store.setTarget(logical, v2);
        expect((await view.get('x'))?.version).toBe(2);
        expect((await store.collection(logical).find({ version: 2 })).length).toBe(1);
        await view.bulkWrite([{ kind: 'patch', id: 'x', set: { via: 'logical' } }]);
        expect((await store.physical(v2).get('x'))?.via).toBe('logical');
        expect((await store.physical(v1).get('x'))?.via).toBeUndefined();
      });

      it('another store over the same data sees a swap', async () => {
        const logical = fresh('shared');
        const physical = fresh('shared_v1');
        const other = await open();
        try {
          await store.physical(physical).insert({ _id: 'x' });
          await store.setTarget(logical, physical);
          expect(await other.target(logical)).toBe(physical);
          expect(await other.collection(logical).get('x')).toEqual({ _id: 'x' });
        } finally {
          await other.close();
        }
      });

      it('lists collections (not the targets table) and drops them', async () => {
        const a = fresh('list_a');
        const b = fresh('list_b');
        await store.physical(a).insert({ _id: '1' });
        await store.physical(b).ensureIndexes([{ name: 'by_x', fields: [['x', 1]] }]);
        await store.setTarget(fresh('list_logical'), a);
        const listed = await store.listCollections();
        expect(listed).toEqual(expect.arrayContaining([a, b]));
        expect(listed).not.toContain('_targets');
        await store.drop(a);
        expect(await store.listCollections()).not.toContain(a);
        expect(await store.physical(a).get('1')).toBeUndefined();
        await store.drop(a); // dropping what is gone is fine
        await store.physical(a).insert({ _id: '2' });
        expect(sortedIds(await store.physical(a).find({}))).toEqual(['2']);
      });
    });
  });
}
