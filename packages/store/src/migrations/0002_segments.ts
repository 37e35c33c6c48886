import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../adapter';

/**
 * Segments, static lists, computed traits, score models, personas, and the durable jobs table.
 *
 * The per-profile state segments are evaluated from (aggregates: counters per window bucket) and the
 * profile's current memberships live on the profile row itself: the pipeline already rewrites that row for
 * every event, so keeping them there costs no extra random page write per event. `segment_members` is the
 * same membership indexed by segment, written only when it changes.
 */
export async function up(db: Kysely<unknown>, _a: DialectAdapter): Promise<void> {
  await db.schema
    .alterTable('profiles')
    .addColumn('aggregates', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .alterTable('profiles')
    .addColumn('memberships', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();

  await db.schema
    .createTable('segments')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    // 'dynamic' (a rule, evaluated in real time) or 'list' (static: members added and removed explicitly).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rule', 'text')
    // 'building' while the background recompute runs over every profile, then 'ready'.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('build_done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('build_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('build_cursor', 'text')
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('segments_pk', ['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('segment_members')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('segment_members_pk', ['workspace_id', 'segment_id', 'profile_id'])
    .execute();
  await db.schema
    .createIndex('segment_members_profile')
    .on('segment_members')
    .columns(['workspace_id', 'profile_id'])
    .execute();

  // Segment size over time: one row per segment and hour, holding the last size seen in that hour.
  await db.schema
    .createTable('segment_sizes')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'bigint', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('segment_sizes_pk', ['workspace_id', 'segment_id', 'hour'])
    .execute();

  for (const table of ['computed_traits', 'score_models']) {
    await db.schema
      .createTable(table)
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['workspace_id', 'id'])
      .execute();
  }

  await db.schema
    .createTable('personas')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('goals', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('critical_needs', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('preferred_channels', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('image_url', 'text')
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('personas_pk', ['workspace_id', 'id'])
    .execute();

  // Durable time (ARCHITECTURE "Durable time"): every wait is a row. (kind, key) is unique per workspace,
  // so scheduling the same thing again moves its time instead of adding a second job.
  await db.schema
    .createTable('jobs')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('jobs_key')
    .on('jobs')
    .columns(['workspace_id', 'kind', 'key'])
    .unique()
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['run_at']).execute();
}
