import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../../schema';
import { withStatementCache } from './statement-cache';

export interface SqliteOptions {
  /** Path of the database file, or ':memory:'. */
  filename: string;
  /**
   * `full` (default) fsyncs the WAL at every commit, so a 200 answered to a client survives a power cut;
   * `normal` survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: 'full' | 'normal' | undefined;
}

// Checkpoints run on a worker; the main connection checkpoints itself only if the WAL grows past this many
// pages (~400 MB), e.g. when the worker cannot keep up.
const SAFETY_AUTOCHECKPOINT_PAGES = 100_000;

/** Opens an SQLite database file in WAL mode and wraps it in Kysely; `close` also stops the checkpointer. */
export function openSqlite(opts: SqliteOptions): {
  db: Kysely<Database>;
  raw: Sqlite.Database;
  close(): Promise<void>;
} {
  const memory = opts.filename === ':memory:';
  if (!memory) mkdirSync(dirname(opts.filename), { recursive: true });
  const raw = new Sqlite(opts.filename);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // A larger page cache keeps the identity and profile indexes in memory under ingest load.
  raw.pragma('cache_size = -65536');
  raw.pragma('temp_store = MEMORY');
  let worker: Worker | null = null;
  if (!memory) {
    raw.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT_PAGES}`);
    worker = new Worker(new URL('./checkpointer.mjs', import.meta.url), {
      workerData: { filename: opts.filename, intervalMs: 250 },
      execArgv: [],
    });
    worker.unref();
    // A checkpointer failure must not take the process down: the safety autocheckpoint still bounds the WAL.
    worker.on('error', () => raw.pragma(`wal_autocheckpoint = 1000`));
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  return {
    db,
    raw,
    async close() {
      if (!worker) return;
      const w = worker;
      worker = null;
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        w.once('message', done);
        w.once('exit', done);
        w.once('error', done);
        w.postMessage('stop');
      });
      await w.terminate();
    },
  };
}
