import type Sqlite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely prepares every statement anew; the pipeline and ingest run the same few statements thousands of
 * times a second. This wraps the database so `prepare` reuses compiled statements (LRU by SQL text). Safe
 * because Kysely's SQLite driver runs one statement at a time on its single connection.
 */
export function withStatementCache(db: Sqlite.Database, size = 256): SqliteDatabase {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt as unknown as SqliteStatement;
    },
  };
}
