import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Database } from '../../schema';

/** The slice of PGlite this driver needs, so tests can inject an instance. */
export type PgliteLike = Pick<PGlite, 'query' | 'close'>;

/** PGlite is one session: connections take turns through this lock so transactions never interleave. */
class PgliteDriver implements Driver {
  #queue: Promise<void> = Promise.resolve();
  constructor(private readonly pg: PgliteLike) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const prev = this.#queue;
    this.#queue = new Promise<void>((r) => (release = r));
    await prev;
    return new PgliteConnection(this.pg, release);
  }
  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    (conn as PgliteConnection).release();
  }
  async destroy(): Promise<void> {
    await this.pg.close();
  }
}

class PgliteConnection implements DatabaseConnection {
  constructor(
    private readonly pg: PgliteLike,
    readonly release: () => void,
  ) {}
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const res = await this.pg.query<R>(q.sql, [...q.parameters], {
      parsers: { 20: Number, 1700: Number },
    });
    return { rows: res.rows, numAffectedRows: BigInt(res.affectedRows ?? 0) };
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on PGlite');
  }
}

/** Wraps a PGlite instance (WASM PostgreSQL, used by the test suite) in Kysely. */
export function openPglite(pg: PgliteLike): Kysely<Database> {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new PgliteDriver(pg),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
