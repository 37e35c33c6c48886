import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema';

/** A message template as stored: `variants` is channels' MessageTemplate['variants'] (validated by the engine). */
export interface TemplateRecord {
  id: string;
  name: string;
  description: string | null;
  category: 'marketing' | 'transactional';
  groupId: string | null;
  defaultLocale: string | null;
  variants: Record<string, unknown>;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** A content block: its text per locale (`{ fa, ar, en }`), used as `{% include "name" %}` in templates. */
export interface ContentBlockRecord {
  name: string;
  description: string | null;
  variants: Record<string, string>;
  updatedAt: number;
}

export interface SubscriptionGroupRecord {
  id: string;
  channel: string;
  labels: Record<string, { name: string; description?: string }>;
  mode: 'opt_in' | 'opt_out';
  createdAt: number;
}

/** One consent decision; `groupId` '' is the whole channel. */
export interface ConsentRecord {
  profileId: string;
  channel: string;
  groupId: string;
  state: 'subscribed' | 'unsubscribed';
  reason: string;
  source: string;
  updatedAt: number;
}

export interface PushSubscriptionRecord {
  id: string;
  profileId: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryRecord {
  id: string;
  profileId: string | null;
  channel: string;
  category: 'marketing' | 'transactional';
  templateId: string | null;
  groupId: string | null;
  processId: string | null;
  instanceId: string | null;
  node: string | null;
  status: string;
  reason: string | null;
  locale: string | null;
  provider: string | null;
  providerMessageId: string | null;
  createdAt: number;
  openedAt: number | null;
  clickedAt: number | null;
}

const toTemplate = (r: Selectable<Database['templates']>): TemplateRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  category: r.category,
  groupId: r.group_id,
  defaultLocale: r.default_locale,
  variants: JSON.parse(r.variants) as Record<string, unknown>,
  version: Number(r.version),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toDelivery = (r: Selectable<Database['deliveries']>): DeliveryRecord => ({
  id: r.id,
  profileId: r.profile_id,
  channel: r.channel,
  category: r.category,
  templateId: r.template_id,
  groupId: r.group_id,
  processId: r.process_id,
  instanceId: r.instance_id,
  node: r.node,
  status: r.status,
  reason: r.reason,
  locale: r.locale,
  provider: r.provider,
  providerMessageId: r.provider_message_id,
  createdAt: Number(r.created_at),
  openedAt: r.opened_at === null ? null : Number(r.opened_at),
  clickedAt: r.clicked_at === null ? null : Number(r.clicked_at),
});

const toConsent = (r: Selectable<Database['consents']>): ConsentRecord => ({
  profileId: r.profile_id,
  channel: r.channel,
  groupId: r.group_id,
  state: r.state,
  reason: r.reason,
  source: r.source,
  updatedAt: Number(r.updated_at),
});

/** Templates, content blocks, channel settings, consent, push subscriptions, signing secrets, deliveries. */
export function messagingRepo(db: Kysely<Database>) {
  return {
    // ---- templates ----

    async listTemplates(workspaceId: string): Promise<TemplateRecord[]> {
      const rows = await db
        .selectFrom('templates')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('name')
        .execute();
      return rows.map(toTemplate);
    },

    async getTemplate(workspaceId: string, id: string): Promise<TemplateRecord | undefined> {
      const r = await db
        .selectFrom('templates')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toTemplate(r) : undefined;
    },

    async putTemplate(workspaceId: string, t: TemplateRecord): Promise<void> {
      const row = {
        workspace_id: workspaceId,
        id: t.id,
        name: t.name,
        description: t.description,
        category: t.category,
        group_id: t.groupId,
        default_locale: t.defaultLocale,
        variants: JSON.stringify(t.variants),
        version: t.version,
        created_at: t.createdAt,
        updated_at: t.updatedAt,
      };
      await db
        .insertInto('templates')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'id']).doUpdateSet({
            name: row.name,
            description: row.description,
            category: row.category,
            group_id: row.group_id,
            default_locale: row.default_locale,
            variants: row.variants,
            version: row.version,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },

    async deleteTemplate(workspaceId: string, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom('templates')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    // ---- content blocks ----

    async listBlocks(workspaceId: string): Promise<ContentBlockRecord[]> {
      const rows = await db
        .selectFrom('content_blocks')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('name')
        .execute();
      return rows.map((r) => ({
        name: r.name,
        description: r.description,
        variants: JSON.parse(r.variants) as Record<string, string>,
        updatedAt: Number(r.updated_at),
      }));
    },

    async putBlock(workspaceId: string, b: ContentBlockRecord): Promise<void> {
      const row = {
        workspace_id: workspaceId,
        name: b.name,
        description: b.description,
        variants: JSON.stringify(b.variants),
        updated_at: b.updatedAt,
      };
      await db
        .insertInto('content_blocks')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'name']).doUpdateSet({
            description: row.description,
            variants: row.variants,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },

    async deleteBlock(workspaceId: string, name: string): Promise<boolean> {
      const r = await db
        .deleteFrom('content_blocks')
        .where('workspace_id', '=', workspaceId)
        .where('name', '=', name)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    // ---- channel settings ----

    async channelSettings(
      workspaceId: string,
    ): Promise<Record<string, { config: unknown; updatedAt: number }>> {
      const rows = await db
        .selectFrom('channel_settings')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .execute();
      return Object.fromEntries(
        rows.map((r) => [
          r.channel,
          { config: JSON.parse(r.config) as unknown, updatedAt: Number(r.updated_at) },
        ]),
      );
    },

    async putChannelSettings(
      workspaceId: string,
      channel: string,
      config: unknown,
      now: number,
    ): Promise<void> {
      const text = JSON.stringify(config);
      await db
        .insertInto('channel_settings')
        .values({ workspace_id: workspaceId, channel, config: text, updated_at: now })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'channel']).doUpdateSet({ config: text, updated_at: now }),
        )
        .execute();
    },

    async deleteChannelSettings(workspaceId: string, channel: string): Promise<boolean> {
      const r = await db
        .deleteFrom('channel_settings')
        .where('workspace_id', '=', workspaceId)
        .where('channel', '=', channel)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    // ---- subscription groups ----

    async listGroups(workspaceId: string): Promise<SubscriptionGroupRecord[]> {
      const rows = await db
        .selectFrom('subscription_groups')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        channel: r.channel,
        labels: JSON.parse(r.labels) as SubscriptionGroupRecord['labels'],
        mode: r.mode,
        createdAt: Number(r.created_at),
      }));
    },

    async putGroup(workspaceId: string, g: SubscriptionGroupRecord): Promise<void> {
      const labels = JSON.stringify(g.labels);
      await db
        .insertInto('subscription_groups')
        .values({
          workspace_id: workspaceId,
          id: g.id,
          channel: g.channel,
          labels,
          mode: g.mode,
          created_at: g.createdAt,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet({ labels, mode: g.mode }))
        .execute();
    },

    async deleteGroup(workspaceId: string, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom('subscription_groups')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    // ---- consent ----

    async consents(workspaceId: string, profileId: string): Promise<ConsentRecord[]> {
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .execute();
      return rows.map(toConsent);
    },

    async setConsent(workspaceId: string, c: ConsentRecord): Promise<void> {
      await db
        .insertInto('consents')
        .values({
          workspace_id: workspaceId,
          profile_id: c.profileId,
          channel: c.channel,
          group_id: c.groupId,
          state: c.state,
          reason: c.reason,
          source: c.source,
          updated_at: c.updatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'profile_id', 'channel', 'group_id']).doUpdateSet({
            state: c.state,
            reason: c.reason,
            source: c.source,
            updated_at: c.updatedAt,
          }),
        )
        .execute();
    },

    /**
     * Moves merged-away profiles' consent to the survivor. Where both have a decision for the same channel
     * and group, the more protective one stays (an unsubscribe is never undone by a merge).
     */
    async reassignConsents(workspaceId: string, from: readonly string[], to: string): Promise<void> {
      if (from.length === 0) return;
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...from, to])
        .execute();
      const best = new Map<string, ConsentRecord>();
      for (const r of rows.map(toConsent)) {
        const k = `${r.channel}\u0000${r.groupId}`;
        const had = best.get(k);
        if (
          !had ||
          (r.state === 'unsubscribed' && had.state !== 'unsubscribed') ||
          (r.state === had.state && r.updatedAt > had.updatedAt)
        )
          best.set(k, r);
      }
      await db
        .deleteFrom('consents')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...from, to])
        .execute();
      for (const c of best.values()) await this.setConsent(workspaceId, { ...c, profileId: to });
    },

    async deleteConsents(workspaceId: string, profileIds: readonly string[]): Promise<void> {
      if (profileIds.length === 0) return;
      await db
        .deleteFrom('consents')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', profileIds)
        .execute();
    },

    // ---- push subscriptions ----

    async putPushSubscription(workspaceId: string, s: PushSubscriptionRecord): Promise<void> {
      const keys = JSON.stringify(s.keys);
      await db
        .insertInto('push_subscriptions')
        .values({
          workspace_id: workspaceId,
          id: s.id,
          profile_id: s.profileId,
          endpoint: s.endpoint,
          keys,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
        })
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'id'])
            .doUpdateSet({ profile_id: s.profileId, keys, updated_at: s.updatedAt }),
        )
        .execute();
    },

    async pushSubscriptions(workspaceId: string, profileId: string): Promise<PushSubscriptionRecord[]> {
      const rows = await db
        .selectFrom('push_subscriptions')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .orderBy('updated_at', 'desc')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        profileId: r.profile_id,
        endpoint: r.endpoint,
        keys: JSON.parse(r.keys) as PushSubscriptionRecord['keys'],
        createdAt: Number(r.created_at),
        updatedAt: Number(r.updated_at),
      }));
    },

    async deletePushSubscription(workspaceId: string, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom('push_subscriptions')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async reassignPush(workspaceId: string, from: readonly string[], to: string): Promise<void> {
      if (from.length === 0) return;
      await db
        .updateTable('push_subscriptions')
        .set({ profile_id: to })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', from)
        .execute();
    },

    async deletePushForProfiles(workspaceId: string, profileIds: readonly string[]): Promise<void> {
      if (profileIds.length === 0) return;
      await db
        .deleteFrom('push_subscriptions')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', profileIds)
        .execute();
    },

    // ---- signing secrets ----

    /** The workspace's secret for a purpose, created from `fresh` on first use. */
    async secret(workspaceId: string, purpose: string, fresh: string, now: number): Promise<string> {
      await db
        .insertInto('signing_secrets')
        .values({ workspace_id: workspaceId, purpose, secret: fresh, created_at: now })
        .onConflict((oc) => oc.columns(['workspace_id', 'purpose']).doNothing())
        .execute();
      const r = await db
        .selectFrom('signing_secrets')
        .select('secret')
        .where('workspace_id', '=', workspaceId)
        .where('purpose', '=', purpose)
        .executeTakeFirstOrThrow();
      return r.secret;
    },

    // ---- deliveries ----

    /** Records a message; a replay of the same effect keeps the first record. */
    async addDelivery(workspaceId: string, d: DeliveryRecord): Promise<void> {
      await db
        .insertInto('deliveries')
        .values({
          workspace_id: workspaceId,
          id: d.id,
          profile_id: d.profileId,
          channel: d.channel,
          category: d.category,
          template_id: d.templateId,
          group_id: d.groupId,
          process_id: d.processId,
          instance_id: d.instanceId,
          node: d.node,
          status: d.status,
          reason: d.reason,
          locale: d.locale,
          provider: d.provider,
          provider_message_id: d.providerMessageId,
          created_at: d.createdAt,
          opened_at: d.openedAt,
          clicked_at: d.clickedAt,
        })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'id']).doUpdateSet({
            status: d.status,
            reason: d.reason,
            provider: d.provider,
            provider_message_id: d.providerMessageId,
          }),
        )
        .execute();
    },

    async delivery(workspaceId: string, id: string): Promise<DeliveryRecord | undefined> {
      const r = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toDelivery(r) : undefined;
    },

    async deliveryByProviderId(
      workspaceId: string,
      providerMessageId: string,
    ): Promise<DeliveryRecord | undefined> {
      const r = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('provider_message_id', '=', providerMessageId)
        .executeTakeFirst();
      return r ? toDelivery(r) : undefined;
    },

    /** Times of a profile's messages on a channel and category since `since` (what frequency caps count). */
    async sentTimes(
      workspaceId: string,
      profileId: string,
      channel: string,
      category: 'marketing' | 'transactional',
      since: number,
    ): Promise<number[]> {
      const rows = await db
        .selectFrom('deliveries')
        .select('created_at')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .where('channel', '=', channel)
        .where('created_at', '>=', since)
        .where('category', '=', category)
        .where('status', 'in', ['sent', 'delivered', 'bounced', 'complained'])
        .execute();
      return rows.map((r) => Number(r.created_at));
    },

    async listDeliveries(
      workspaceId: string,
      q: { profileId?: string; before?: string; limit: number },
    ): Promise<DeliveryRecord[]> {
      let query = db.selectFrom('deliveries').selectAll().where('workspace_id', '=', workspaceId);
      if (q.profileId !== undefined) query = query.where('profile_id', '=', q.profileId);
      if (q.before !== undefined) query = query.where('id', '<', q.before);
      return (await query.orderBy('id', 'desc').limit(q.limit).execute()).map(toDelivery);
    },

    /** Sets a delivery's status (bounced, complained, delivered); false when there is no such delivery. */
    async setDeliveryStatus(
      workspaceId: string,
      id: string,
      status: string,
      reason: string | null,
    ): Promise<boolean> {
      const r = await db
        .updateTable('deliveries')
        .set({ status, reason })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** Marks the first open or click; true only the first time (the timeline gets one event per kind). */
    async markFirst(
      workspaceId: string,
      id: string,
      what: 'opened' | 'clicked',
      at: number,
    ): Promise<boolean> {
      const column = what === 'opened' ? 'opened_at' : 'clicked_at';
      const r = await db
        .updateTable('deliveries')
        .set({ [column]: at })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where(column, 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async reassignDeliveries(workspaceId: string, from: readonly string[], to: string): Promise<void> {
      if (from.length === 0) return;
      await db
        .updateTable('deliveries')
        .set({ profile_id: to })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', from)
        .execute();
    },

    async deleteDeliveries(workspaceId: string, profileIds: readonly string[]): Promise<void> {
      if (profileIds.length === 0) return;
      await db
        .deleteFrom('deliveries')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', profileIds)
        .execute();
    },
  };
}
