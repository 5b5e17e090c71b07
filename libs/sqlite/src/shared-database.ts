import { DatabaseSync } from 'node:sqlite';

/** How long a connection waits for another process's lock before it fails. */
export const BUSY_TIMEOUT_MS = 5000;

const SQLITE_BUSY = 5;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Opens a SQLite file that several processes share (decisions.md: the embedded stores), in WAL mode with the busy
 * timeout. Switching a file to WAL takes an exclusive lock and SQLite answers SQLITE_BUSY to it at once, without its
 * busy handler, while another process opens the same new file: apps started together failed with "database is
 * locked". The switch is tried again until the timeout, as the busy handler would.
 */
export function openSharedDatabase(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS });
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      db.exec('PRAGMA journal_mode = WAL');
      break;
    } catch (error) {
      if ((error as { errcode?: number }).errcode !== SQLITE_BUSY || Date.now() >= deadline) {
        db.close();
        throw error;
      }
      // A constructor's caller expects a usable connection: wait in place (the other process's switch takes ms).
      Atomics.wait(pause, 0, 0, wait);
    }
  }
  // NORMAL is durable against a killed process in WAL mode; only a power loss can drop the last commits.
  db.exec('PRAGMA synchronous = NORMAL');
  return db;
}
