import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Collection, Doc, KeptCollection, ReadStore } from '../port';
import { LogicalCollection } from '../shared/logical-collection';
import { collectionName, keptName, TARGETS_COLLECTION } from '../shared/names';
import { Targets } from '../shared/targets';
import { SqliteCollection } from './sqlite-collection';
import { SqliteDatabase } from './sqlite-database';
import { ident } from './sql-expressions';

const SUFFIX = '.sqlite';

/**
 * The embedded read store: a directory `<dataDir>/read/` with one SQLite file per collection
 * (`<name>.sqlite`, a table of that name) and `_targets.sqlite` for logical → physical names. A file
 * per collection gives each its own write lock: a projection filling a large collection (in its own
 * thread, see apps/batch-service) never holds up the small writes of checkpoints, outcomes or other
 * read models. Nothing spans two collections, so nothing needs a transaction across files.
 */
export class SqliteReadStore implements ReadStore {
  private readonly databases = new Map<string, SqliteDatabase>();
  private readonly collections = new Map<string, SqliteCollection<Doc>>();
  private readonly catalog: SqliteDatabase;
  private readonly targets: Targets;

  private constructor(private readonly dir: string) {
    this.catalog = new SqliteDatabase(join(dir, `${TARGETS_COLLECTION}${SUFFIX}`));
    const table = ident(TARGETS_COLLECTION);
    const catalog = this.catalog;
    catalog.write(() => catalog.exec(`CREATE TABLE IF NOT EXISTS ${table} (logical TEXT PRIMARY KEY, physical TEXT NOT NULL)`));
    this.targets = new Targets(`sqlite:${dir}`, {
      load: async (logical) => catalog.statement(`SELECT physical FROM ${table} WHERE logical = ?`).get(logical)?.physical as string | undefined,
      save: async (logical, physical) => {
        catalog.write(() =>
          catalog.statement(`INSERT INTO ${table} (logical, physical) VALUES (?, ?) ON CONFLICT (logical) DO UPDATE SET physical = excluded.physical`).run(logical, physical),
        );
      },
    });
  }

  static open(dataDir: string): SqliteReadStore {
    const dir = join(resolve(dataDir), 'read');
    mkdirSync(dir, { recursive: true });
    return new SqliteReadStore(dir);
  }

  collection<T extends Doc = Doc>(logical: string): Collection<T> {
    return new LogicalCollection<T>(collectionName(logical), async () => this.physical<T>(await this.targets.resolve(logical)));
  }

  kept<T extends Doc = Doc>(name: KeptCollection): Collection<T> {
    return this.physical<T>(keptName(name));
  }

  physical<T extends Doc = Doc>(physicalName: string): Collection<T> {
    let collection = this.collections.get(physicalName);
    if (!collection) this.collections.set(physicalName, (collection = new SqliteCollection(this.database(physicalName), physicalName)));
    return collection as unknown as Collection<T>;
  }

  target(logical: string): Promise<string> {
    return this.targets.resolve(logical);
  }

  setTarget(logical: string, physicalName: string): Promise<void> {
    return this.targets.set(logical, physicalName);
  }

  /** Collections with a table: a dropped collection's file stays behind, empty. */
  async listCollections(): Promise<string[]> {
    return readdirSync(this.dir)
      .filter((file) => file.endsWith(SUFFIX))
      .map((file) => file.slice(0, -SUFFIX.length))
      .filter((name) => name !== TARGETS_COLLECTION && this.database(name).tableExists(name))
      .sort();
  }

  async drop(physicalName: string): Promise<void> {
    this.database(physicalName).dropTable(physicalName);
  }

  async close(): Promise<void> {
    for (const db of [this.catalog, ...this.databases.values()]) db.close();
    this.databases.clear();
    this.collections.clear();
  }

  private database(physicalName: string): SqliteDatabase {
    const name = collectionName(physicalName);
    let db = this.databases.get(name);
    if (!db) this.databases.set(name, (db = new SqliteDatabase(join(this.dir, `${name}${SUFFIX}`))));
    return db;
  }
}
