import { existsSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { openSharedDatabase } from '@batchyard/sqlite';
import { StoreUnavailableError } from '../port';
import { containsIgnoringCase } from './filter-to-sql';
import { ident } from './sql-expressions';

/** Filters with different shapes (an `$in` of n values) make different statements; keep the recent ones. */
const STATEMENT_CACHE_SIZE = 500;

/** SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL: the file cannot be written now, whatever is written. */
const UNAVAILABLE_CODES = new Set([5, 6, 10, 13]);
const unavailable = (error: unknown) => (UNAVAILABLE_CODES.has((error as { errcode?: number } | undefined)?.errcode ?? 0) ? new StoreUnavailableError(error) : error);

export const isMissingTable = (error: unknown) => String((error as { message?: unknown } | undefined)?.message).startsWith('no such table');

/**
 * One connection to one file of the read store, which several processes and threads may share: WAL
 * (readers never wait), a 5 s busy timeout, and every write in a BEGIN IMMEDIATE transaction (the write
 * lock is taken up front, so a read-then-write inside one cannot interleave with another writer's). The
 * file is opened, and so created, on the first write, or on a read once it exists.
 */
export class SqliteDatabase {
  private connection?: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  /** Tables known to exist; a table another process drops is forgotten when a statement says so. */
  private readonly tables = new Set<string>();

  constructor(readonly file: string) {}

  private get db(): DatabaseSync {
    if (this.connection) return this.connection;
    const db = openSharedDatabase(this.file);
    db.function('rs_contains', { deterministic: true }, containsIgnoringCase);
    return (this.connection = db);
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

  /** Runs `fn` in one BEGIN IMMEDIATE transaction (joins the current one when nested); a file that stays locked or full answers `StoreUnavailableError`. */
  write<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn();
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      throw unavailable(error);
    }
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw unavailable(error);
    }
  }

  /** Whether the table exists, as this connection last saw it: a table dropped elsewhere is forgotten on its next use. */
  hasTable(name: string): boolean {
    if (this.tables.has(name)) return true;
    return this.tableExists(name);
  }

  /** Whether the table exists now, asking the file. */
  tableExists(name: string): boolean {
    if (!this.connection && !existsSync(this.file)) return false;
    const found = this.statement(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
    if (found) this.tables.add(name);
    else this.tables.delete(name);
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

  /** Drops the table and hands its pages back to the file system: a dropped generation leaves an empty file. */
  dropTable(name: string): void {
    if (!this.hasTable(name)) return;
    this.write(() => this.db.exec(`DROP TABLE IF EXISTS ${ident(name)}`));
    this.tables.delete(name);
    try {
      this.db.exec('VACUUM');
    } catch {
      // Another connection is busy with the file; its free pages are reused by the next writes instead.
    }
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  close(): void {
    this.statements.clear();
    this.connection?.close();
    this.connection = undefined;
  }
}
