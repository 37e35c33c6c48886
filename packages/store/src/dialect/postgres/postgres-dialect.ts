import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../schema';

// int8 (bigint) and numeric columns hold epoch milliseconds, sequence numbers and counts: all fit in a double.
const NUMBER_OIDS = new Set([20, 1700]);

/** Opens a PostgreSQL connection pool (`postgres://...` URL) and wraps it in Kysely. */
export function openPostgres(url: string, poolSize = 10): { db: Kysely<Database>; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        NUMBER_OIDS.has(oid)
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}
