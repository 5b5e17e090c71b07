import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { TARGETS_COLLECTION } from '../shared/names';
import { containsIgnoringCase } from './filter-to-sql';
import { ident } from './sql-expressions';

/** Filters with different shapes (an `$in` of n values) make different statements; keep the recent ones. */
const STATEMENT_CACHE_SIZE = 500;

export const isMissingTable = (error: unknown) => String((error as { message?: unknown } | undefined)?.message).startsWith('no such table');

/**
 * One connection to `read.sqlite`, which several processes may share: WAL (readers never wait), a
 * 5 s busy timeout, and every write in a BEGIN IMMEDIATE transaction (the write lock is taken up
 * front, so a read-then-write inside one cannot interleave with another process's).
 */
export class SqliteDatabase {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  /** Tables known to exist; a table another process drops is forgotten when a statement says so. */
  private readonly tables = new Set<string>();

  constructor(readonly file: string) {
    this.db = new DatabaseSync(file, { timeout: 5000 });
    this.db.exec('PRAGMA journal_mode = WAL');
    // Read models are rebuildable from events: WAL with NORMAL loses at most the last commits on power loss.
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.function('rs_contains', { deterministic: true }, containsIgnoringCase);
    this.write(() =>
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${ident(TARGETS_COLLECTION)} (logical TEXT PRIMARY KEY, physical TEXT NOT NULL)`),
    );
  }

  statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** Runs `fn` in one BEGIN IMMEDIATE transaction (joins the current one when nested). */
  write<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  hasTable(name: string): boolean {
    if (this.tables.has(name)) return true;
    const found = this.statement(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
    if (found) this.tables.add(name);
    return found;
  }

  /** Creates a collection's table; call inside `write`. */
  ensureTable(name: string): void {
    if (this.tables.has(name)) return;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${ident(name)} (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    this.tables.add(name);
  }

  forgetTable(name: string): void {
    this.tables.delete(name);
  }

  dropTable(name: string): void {
    this.write(() => this.db.exec(`DROP TABLE IF EXISTS ${ident(name)}`));
    this.tables.delete(name);
  }

  tableNames(): string[] {
    const rows = this.statement(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`).all();
    return rows.map((r) => r.name as string);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}
