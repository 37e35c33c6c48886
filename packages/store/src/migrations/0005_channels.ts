import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../adapter';

/**
 * Channels, templates and consent (issue 5): message templates and the content blocks they share, each
 * workspace's channel providers, subscription groups and per-profile consent, browser push subscriptions,
 * the per-purpose HMAC secrets that sign unsubscribe/preference/tracking tokens, and one delivery row per
 * message (what frequency caps count, what opens/clicks/bounces attach to).
 */
export async function up(db: Kysely<unknown>, _a: DialectAdapter): Promise<void> {
  await db.schema
    .createTable('templates')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // marketing | transactional: transactional mail ignores marketing opt-outs, never a hard bounce.
    .addColumn('category', 'text', (c) => c.notNull())
    // The subscription group a marketing message belongs to (null: the channel's general marketing group).
    .addColumn('group_id', 'text')
    .addColumn('default_locale', 'text')
    .addColumn('variants', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('templates_pk', ['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('content_blocks')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('variants', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('content_blocks_pk', ['workspace_id', 'name'])
    .execute();

  // One row per workspace and channel (email, sms, push): the provider and its settings. Provider secrets
  // (SMTP password, API tokens, the VAPID private key) live here and never leave the server in answers.
  await db.schema
    .createTable('channel_settings')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_settings_pk', ['workspace_id', 'channel'])
    .execute();

  await db.schema
    .createTable('subscription_groups')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    // Names and descriptions per locale (fa, ar, en), shown on the preference page.
    .addColumn('labels', 'text', (c) => c.notNull())
    // opt_in: nobody receives it until they subscribe; opt_out: everyone does until they unsubscribe.
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscription_groups_pk', ['workspace_id', 'id'])
    .execute();

  // A profile's consent per channel and group; group_id '' is the channel itself (closed by a hard bounce,
  // a complaint, an unsubscribe from everything, or by hand).
  await db.schema
    .createTable('consents')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('consents_pk', ['workspace_id', 'profile_id', 'channel', 'group_id'])
    .execute();

  await db.schema
    .createTable('push_subscriptions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    // SHA-256 of the endpoint: one row per browser subscription.
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('keys', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('push_subscriptions_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('push_subscriptions_profile')
    .on('push_subscriptions')
    .columns(['workspace_id', 'profile_id'])
    .execute();

  await db.schema
    .createTable('signing_secrets')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('signing_secrets_pk', ['workspace_id', 'purpose'])
    .execute();

  // One row per message that left (or was held back): the id is the outbox effect's id.
  await db.schema
    .createTable('deliveries')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text')
    .addColumn('group_id', 'text')
    .addColumn('process_id', 'text')
    .addColumn('instance_id', 'text')
    .addColumn('node', 'text')
    // sent | suppressed | bounced | complained | delivered
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('locale', 'text')
    .addColumn('provider', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('opened_at', 'bigint')
    .addColumn('clicked_at', 'bigint')
    .addPrimaryKeyConstraint('deliveries_pk', ['workspace_id', 'id'])
    .execute();
  // Frequency caps count a profile's recent messages per channel.
  await db.schema
    .createIndex('deliveries_profile')
    .on('deliveries')
    .columns(['workspace_id', 'profile_id', 'channel', 'created_at'])
    .execute();
  // Provider callbacks (bounce, complaint, delivered) name the provider's message id.
  await db.schema
    .createIndex('deliveries_provider')
    .on('deliveries')
    .columns(['workspace_id', 'provider_message_id'])
    .execute();
}
