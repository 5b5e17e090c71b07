import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSharedDatabase } from './shared-database';

const hook = path.join(__dirname, '../../../tools/test-support/src/register-typescript.js');

/** A process that opens `files` new SQLite files in `dir` one after another and prints how many failed. */
function opener(dir: string, files: number): Promise<string> {
  const child = spawn(process.execPath, [
    '-e',
    `require(${JSON.stringify(hook)});
     const { openSharedDatabase } = require(${JSON.stringify(path.join(__dirname, 'shared-database.ts'))});
     let failed = 0;
     for (let i = 0; i < ${files}; i++) {
       try { openSharedDatabase(${JSON.stringify(dir)} + '/f' + i + '.sqlite').exec('CREATE TABLE IF NOT EXISTS t (x)'); }
       catch (error) { failed++; console.error(error.message); }
     }
     process.stdout.write('failed ' + failed);`,
  ]);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.once('exit', () => resolve(out)));
}

describe('openSharedDatabase', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'batchyard-sqlite-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // With a plain `PRAGMA journal_mode = WAL`, a few of these 4 x 200 opens failed at once with "database is locked".
  it('opens new files that several processes open at the same moment, none failing', async () => {
    const dir = mkdtempSync(path.join(root, 'race-'));
    expect(await Promise.all([1, 2, 3, 4].map(() => opener(dir, 200)))).toEqual(['failed 0', 'failed 0', 'failed 0', 'failed 0']);
  }, 60_000);

  it('opens a file in WAL mode with synchronous NORMAL', () => {
    const db = openSharedDatabase(path.join(root, 'new.sqlite'));
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 1 });
    db.close();
  });
});
