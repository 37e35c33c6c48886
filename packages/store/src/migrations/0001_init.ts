import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../adapter';

// Migrations are numbered and append-only: never edit one that has shipped; add the next number instead.
// Every table carries workspace_id. Times are epoch milliseconds (bigint); JSON is text.

/** Creates workspaces, keys, the event log, profiles, identities, merge records and cursors. */
export async function up(db: Kysely<unknown>, a: DialectAdapter): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.workspace_id'))
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('api_keys_workspace')
    .on('api_keys')
    .columns(['workspace_id', 'kind'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('seq', a.seqColumnType, (c) => a.seqColumn(c))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('user_id', 'text')
    .addColumn('anonymous_id', 'text')
    .addColumn('profile_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('touchpoint', 'text')
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  // A repeated messageId is accepted and stored once.
  await db.schema
    .createIndex('events_message_id')
    .on('events')
    .columns(['workspace_id', 'message_id'])
    .unique()
    .execute();
  await db.schema.createIndex('events_log').on('events').columns(['workspace_id', 'seq']).execute();
  await db.schema
    .createIndex('events_timeline')
    .on('events')
    .columns(['workspace_id', 'profile_id', 'timestamp', 'seq'])
    .execute();

  await db.schema
    .createTable('profiles')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('merged_into', 'text')
    .addColumn('traits', 'text', (c) => c.notNull())
    .addColumn('trait_times', 'text', (c) => c.notNull())
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('event_count', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('profiles_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('profiles_merged_into')
    .on('profiles')
    .columns(['workspace_id', 'merged_into'])
    .execute();
  await db.schema
    .createIndex('profiles_last_seen')
    .on('profiles')
    .columns(['workspace_id', 'last_seen_at'])
    .execute();

  await db.schema
    .createTable('identities')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('identities_pk', ['workspace_id', 'type', 'value'])
    .execute();
  await db.schema
    .createIndex('identities_profile')
    .on('identities')
    .columns(['workspace_id', 'profile_id'])
    .execute();
  await db.schema
    .createIndex('identities_value')
    .on('identities')
    .columns(['workspace_id', 'value'])
    .execute();

  await db.schema
    .createTable('merges')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('target_profile_id', 'text', (c) => c.notNull())
    .addColumn('source_profile_id', 'text', (c) => c.notNull())
    .addColumn('event_seq', 'bigint')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('merges_target')
    .on('merges')
    .columns(['workspace_id', 'target_profile_id'])
    .execute();

  await db.schema
    .createTable('identity_conflicts')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('event_seq', 'bigint')
    .addColumn('identifier_type', 'text', (c) => c.notNull())
    .addColumn('identifier_value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('other_profile_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('identity_conflicts_profile')
    .on('identity_conflicts')
    .columns(['workspace_id', 'profile_id'])
    .execute();

  await db.schema
    .createTable('cursors')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('cursors_pk', ['workspace_id', 'consumer'])
    .execute();

  await db.schema
    .createTable('erasures')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('events_deleted', 'bigint', (c) => c.notNull())
    .addColumn('identities_deleted', 'bigint', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
