import { sql } from 'kysely';
import type { DialectAdapter } from '../../adapter';

// Arbitrary constant naming the advisory lock that serializes event-log appends.
const APPEND_LOCK_KEY = 0x6f6d6e69;

/** PostgreSQL (server or PGlite): concurrent writers, so appends take an advisory lock to commit in seq order. */
export function postgresAdapter(name: string): DialectAdapter {
  return {
    name,
    seqColumnType: 'bigserial',
    seqColumn: (col) => col.primaryKey(),
    jsonText: (column, key) => sql<string | null>`(${sql.ref(column)}::jsonb ->> ${key})`,
    lockAppends: async (trx) => {
      await sql`select pg_advisory_xact_lock(${APPEND_LOCK_KEY})`.execute(trx);
    },
    maxParams: 30000,
  };
}
