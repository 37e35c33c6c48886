import { sql } from 'kysely';
import type Sqlite from 'better-sqlite3';
import type { DialectAdapter, DirectExecutor } from '../../adapter';

/** SQLite: one writer at a time, so appends are already serialized. */
export const sqliteAdapter: DialectAdapter = {
  name: 'sqlite',
  seqColumnType: 'integer',
  seqColumn: (col) => col.primaryKey().autoIncrement(),
  jsonText: (column, key) =>
    sql<string | null>`json_extract(${sql.ref(column)}, ${'$."' + key.replace(/"/g, '') + '"'})`,
  lockAppends: async () => {},
  maxParams: 30000,
};

/** The adapter for one open SQLite connection, with its direct executor (prepared statements, cached). */
export function sqliteAdapterFor(raw: Sqlite.Database): DialectAdapter {
  return { ...sqliteAdapter, direct: directExecutor(raw) };
}

function directExecutor(raw: Sqlite.Database): DirectExecutor {
  const cache = new Map<string, Sqlite.Statement>();
  const prepared = (text: string): Sqlite.Statement => {
    let stmt = cache.get(text);
    if (!stmt) cache.set(text, (stmt = raw.prepare(text)));
    return stmt;
  };
  return {
    run: (text, params) => prepared(text).run(...params).changes,
    get: <T>(text: string, params: readonly unknown[]) => prepared(text).get(...params) as T | undefined,
    all: <T>(text: string, params: readonly unknown[]) => prepared(text).all(...params) as T[],
  };
}
