import type { SQLInputValue } from 'node:sqlite';
import { DuplicateKeyError, type BulkResult, type Collection, type Doc, type FindOptions, type Filter, type IndexSpec, type WriteOp } from '../port';
import { checkId, checkPatch, checkPosition, inIdOrder, isEmptyPatch, storedDoc, type CheckedPatch, type Patch } from '../shared/documents';
import { normalizeFilter } from '../shared/filter-ast';
import { indexTerms, planFind } from '../shared/find-plan';
import { collectionName } from '../shared/names';
import { applyPatch } from './apply-patch';
import { filterToSql } from './filter-to-sql';
import { findSql, orderBySql } from './query-to-sql';
import { isMissingTable, type SqliteDatabase } from './sqlite-database';
import { fieldExpr, ident } from './sql-expressions';

/** Writes per transaction: long enough to be fast, short enough that other processes get the lock. */
const OPS_PER_TRANSACTION = 10_000;

const POSITION = fieldExpr('_position');

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += OPS_PER_TRANSACTION) out.push(items.slice(i, i + OPS_PER_TRANSACTION));
  return out;
}

/** Maps a primary-key or unique-index violation to DuplicateKeyError (key: the index name, `_id` for the key). */
function duplicateKey(collection: string, error: unknown): DuplicateKeyError | undefined {
  const code = (error as { errcode?: number }).errcode;
  if (code !== 1555 && code !== 2067) return undefined; // SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE
  return new DuplicateKeyError(collection, /index '[^'#]*#([^']+)'/.exec((error as Error).message)?.[1] ?? '_id');
}

const parse = <T>(row: Record<string, SQLInputValue> | undefined) => (row ? (JSON.parse(row.doc as string) as T) : undefined);

/** One collection as a table `(_id TEXT PRIMARY KEY, doc TEXT)`; the JSON in `doc` includes `_id`. */
export class SqliteCollection<T extends Doc> implements Collection<T> {
  private readonly table: string;
  private readonly sql: Record<'get' | 'getMany' | 'insert' | 'put' | 'putGuarded' | 'update' | 'delete' | 'deleteGuarded', string>;

  constructor(
    private readonly db: SqliteDatabase,
    readonly name: string,
  ) {
    this.table = ident(collectionName(name));
    const t = this.table;
    this.sql = {
      get: `SELECT doc FROM ${t} WHERE _id = ?`,
      getMany: `SELECT doc FROM ${t} WHERE _id IN (SELECT value FROM json_each(?))`,
      insert: `INSERT INTO ${t} (_id, doc) VALUES (?, ?)`,
      put: `INSERT INTO ${t} (_id, doc) VALUES (?, ?) ON CONFLICT (_id) DO UPDATE SET doc = excluded.doc`,
      putGuarded: `INSERT INTO ${t} (_id, doc) VALUES (?1, ?2) ON CONFLICT (_id) DO UPDATE SET doc = excluded.doc WHERE ${POSITION} < ?3`,
      update: `UPDATE ${t} SET doc = ? WHERE _id = ?`,
      delete: `DELETE FROM ${t} WHERE _id = ?`,
      deleteGuarded: `DELETE FROM ${t} WHERE _id = ? AND ${POSITION} < ?`,
    };
  }

  async get(id: string): Promise<T | undefined> {
    return this.read(undefined, () => parse<T>(this.db.statement(this.sql.get).get(checkId(id))));
  }

  async getMany(ids: readonly string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const rows = this.read([], () => this.db.statement(this.sql.getMany).all(JSON.stringify(ids.map(checkId))));
    return inIdOrder(
      ids,
      rows.map((r) => parse<T>(r)!),
    );
  }

  async find(filter: Filter, options?: FindOptions): Promise<T[]> {
    const { sql, params } = findSql(this.name, normalizeFilter(filter), planFind(options));
    return this.read([], () =>
      this.db
        .statement(sql)
        .all(...params)
        .map((r) => parse<T>(r)!),
    );
  }

  async count(filter: Filter): Promise<number> {
    const where = filterToSql(normalizeFilter(filter));
    const sql = `SELECT count(*) AS n FROM ${this.table} WHERE ${where.sql}`;
    return this.read(0, () => Number(this.db.statement(sql).get(...where.params)!.n));
  }

  async insert(doc: T): Promise<void> {
    const stored = storedDoc(doc._id, doc);
    try {
      this.write(() => this.db.statement(this.sql.insert).run(stored._id, JSON.stringify(stored)));
    } catch (error) {
      throw duplicateKey(this.name, error) ?? error;
    }
  }

  async insertMany(docs: readonly T[]): Promise<{ duplicates: string[] }> {
    const duplicates: string[] = [];
    for (const [i, chunk] of chunks(docs).entries()) {
      if (i > 0) await yieldToEventLoop();
      const clashed = this.write(() => {
        const ids: string[] = [];
        const insert = this.db.statement(this.sql.insert);
        for (const doc of chunk) {
          const stored = storedDoc(doc._id, doc);
          try {
            insert.run(stored._id, JSON.stringify(stored));
          } catch (error) {
            // A failed statement is undone on its own; the transaction goes on.
            if (!duplicateKey(this.name, error)) throw error;
            ids.push(stored._id);
          }
        }
        return ids;
      });
      duplicates.push(...clashed);
    }
    return { duplicates };
  }

  async updateOne(id: string, where: Filter, patch: Patch): Promise<boolean> {
    const condition = filterToSql(normalizeFilter(where));
    const checked = checkPatch(patch);
    const select = `SELECT doc FROM ${this.table} WHERE _id = ? AND (${condition.sql})`;
    if (!this.db.hasTable(this.name)) return false;
    try {
      return this.write(() => {
        const doc = parse<Doc>(this.db.statement(select).get(checkId(id), ...condition.params));
        if (!doc) return false;
        if (!isEmptyPatch(checked)) this.replace(doc, checked);
        return true;
      });
    } catch (error) {
      throw duplicateKey(this.name, error) ?? error;
    }
  }

  /**
   * Applies the ops in order, a transaction per chunk. An op that clashes with a unique index is
   * skipped and the rest still apply; then the first clash is thrown (as MongoDB's unordered bulk does).
   */
  async bulkWrite(ops: readonly WriteOp[]): Promise<BulkResult> {
    let applied = 0;
    let clash: DuplicateKeyError | undefined;
    for (const [i, chunk] of chunks(ops).entries()) {
      if (i > 0) await yieldToEventLoop();
      const done = this.write(() => {
        let n = 0;
        let first: DuplicateKeyError | undefined;
        for (const op of chunk) {
          try {
            n += this.apply(op) ? 1 : 0;
          } catch (error) {
            const duplicate = duplicateKey(this.name, error);
            if (!duplicate) throw error;
            first ??= duplicate;
          }
        }
        return { n, first };
      });
      applied += done.n;
      clash ??= done.first;
    }
    if (clash) throw clash;
    return { applied };
  }

  async deleteMany(filter: Filter): Promise<number> {
    const where = filterToSql(normalizeFilter(filter));
    if (!this.db.hasTable(this.name)) return 0;
    return Number(this.write(() => this.db.statement(`DELETE FROM ${this.table} WHERE ${where.sql}`).run(...where.params).changes));
  }

  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    const statements = indexes.map(
      (spec) => `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${ident(`${this.name}#${spec.name}`)} ON ${this.table} (${orderBySql(indexTerms(spec))})`,
    );
    this.write(() => statements.forEach((sql) => this.db.exec(sql)));
  }

  /** One write op inside the current transaction; true when it applied. */
  private apply(op: WriteOp): boolean {
    const id = checkId(op.id);
    const position = checkPosition(op.position);
    switch (op.kind) {
      case 'put': {
        const json = JSON.stringify(storedDoc(id, op.doc, position));
        const result = position === undefined ? this.db.statement(this.sql.put).run(id, json) : this.db.statement(this.sql.putGuarded).run(id, json, position);
        return result.changes > 0;
      }
      case 'delete': {
        const result = position === undefined ? this.db.statement(this.sql.delete).run(id) : this.db.statement(this.sql.deleteGuarded).run(id, position);
        return result.changes > 0;
      }
      case 'patch': {
        const patch = checkPatch(op);
        if (isEmptyPatch(patch) && position === undefined) return false;
        const doc = parse<Doc>(this.db.statement(this.sql.get).get(id));
        if (!doc) {
          if (!op.upsert) return false;
          const created: Doc = { _id: id };
          applyPatch(created, patch);
          if (position !== undefined) created._position = position;
          this.db.statement(this.sql.insert).run(id, JSON.stringify(created));
          return true;
        }
        if (position !== undefined && (doc._position ?? -Infinity) >= position) return false;
        if (position !== undefined) doc._position = position;
        this.replace(doc, patch);
        return true;
      }
    }
  }

  private replace(doc: Doc, patch: CheckedPatch): void {
    applyPatch(doc, patch);
    this.db.statement(this.sql.update).run(JSON.stringify(doc), doc._id);
  }

  /** Reads from a table that does not exist (yet, or any more) find nothing. */
  private read<R>(empty: R, query: () => R): R {
    if (!this.db.hasTable(this.name)) return empty;
    try {
      return query();
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      this.db.forgetTable(this.name);
      return empty;
    }
  }

  /** Writes create the table; if another process dropped it since we last looked, once more. */
  private write<R>(fn: () => R): R {
    const attempt = () =>
      this.db.write(() => {
        this.db.ensureTable(this.name);
        return fn();
      });
    try {
      return attempt();
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      this.db.forgetTable(this.name);
      return attempt();
    }
  }
}
