import type { BulkWriteResult, Collection as NativeCollection } from 'mongodb';
import { DuplicateKeyError, type BulkResult, type Collection, type Doc, type FindOptions, type Filter, type IndexSpec, type WriteOp } from '../port';
import { checkId, checkPatch, inIdOrder, isEmptyPatch, storedDoc, type Patch } from '../shared/documents';
import { normalizeFilter } from '../shared/filter-ast';
import { indexTerms, planFind, type SortTerm } from '../shared/find-plan';
import { collectionName } from '../shared/names';
import { filterToMongo, keysetToMongo } from './filter-to-mongo';
import { duplicateKeyError, isDuplicateKey, reaching, writeErrors } from './mongo-errors';
import { toMongoWrite, updateDoc, waves, type MongoWrite } from './write-ops-to-mongo';

type Counts = Pick<BulkWriteResult, 'matchedCount' | 'upsertedCount' | 'deletedCount'>;

/** Ops whose filter (and so position guard) let them through. */
const appliedIn = (r: Counts) => r.matchedCount + r.upsertedCount + r.deletedCount;

const sortSpec = (order: readonly SortTerm[]) => Object.fromEntries(order.map((t) => [t.path, t.dir])) as Record<string, 1 | -1>;

/** One collection over the driver's native collection: plain documents, no mongoose models. A lost server answers `StoreUnavailableError`. */
export class MongoCollection<T extends Doc> implements Collection<T> {
  constructor(
    private readonly native: NativeCollection<Doc>,
    readonly name: string,
  ) {
    collectionName(name);
  }

  async get(id: string): Promise<T | undefined> {
    return reaching(async () => ((await this.native.findOne({ _id: checkId(id) })) ?? undefined) as T | undefined);
  }

  async getMany(ids: readonly string[]): Promise<T[]> {
    return reaching(async () => {
      if (ids.length === 0) return [];
      const docs = (await this.native.find({ _id: { $in: ids.map(checkId) } }).toArray()) as T[];
      return inIdOrder(ids, docs);
    });
  }

  async find(filter: Filter, options?: FindOptions): Promise<T[]> {
    return reaching(async () => {
      const plan = planFind(options);
      const where = filterToMongo(normalizeFilter(filter));
      if (plan.limit === 0) return []; // MongoDB reads limit 0 as "no limit"
      const cursor = this.native.find(plan.after ? { $and: [where, keysetToMongo(plan.after)] } : where, { sort: sortSpec(plan.order) });
      if (plan.skip) cursor.skip(plan.skip);
      if (plan.limit !== undefined) cursor.limit(plan.limit);
      return (await cursor.toArray()) as T[];
    });
  }

  async count(filter: Filter): Promise<number> {
    return reaching(() => this.native.countDocuments(filterToMongo(normalizeFilter(filter))));
  }

  async insert(doc: T): Promise<void> {
    return reaching(async () => {
      try {
        await this.native.insertOne(storedDoc(doc._id, doc));
      } catch (error) {
        throw isDuplicateKey(error) ? duplicateKeyError(this.name, error) : error;
      }
    });
  }

  async insertMany(docs: readonly T[]): Promise<{ duplicates: string[] }> {
    return reaching(async () => {
      if (docs.length === 0) return { duplicates: [] };
      const stored = docs.map((d) => storedDoc(d._id, d));
      try {
        await this.native.insertMany(stored, { ordered: false });
        return { duplicates: [] };
      } catch (error) {
        const failed = writeErrors(error);
        if (!failed || !failed.every(isDuplicateKey)) throw error;
        return {
          duplicates: failed
            .map((e) => e.index)
            .sort((a, b) => a - b)
            .map((i) => stored[i]._id),
        };
      }
    });
  }

  async updateOne(id: string, where: Filter, patch: Patch): Promise<boolean> {
    return reaching(async () => {
      const filter = { $and: [{ _id: checkId(id) }, filterToMongo(normalizeFilter(where))] };
      const checked = checkPatch(patch);
      if (isEmptyPatch(checked)) return (await this.native.countDocuments(filter, { limit: 1 })) > 0;
      try {
        return (await this.native.updateOne(filter, updateDoc(checked))).matchedCount > 0;
      } catch (error) {
        throw isDuplicateKey(error) ? duplicateKeyError(this.name, error) : error;
      }
    });
  }

  /**
   * Applies the ops in order. A guarded upsert that meets a newer stored version fails with E11000
   * on `_id`: that op is already applied, not an error. Any other unique clash skips its op, the
   * rest still apply, and the first clash is thrown.
   */
  async bulkWrite(ops: readonly WriteOp[]): Promise<BulkResult> {
    return reaching(async () => {
      const writes = ops.map(toMongoWrite).filter((w): w is MongoWrite => w !== undefined);
      let applied = 0;
      let clash: DuplicateKeyError | undefined;
      for (const wave of waves(writes)) {
        try {
          applied += appliedIn(
            await this.native.bulkWrite(
              wave.map((w) => w.model),
              { ordered: false },
            ),
          );
        } catch (error) {
          const failed = writeErrors(error);
          if (!failed || !failed.every(isDuplicateKey)) throw error;
          applied += appliedIn((error as { result: Counts }).result);
          for (const e of failed) {
            const duplicate = duplicateKeyError(this.name, e);
            if (!(duplicate.key === '_id' && wave[e.index].guardedUpsert)) clash ??= duplicate;
          }
        }
      }
      if (clash) throw clash;
      return { applied };
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    return reaching(async () => {
      return (await this.native.deleteMany(filterToMongo(normalizeFilter(filter)))).deletedCount;
    });
  }

  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    return reaching(async () => {
      if (indexes.length === 0) return;
      await this.native.createIndexes(indexes.map((spec) => ({ name: spec.name, key: sortSpec(indexTerms(spec)), ...(spec.unique ? { unique: true } : {}) })));
    });
  }
}
