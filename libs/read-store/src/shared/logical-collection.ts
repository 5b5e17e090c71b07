import type { BulkResult, Collection, Doc, FindOptions, Filter, IndexSpec, WriteOp } from '../port';
import type { Patch } from './documents';

/** A collection addressed by its logical name: every call goes to the physical collection it points at now. */
export class LogicalCollection<T extends Doc> implements Collection<T> {
  constructor(
    readonly name: string,
    private readonly resolve: () => Promise<Collection<T>>,
  ) {}

  async get(id: string): Promise<T | undefined> {
    return (await this.resolve()).get(id);
  }
  async getMany(ids: readonly string[]): Promise<T[]> {
    return (await this.resolve()).getMany(ids);
  }
  async find(filter: Filter, options?: FindOptions): Promise<T[]> {
    return (await this.resolve()).find(filter, options);
  }
  async count(filter: Filter): Promise<number> {
    return (await this.resolve()).count(filter);
  }
  async insert(doc: T): Promise<void> {
    return (await this.resolve()).insert(doc);
  }
  async insertMany(docs: readonly T[]): Promise<{ duplicates: string[] }> {
    return (await this.resolve()).insertMany(docs);
  }
  async updateOne(id: string, where: Filter, patch: Patch): Promise<boolean> {
    return (await this.resolve()).updateOne(id, where, patch);
  }
  async bulkWrite(ops: readonly WriteOp[]): Promise<BulkResult> {
    return (await this.resolve()).bulkWrite(ops);
  }
  async deleteMany(filter: Filter): Promise<number> {
    return (await this.resolve()).deleteMany(filter);
  }
  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    return (await this.resolve()).ensureIndexes(indexes);
  }
}
