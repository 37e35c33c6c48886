import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../adapter';

/**
 * Automation processes (ARCHITECTURE steps 6–8): processes and their immutable published versions, instances
 * with their state, per-instance history, per-node counters, entry bookkeeping per profile, the outbox of
 * effects, agent tasks, and bulk starts with progress.
 */
export async function up(db: Kysely<unknown>, _a: DialectAdapter): Promise<void> {
  await db.schema
    .createTable('processes')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // draft (never published), published, paused, archived.
    .addColumn('status', 'text', (c) => c.notNull())
    // The definition being edited; publishing copies it into process_versions.
    .addColumn('draft', 'text', (c) => c.notNull())
    .addColumn('published_version', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('processes_pk', ['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('process_versions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('process_versions_pk', ['workspace_id', 'process_id', 'version'])
    .execute();

  await db.schema
    .createTable('process_instances')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('node', 'text')
    // 1 while active / waiting / held: the partial "running" lookups filter on it.
    .addColumn('running', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addPrimaryKeyConstraint('process_instances_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('process_instances_profile')
    .on('process_instances')
    .columns(['workspace_id', 'profile_id', 'running'])
    .execute();
  await db.schema
    .createIndex('process_instances_process')
    .on('process_instances')
    .columns(['workspace_id', 'process_id', 'running', 'node'])
    .execute();

  await db.schema
    .createTable('process_entries')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('running', 'integer', (c) => c.notNull())
    .addColumn('recent', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('last_entered_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('process_entries_pk', ['workspace_id', 'process_id', 'profile_id'])
    .execute();

  await db.schema
    .createTable('process_history')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('node', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addPrimaryKeyConstraint('process_history_pk', ['workspace_id', 'instance_id', 'seq'])
    .execute();

  await db.schema
    .createTable('process_node_stats')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('counter', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('process_node_stats_pk', [
      'workspace_id',
      'process_id',
      'version',
      'node',
      'counter',
    ])
    .execute();

  // The outbox (ARCHITECTURE step 7–8): written with the state that produced it; senders drain it. `key` is
  // the effect's idempotency key, unique per workspace, so an effect is recorded once however often the
  // step that produced it is replayed.
  await db.schema
    .createTable('outbox')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text')
    .addColumn('process_id', 'text')
    .addColumn('instance_id', 'text')
    .addColumn('node', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    // pending → sent | failed (retrying) → dead; `done` for effects applied in the transaction itself.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('result', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_key').on('outbox').columns(['workspace_id', 'key']).unique().execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema
    .createIndex('outbox_instance')
    .on('outbox')
    .columns(['workspace_id', 'instance_id'])
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee', 'text')
    .addColumn('due_at', 'bigint')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('tasks_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema.createIndex('tasks_status').on('tasks').columns(['workspace_id', 'status']).execute();
  await db.schema.createIndex('tasks_profile').on('tasks').columns(['workspace_id', 'profile_id']).execute();

  await db.schema
    .createTable('process_bulk_starts')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('started', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cursor', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('process_bulk_starts_pk', ['workspace_id', 'id'])
    .execute();
}
