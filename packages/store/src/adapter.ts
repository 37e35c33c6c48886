import type { ColumnDefinitionBuilder, Kysely, RawBuilder } from 'kysely';
import type { Database } from './schema';

/**
 * What differs between the databases, as capabilities and small SQL fragments. Shared code asks the adapter;
 * it never checks which database it is talking to.
 */
export interface DialectAdapter {
  /** Short name for logs and test titles: sqlite, postgres, pglite. */
  readonly name: string;
  /** The column type of the event log's ever-increasing sequence number. */
  readonly seqColumnType: 'integer' | 'bigserial';
  /** Configures the sequence column as an auto-incrementing primary key. */
  seqColumn(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** The text value of a top-level key of a JSON-text column, for filters. */
  jsonText(column: string, key: string): RawBuilder<string | null>;
  /**
   * Called inside every event-log append transaction. Readers follow the log by `seq > cursor`, so appends
   * must become visible in seq order: where several connections can commit concurrently (PostgreSQL), the
   * adapter serializes appends with a transaction-scoped lock; SQLite has one writer already.
   */
  lockAppends(trx: Kysely<Database>): Promise<void>;
  /** The largest number of bind parameters one statement may carry. */
  readonly maxParams: number;
  /**
   * Present on in-process databases (SQLite). Repositories bound to a transaction run their hot-path
   * statements through it: a prepared single-row statement run in a loop costs a few microseconds per row,
   * where a multi-row statement through the query builder is compiled and prepared anew for each distinct
   * row count. Only used inside a transaction, which holds the single connection, so nothing interleaves.
   * Where it is absent (PostgreSQL), repositories send multi-row statements, which save round trips.
   */
  readonly direct?: DirectExecutor;
}

/** Synchronous statements on an in-process database's connection; SQL uses `?` placeholders. */
export interface DirectExecutor {
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params: readonly unknown[]): number;
  /** The first row of a query (or of a statement's RETURNING), if any. */
  get<T>(sql: string, params: readonly unknown[]): T | undefined;
  /** Every row of a query. */
  all<T>(sql: string, params: readonly unknown[]): T[];
}
