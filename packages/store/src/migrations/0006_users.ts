import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../adapter';

/**
 * People and access (issue 7): console users, their sessions, invitations, and the audit log.
 * Secrets are stored only as hashes: passwords as scrypt strings (`scrypt$N$r$p$salt$hash`), session and
 * invitation tokens as SHA-256 (they are 256-bit random, so a fast hash suffices). Emails are lower-cased
 * and unique per workspace.
 */
export async function up(db: Kysely<unknown>, _a: DialectAdapter): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // admin, marketer, analyst, agent.
    .addColumn('role', 'text', (c) => c.notNull())
    // fa, ar, en.
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_login_at', 'bigint')
    .addPrimaryKeyConstraint('users_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('users_email')
    .on('users')
    .columns(['workspace_id', 'email'])
    .unique()
    .execute();
  // Sign-in knows only the email, not the workspace.
  await db.schema.createIndex('users_email_any').on('users').column('email').execute();
  // Sessions and invitations find their user by id alone.
  await db.schema.createIndex('users_id').on('users').column('id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    // SHA-256 of the cookie's random token; the token itself is never stored.
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // The earlier of (last use + idle timeout) and (creation + absolute lifetime).
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addPrimaryKeyConstraint('sessions_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema.createIndex('sessions_token').on('sessions').column('token_hash').unique().execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['workspace_id', 'user_id']).execute();
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addPrimaryKeyConstraint('invitations_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema.createIndex('invitations_token').on('invitations').column('token_hash').unique().execute();
  await db.schema
    .createIndex('invitations_email')
    .on('invitations')
    .columns(['workspace_id', 'email'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    // Sortable (ULID): newest first is id order, and the id is the paging cursor.
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    // user, key, system.
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    // The user's email or the key's name: never a secret.
    .addColumn('actor_label', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('method', 'text')
    .addColumn('route', 'text')
    .addColumn('resource_id', 'text')
    .addColumn('status', 'integer')
    .addColumn('ip', 'text')
    // The request body with secrets redacted and its size bounded (JSON).
    .addColumn('summary', 'text')
    .addPrimaryKeyConstraint('audit_log_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_actor')
    .on('audit_log')
    .columns(['workspace_id', 'actor_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_actor_label')
    .on('audit_log')
    .columns(['workspace_id', 'actor_label', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_action')
    .on('audit_log')
    .columns(['workspace_id', 'action', 'id'])
    .execute();
}
