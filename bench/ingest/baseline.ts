// Baseline: the same rows the server would store, inserted with better-sqlite3 directly (prepared statement,
// 100 rows per transaction) into an equivalent events table, in WAL mode with the same synchronous setting.
// This is the ceiling of "write events to SQLite" on this machine, measured in the same run as the server.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type SqliteType from 'better-sqlite3';
import { parseBatch, type IncomingEvent } from '@omnicx/core';
import { tempDir } from '@omnicx/store/testing';
import { Workload } from './workload';

// better-sqlite3 is a dependency of @omnicx/store only; resolve it from there.
const Sqlite = createRequire(new URL('../../packages/store/package.json', import.meta.url))(
  'better-sqlite3',
) as typeof SqliteType;

/** The events table and indexes of migration 0001, as SQLite DDL. */
const DDL = `
create table events (
  seq integer primary key autoincrement,
  workspace_id text not null,
  message_id text not null,
  type text not null,
  name text,
  user_id text,
  anonymous_id text,
  profile_id text,
  channel text not null,
  touchpoint text,
  timestamp bigint not null,
  received_at bigint not null,
  payload text not null
);
create unique index events_message_id on events (workspace_id, message_id);
create index events_log on events (workspace_id, seq);
create index events_timeline on events (workspace_id, profile_id, timestamp, seq);
`;

export interface BaselineResult {
  synchronous: 'full' | 'normal';
  rows: number;
  seconds: number;
  rowsPerSec: number;
  /** Bytes written (write syscalls of this process: WAL and checkpoints) per row. */
  bytesPerRow: number;
}

/** Bytes this process passed to write(2) so far (/proc/self/io wchar; NaN where unavailable). */
function written(): number {
  try {
    const m = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Parses generated messages exactly as the server does, so the stored payloads are identical. */
export function storedRows(count: number, users: number, seed: number, anonShare?: number): IncomingEvent[] {
  const work = new Workload({ users, seed, anonShare });
  const out: IncomingEvent[] = [];
  let n = 0;
  for (const { body } of work.bodies(count, 100)) {
    const parsed = parseBatch(JSON.parse(body), { receivedAt: Date.now(), newMessageId: () => `msg_${n++}` });
    if (!parsed.ok) throw new Error(`generated batch does not parse: ${parsed.error.message}`);
    out.push(...parsed.value);
  }
  return out;
}

/** Inserts `rows` in transactions of `perTx` rows; returns rows/s. */
export function runBaseline(
  rows: IncomingEvent[],
  synchronous: 'full' | 'normal',
  perTx = 100,
): BaselineResult {
  const dir = tempDir('omnicx-bench-baseline-');
  const db = new Sqlite(join(dir, 'baseline.sqlite'));
  try {
    // The pragmas of packages/store/src/dialect/sqlite/sqlite-dialect.ts.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    db.exec(DDL);
    const insert = db.prepare(
      `insert into events (workspace_id, message_id, type, name, user_id, anonymous_id, profile_id, channel,
         touchpoint, timestamp, received_at, payload) values (?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, ?)`,
    );
    const insertMany = db.transaction((part: IncomingEvent[]) => {
      for (const e of part) {
        insert.run(
          'ws_bench',
          e.messageId,
          e.type,
          e.name,
          e.userId,
          e.anonymousId,
          e.channel,
          e.touchpoint,
          e.timestamp,
          e.receivedAt,
          e.json,
        );
      }
    });
    const w0 = written();
    const started = performance.now();
    for (let i = 0; i < rows.length; i += perTx) insertMany(rows.slice(i, i + perTx));
    const seconds = (performance.now() - started) / 1000;
    const bytesPerRow = (written() - w0) / rows.length;
    return { synchronous, rows: rows.length, seconds, rowsPerSec: rows.length / seconds, bytesPerRow };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
