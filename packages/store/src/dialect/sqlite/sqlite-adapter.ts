import { sql } from 'kysely';
import type { DialectAdapter } from '../../adapter';

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
