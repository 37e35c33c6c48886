import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DialectAdapter, DirectExecutor } from './adapter';
import { openSqlite } from './dialect/sqlite/sqlite-dialect';
import { sqliteAdapterFor } from './dialect/sqlite/sqlite-adapter';
import { openPostgres } from './dialect/postgres/postgres-dialect';
import { postgresAdapter } from './dialect/postgres/postgres-adapter';
import { openPglite, type PgliteLike } from './dialect/pglite/pglite-dialect';
import { migrate } from './migrations/index';
import type { Database } from './schema';
import { workspacesRepo } from './repos/workspaces';
import { keysRepo } from './repos/keys';
import { eventsRepo } from './repos/events';
import { profilesRepo } from './repos/profiles';
import { identitiesRepo } from './repos/identities';
import { mergesRepo } from './repos/merges';
import { cursorsRepo } from './repos/cursors';
import { erasuresRepo } from './repos/erasures';
import { definitionsRepo, personasRepo, segmentsRepo } from './repos/segments';
import { jobsRepo } from './repos/jobs';
import { feedbackRepo, surveysRepo } from './repos/surveys';
import { outboxRepo, processesRepo } from './repos/automation';
import { auditRepo, invitationsRepo, sessionsRepo, usersRepo } from './repos/users';
import { messagingRepo } from './repos/messaging';

/** Every repository, bound to one executor (the database, or one transaction). */
function bindRepos(db: Kysely<Database>, adapter: DialectAdapter, direct?: DirectExecutor) {
  return {
    workspaces: workspacesRepo(db),
    keys: keysRepo(db),
    events: eventsRepo(db, adapter, direct),
    profiles: profilesRepo(db, adapter, direct),
    identities: identitiesRepo(db, direct),
    merges: mergesRepo(db),
    cursors: cursorsRepo(db),
    erasures: erasuresRepo(db),
    segments: segmentsRepo(db),
    computedTraits: definitionsRepo(db, 'computed_traits'),
    scoreModels: definitionsRepo(db, 'score_models'),
    personas: personasRepo(db),
    jobs: jobsRepo(db),
    surveys: surveysRepo(db),
    feedback: feedbackRepo(db),
    processes: processesRepo(db, adapter),
    outbox: outboxRepo(db, adapter),
    users: usersRepo(db),
    sessions: sessionsRepo(db),
    invitations: invitationsRepo(db),
    audit: auditRepo(db),
    messaging: messagingRepo(db),
  };
}

/** The repositories available inside a transaction, plus savepoints. */
export type StoreTx = ReturnType<typeof bindRepos> & {
  /**
   * Runs `fn` under a savepoint: if it throws, its writes are rolled back and the error rethrown, while the
   * writes made before it in the transaction stay (the caller decides whether to commit them).
   */
  savepoint<T>(name: string, fn: () => Promise<T>): Promise<T>;
};

function bindTx(trx: Kysely<Database>, adapter: DialectAdapter): StoreTx {
  return {
    // The direct executor only inside a transaction: there the transaction holds the single connection.
    ...bindRepos(trx, adapter, adapter.direct),
    async savepoint<T>(name: string, fn: () => Promise<T>): Promise<T> {
      if (!/^[a-z_]+$/.test(name)) throw new Error(`invalid savepoint name ${name}`);
      await sql.raw(`savepoint ${name}`).execute(trx);
      try {
        const out = await fn();
        await sql.raw(`release savepoint ${name}`).execute(trx);
        return out;
      } catch (e) {
        await sql.raw(`rollback to savepoint ${name}`).execute(trx);
        await sql.raw(`release savepoint ${name}`).execute(trx);
        throw e;
      }
    },
  };
}

/** The store port: repositories plus transactions, the same on SQLite and PostgreSQL. */
export class Store {
  readonly workspaces;
  readonly keys;
  readonly events;
  readonly profiles;
  readonly identities;
  readonly merges;
  readonly cursors;
  readonly erasures;
  readonly segments;
  readonly computedTraits;
  readonly scoreModels;
  readonly personas;
  readonly jobs;
  readonly surveys;
  readonly feedback;
  readonly processes;
  readonly outbox;
  readonly users;
  readonly sessions;
  readonly invitations;
  readonly audit;
  readonly messaging;

  constructor(
    /** Exposed for the conformance suite and schema dumps only; application code uses the repositories. */
    readonly db: Kysely<Database>,
    readonly adapter: DialectAdapter,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    const r = bindRepos(db, adapter);
    this.workspaces = r.workspaces;
    this.keys = r.keys;
    this.events = r.events;
    this.profiles = r.profiles;
    this.identities = r.identities;
    this.merges = r.merges;
    this.cursors = r.cursors;
    this.erasures = r.erasures;
    this.segments = r.segments;
    this.computedTraits = r.computedTraits;
    this.scoreModels = r.scoreModels;
    this.personas = r.personas;
    this.jobs = r.jobs;
    this.surveys = r.surveys;
    this.feedback = r.feedback;
    this.processes = r.processes;
    this.outbox = r.outbox;
    this.users = r.users;
    this.sessions = r.sessions;
    this.invitations = r.invitations;
    this.audit = r.audit;
    this.messaging = r.messaging;
  }

  /** Runs `fn` in one transaction: all of its writes commit together or none do. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(bindTx(trx, this.adapter)));
  }

  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]> {
    return migrate(this.db as unknown as Kysely<unknown>, this.adapter);
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await this.db.destroy();
    await this.onClose();
  }
}

/** Where the data lives: PostgreSQL when `databaseUrl` is set, otherwise an SQLite file under `dataDir`. */
export interface StoreConfig {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** SQLite only: see {@link SqliteOptions.synchronous}. */
  sqliteSynchronous?: 'full' | 'normal' | undefined;
  /** PostgreSQL only: connections in the pool. */
  poolSize?: number | undefined;
}

/** Opens the configured store and applies migrations. */
export async function openStore(config: StoreConfig): Promise<Store> {
  let store: Store;
  if (config.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
      throw new Error(
        'DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset to use embedded SQLite)',
      );
    }
    const { db } = openPostgres(config.databaseUrl, config.poolSize);
    store = new Store(db, postgresAdapter('postgres'));
  } else {
    const filename = join(config.dataDir ?? './data', 'omnicx.sqlite');
    const { db, raw, close } = openSqlite({ filename, synchronous: config.sqliteSynchronous });
    store = new Store(db, sqliteAdapterFor(raw), close);
  }
  try {
    await store.migrate();
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
  return store;
}

/** Opens a store on an existing PGlite instance (tests run the PostgreSQL dialect in-process this way). */
export async function openPgliteStore(pg: PgliteLike): Promise<Store> {
  const store = new Store(openPglite(pg), postgresAdapter('pglite'));
  await store.migrate();
  return store;
}
