import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../../schema';

export interface SqliteOptions {
  /** Path of the database file, or ':memory:'. */
  filename: string;
  /**
   * `full` (default) fsyncs the WAL at every commit, so a 200 answered to a client survives a power cut;
   * `normal` survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: 'full' | 'normal';
}

/** Opens an SQLite database file in WAL mode and wraps it in Kysely. */
export function openSqlite(opts: SqliteOptions): { db: Kysely<Database>; raw: Sqlite.Database } {
  if (opts.filename !== ':memory:') mkdirSync(dirname(opts.filename), { recursive: true });
  const raw = new Sqlite(opts.filename);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // A larger page cache keeps the identity and profile indexes in memory under ingest load.
  raw.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, raw };
}
