import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Collection, Doc, ReadStore } from '../port';
import { LogicalCollection } from '../shared/logical-collection';
import { collectionName, TARGETS_COLLECTION } from '../shared/names';
import { Targets } from '../shared/targets';
import { SqliteCollection } from './sqlite-collection';
import { SqliteDatabase } from './sqlite-database';
import { ident } from './sql-expressions';

/** The embedded read store: every collection is a table of `<dataDir>/read.sqlite`. */
export class SqliteReadStore implements ReadStore {
  private readonly collections = new Map<string, SqliteCollection<Doc>>();
  private readonly targets: Targets;

  private constructor(private readonly db: SqliteDatabase) {
    const targets = ident(TARGETS_COLLECTION);
    this.targets = new Targets(`sqlite:${db.file}`, {
      load: async (logical) =>
        db.statement(`SELECT physical FROM ${targets} WHERE logical = ?`).get(logical)?.physical as string | undefined,
      save: async (logical, physical) => {
        db.write(() =>
          db
            .statement(`INSERT INTO ${targets} (logical, physical) VALUES (?, ?) ON CONFLICT (logical) DO UPDATE SET physical = excluded.physical`)
            .run(logical, physical),
        );
      },
    });
  }

  static open(dataDir: string): SqliteReadStore {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteReadStore(new SqliteDatabase(join(resolve(dataDir), 'read.sqlite')));
  }

  collection<T extends Doc = Doc>(logical: string): Collection<T> {
    return new LogicalCollection<T>(collectionName(logical), async () => this.physical<T>(await this.targets.resolve(logical)));
  }

  physical<T extends Doc = Doc>(physicalName: string): Collection<T> {
    let collection = this.collections.get(physicalName);
    if (!collection) this.collections.set(physicalName, (collection = new SqliteCollection(this.db, physicalName)));
    return collection as unknown as Collection<T>;
  }

  target(logical: string): Promise<string> {
    return this.targets.resolve(logical);
  }

  setTarget(logical: string, physicalName: string): Promise<void> {
    return this.targets.set(logical, physicalName);
  }

  async listCollections(): Promise<string[]> {
    return this.db.tableNames().filter((name) => name !== TARGETS_COLLECTION);
  }

  async drop(physicalName: string): Promise<void> {
    this.db.dropTable(collectionName(physicalName));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
