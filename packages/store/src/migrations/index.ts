import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectAdapter } from '../adapter';
import * as m0001 from './0001_init';
import * as m0002 from './0002_segments';
import * as m0003 from './0003_automation';
import * as m0004 from './0004_surveys';
import * as m0005 from './0005_channels';
import * as m0006 from './0006_users';

// Append only. The key is the migration's name as recorded in the database.
const MIGRATIONS: Record<string, { up(db: Kysely<unknown>, a: DialectAdapter): Promise<void> }> = {
  '0001_init': m0001,
  '0002_segments': m0002,
  '0003_automation': m0003,
  '0004_surveys': m0004,
  '0005_channels': m0005,
  '0006_users': m0006,
};

/** Applies every pending migration in order; throws with the failing migration's name. */
export async function migrate(db: Kysely<unknown>, adapter: DialectAdapter): Promise<string[]> {
  const provider: MigrationProvider = {
    getMigrations: async () =>
      Object.fromEntries(
        Object.entries(MIGRATIONS).map(([name, m]): [string, Migration] => [
          name,
          { up: (d) => m.up(d, adapter) },
        ]),
      ),
  };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'omnicx_migrations',
    migrationLockTableName: 'omnicx_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error).message ?? error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
