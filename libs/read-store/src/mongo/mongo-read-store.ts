import mongoose, { type Connection } from 'mongoose';
import type { Db } from 'mongodb';
import type { Collection, Doc, KeptCollection, ReadStore } from '../port';
import { LogicalCollection } from '../shared/logical-collection';
import { collectionName, keptName, TARGETS_COLLECTION } from '../shared/names';
import { Targets } from '../shared/targets';
import { MongoCollection } from './mongo-collection';
import { reaching } from './mongo-errors';

const NAMESPACE_NOT_FOUND = 26;

/** The distributed read store: one MongoDB collection per physical collection, targets in `_targets`. */
export class MongoReadStore implements ReadStore {
  private readonly collections = new Map<string, MongoCollection<Doc>>();
  private readonly targets: Targets;

  private constructor(
    private readonly connection: Connection,
    private readonly db: Db,
  ) {
    const table = db.collection<{ _id: string; physical: string }>(TARGETS_COLLECTION);
    this.targets = new Targets(`mongo:${connection.host}:${connection.port}/${db.databaseName}`, {
      load: (logical) => reaching(async () => (await table.findOne({ _id: logical }))?.physical),
      save: (logical, physical) => reaching(async () => void (await table.updateOne({ _id: logical }, { $set: { physical } }, { upsert: true }))),
    });
  }

  static async open(url: string): Promise<MongoReadStore> {
    // Undefined fields are left out, as JSON (and so the SQLite store) leaves them out.
    const connection = await mongoose.createConnection(url, { ignoreUndefined: true }).asPromise();
    return new MongoReadStore(connection, connection.db!);
  }

  collection<T extends Doc = Doc>(logical: string): Collection<T> {
    return new LogicalCollection<T>(collectionName(logical), async () => this.physical<T>(await this.targets.resolve(logical)));
  }

  kept<T extends Doc = Doc>(name: KeptCollection): Collection<T> {
    return this.physical<T>(keptName(name));
  }

  physical<T extends Doc = Doc>(physicalName: string): Collection<T> {
    let collection = this.collections.get(physicalName);
    if (!collection) {
      collection = new MongoCollection(this.db.collection<Doc>(collectionName(physicalName)), physicalName);
      this.collections.set(physicalName, collection);
    }
    return collection as unknown as Collection<T>;
  }

  target(logical: string): Promise<string> {
    return this.targets.resolve(logical);
  }

  setTarget(logical: string, physicalName: string): Promise<void> {
    return this.targets.set(logical, physicalName);
  }

  async listCollections(): Promise<string[]> {
    const infos = await reaching(() => this.db.listCollections({}, { nameOnly: true }).toArray());
    return infos
      .map((c) => c.name)
      .filter((name) => name !== TARGETS_COLLECTION && !name.startsWith('system.'))
      .sort();
  }

  async drop(physicalName: string): Promise<void> {
    try {
      await reaching(() => this.db.dropCollection(collectionName(physicalName)));
    } catch (error) {
      // MongoDB before 7.0 and mongo-java-server refuse to drop what is not there.
      const { code, message } = error as { code?: number; message?: string };
      if (code !== NAMESPACE_NOT_FOUND && !message?.includes('ns not found')) throw error;
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
