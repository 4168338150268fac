import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpoolOpenError } from './spool-open-error.js';
import { SqliteSpool } from './sqlite-spool.js';

/** The database file in a spool folder (SQLite adds `-wal` beside it while it is open). */
export const SPOOL_FILE = 'spool.sqlite';

/** How long opening waits for a spool another process holds, in ms. */
const BUSY_TIMEOUT_MS = 1000;

/**
 * Opens (creating if needed) the spool in `dir`: SQLite through better-sqlite3, loaded only here,
 * so a bridge without a spool never loads it. WAL journal with `synchronous = NORMAL`: a commit
 * is written to the WAL before the export is answered, so a killed process (kill -9, OOM) loses
 * nothing acknowledged; only an OS crash or power cut may lose the last commits (never the
 * database). The file is locked for this process alone: a second bridge on the same folder is
 * refused with a clear message.
 */
export async function openSqliteSpool(dir: string, maxBytes: number): Promise<SqliteSpool> {
  const { default: Database } = await import('better-sqlite3');
  let db: InstanceType<typeof Database>;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    db = new Database(join(dir, SPOOL_FILE), { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new SpoolOpenError(`the spool ${dir} cannot be opened: ${(error as Error).message}`);
  }
  try {
    // Exclusive before WAL: no shared-memory index, and no other process may open the file.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('journal_size_limit = 8388608');
    // A write now takes the exclusive lock, held until close.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return new SqliteSpool(db, dir, maxBytes);
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new SpoolOpenError(
        `the spool ${dir} is in use by another bridge: give each bridge its own spool folder`,
      );
    }
    throw new SpoolOpenError(`the spool ${dir} cannot be opened: ${(error as Error).message}`);
  }
}
