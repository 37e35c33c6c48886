// Test support shared by every package's tests: the dialects a conformance test loops over.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPgliteStore, openStore, type Store } from './store';

/** One database a test can run against. */
export interface TestDialect {
  name: 'sqlite' | 'pglite' | 'postgres';
  /** Opens a fresh, empty, migrated store; `cleanup` closes and deletes it. */
  open(): Promise<{
    store: Store;
    config: { databaseUrl?: string; dataDir?: string };
    cleanup(): Promise<void>;
  }>;
}

let counter = 0;

/** Creates a new empty PostgreSQL database on the server at `baseUrl`; `drop` removes it. */
export async function createPgDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `omnicx_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A fresh temporary directory; the caller removes it. */
export function tempDir(prefix = 'omnicx-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const sqlite: TestDialect = {
  name: 'sqlite',
  async open() {
    const dataDir = tempDir();
    const store = await openStore({ dataDir, sqliteSynchronous: 'normal' });
    return {
      store,
      config: { dataDir },
      async cleanup() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const pglite: TestDialect = {
  name: 'pglite',
  async open() {
    const { PGlite } = await import('@electric-sql/pglite');
    const store = await openPgliteStore(new PGlite());
    return { store, config: {}, cleanup: () => store.close() };
  },
};

function postgres(baseUrl: string): TestDialect {
  return {
    name: 'postgres',
    async open() {
      const db = await createPgDatabase(baseUrl);
      const store = await openStore({ databaseUrl: db.url, poolSize: 4 });
      return {
        store,
        config: { databaseUrl: db.url },
        async cleanup() {
          await store.close();
          await db.drop();
        },
      };
    },
  };
}

/**
 * The dialects to test: SQLite and PGlite always; the real PostgreSQL server too when OMNICX_TEST_PG_URL is
 * set (`npm run test:pg`, and CI). OMNICX_TEST_DIALECTS=sqlite,postgres narrows the list.
 */
export function testDialects(): TestDialect[] {
  const all: TestDialect[] = [sqlite, pglite];
  const url = process.env.OMNICX_TEST_PG_URL;
  if (url) all.push(postgres(url));
  const only = process.env.OMNICX_TEST_DIALECTS?.split(',').map((s) => s.trim());
  return only ? all.filter((d) => only.includes(d.name)) : all;
}

/** The server-backed dialects (for end-to-end tests that start a separate process): SQLite, and PostgreSQL when configured. */
export function processDialects(): TestDialect[] {
  return testDialects().filter((d) => d.name !== 'pglite');
}

export { dumpSchema } from './schema-dump';
