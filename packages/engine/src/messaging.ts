import { createHash } from 'node:crypto';
import {
  createTemplateRenderer,
  twilioDeliveryStatus,
  verifyTwilioSignature,
  LOCALES,
  type ContentBlocks,
  type MessageTemplate,
  type PreviewResult,
  type TemplateChannel,
} from '@omnicx/channels';
import {
  validateMessagingPolicy,
  isTimeZone,
  type ConsentEntry,
  type FrequencyCap,
  type JsonObject,
  type MessageCategory,
  type QuietHours,
  type Result,
} from '@omnicx/core';
import type {
  ConsentRecord,
  ContentBlockRecord,
  DeliveryRecord,
  Store,
  SubscriptionGroupRecord,
  TemplateRecord,
} from '@omnicx/store';
import type { Clock, Logger } from './ports';
import type { Pipeline } from './pipeline';
import type { ProfileService } from './profiles';
import { newId } from './ids';
import { systemEvent } from './system-events';
import { MessageTokens, type MessageToken } from './message-tokens';
import type { TestSend } from './message-senders';

export const MESSAGE_CHANNELS = ['email', 'sms', 'push'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

const fail = (code: string, message: string, field?: string): Result<never> => ({
  ok: false,
  error: field === undefined ? { code, message } : { code, message, field },
});

/** What a template is created or replaced with. */
export interface TemplateInput {
  name: string;
  description?: string | null;
  category?: MessageCategory;
  group?: string | null;
  defaultLocale?: string | null;
  /** `{ fa: { email: {subject, html, text?, preheader?}, sms: {text}, push: {title, body, url?} }, en: … }` */
  variants: Record<string, unknown>;
}

/** The workspace's sending rules (in workspace settings under `messaging`). */
export interface MessagingPolicy {
  quietHours?: QuietHours;
  caps?: FrequencyCap[];
  /** Zone for profiles without a `timezone` trait. Default UTC. */
  defaultTimeZone?: string;
}

/** Consent of one profile as the API shows it: per channel, the channel itself and each group. */
export interface ConsentView {
  profileId: string;
  channels: Record<
    string,
    {
      state: 'subscribed' | 'unsubscribed';
      reason: string | null;
      source: string | null;
      updatedAt: string | null;
      groups: Record<
        string,
        {
          state: 'subscribed' | 'unsubscribed';
          explicit: boolean;
          reason: string | null;
          source: string | null;
        }
      >;
    }
  >;
}

export interface ConsentChange {
  channel: string;
  /** A subscription group id; omitted: the whole channel. */
  group?: string | null;
  state: 'subscribed' | 'unsubscribed';
  /** Default: `unsubscribed` / `opt_in`. */
  reason?: string;
  /** Who or what made the change: `api`, `preference_page`, `one_click`, `smtp_bounce`, `import`, `agent:…`. */
  source: string;
}

/** Secret fields per channel: never returned; `"[set]"` in an update keeps the stored value. */
const SECRET_PATHS: Record<string, string[][]> = {
  email: [
    ['smtp', 'auth', 'pass'],
    ['dkim', 'privateKey'],
  ],
  sms: [['authToken'], ['apiKey'], ['headers']],
  push: [['vapid', 'privateKey']],
};
export const REDACTED = '[set]';

function getPath(o: unknown, path: string[]): unknown {
  let cur = o;
  for (const k of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
function setPath(o: Record<string, unknown>, path: string[], v: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== 'object') return;
    cur = cur[k] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (last in cur) cur[last] = v;
}

/** A channel's settings with its secrets replaced by "[set]". */
export function redactChannelConfig(channel: string, config: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(config ?? {})) as Record<string, unknown>;
  for (const p of SECRET_PATHS[channel] ?? []) if (getPath(copy, p) !== undefined) setPath(copy, p, REDACTED);
  return copy;
}

const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Templates, content blocks, channel providers, sending policy, subscription groups, consent, link tokens
 * and the customer's answers to messages (opens, clicks, unsubscribes, provider callbacks). The senders in
 * message-senders.ts use it to decide and render; the public pages and the admin API call it.
 */
export class MessagingService {
  readonly tokens: MessageTokens;
  /** Set by the engine once the senders exist: sends a template to an address as a test. */
  testSend: TestSend = async () => ({
    ok: false,
    retryable: false,
    code: 'channel_not_configured',
    message: 'no senders are running in this process',
  });
  #blocks = new Map<string, { at: number; blocks: ContentBlocks }>();

  constructor(
    private readonly store: Store,
    private readonly profiles: ProfileService,
    private readonly pipeline: Pipeline,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Absolute base of links in messages (unsubscribe, tracking), e.g. `https://cx.example.com`. */
    readonly publicUrl: string,
  ) {
    this.tokens = new MessageTokens(store, clock);
  }

  // ---- templates ---------------------------------------------------------------------------------------

  listTemplates(workspaceId: string): Promise<TemplateRecord[]> {
    return this.store.messaging.listTemplates(workspaceId);
  }

  async getTemplate(workspaceId: string, id: string): Promise<Result<TemplateRecord>> {
    const t = await this.store.messaging.getTemplate(workspaceId, id);
    return t ? { ok: true, value: t } : fail('not_found', `template ${id} does not exist`);
  }

  /**
   * Creates (no id) or replaces a template. Every variant is rendered with sample data so a Liquid syntax
   * error, an unknown filter or a missing content block is refused now with its line, not at send time.
   */
  async putTemplate(workspaceId: string, input: TemplateInput, id?: string): Promise<Result<TemplateRecord>> {
    const now = this.clock.now();
    const shape = checkVariants(input.variants);
    if (!shape.ok) return shape;
    if (!input.defaultLocale) input = { ...input, defaultLocale: null };
    if (input.defaultLocale && !(LOCALES as readonly string[]).includes(input.defaultLocale))
      return fail('invalid_field', `defaultLocale must be one of ${LOCALES.join(', ')}`, 'defaultLocale');
    // An empty string is "none" too (JSON null may arrive as "" through schema coercion).
    const group = input.group || null;
    if (group !== null) {
      const groups = await this.store.messaging.listGroups(workspaceId);
      if (!groups.some((g) => g.id === group))
        return fail(
          'invalid_field',
          `subscription group "${group}" does not exist; create it first`,
          'group',
        );
    }
    const tpl: MessageTemplate = {
      id: id ?? 'new',
      ...(input.defaultLocale
        ? { defaultLocale: input.defaultLocale as MessageTemplate['defaultLocale'] }
        : {}),
      variants: input.variants as MessageTemplate['variants'],
    };
    const problems = await this.#syntaxErrors(workspaceId, tpl);
    if (problems.length > 0) {
      const first = problems[0]!;
      return {
        ok: false,
        error: {
          code: 'template_error',
          message: problems.map((p) => p.message).join('; '),
          ...(first.field ? { field: `variants.${first.field}` } : {}),
        },
      };
    }
    const old = id ? await this.store.messaging.getTemplate(workspaceId, id) : undefined;
    if (id && !old) return fail('not_found', `template ${id} does not exist`);
    const rec: TemplateRecord = {
      id: id ?? newId('tpl'),
      name: input.name,
      description: input.description ?? null,
      category: input.category ?? 'marketing',
      groupId: group,
      defaultLocale: input.defaultLocale ?? null,
      variants: input.variants,
      version: (old?.version ?? 0) + 1,
      createdAt: old?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.messaging.putTemplate(workspaceId, rec);
    return { ok: true, value: rec };
  }

  async deleteTemplate(workspaceId: string, id: string): Promise<Result<true>> {
    return (await this.store.messaging.deleteTemplate(workspaceId, id))
      ? { ok: true, value: true }
      : fail('not_found', `template ${id} does not exist`);
  }

  /** Syntax-level problems only: sample data cannot know every variable a real profile will have. */
  async #syntaxErrors(workspaceId: string, tpl: MessageTemplate) {
    const renderer = createTemplateRenderer({ blocks: await this.blocks(workspaceId, true) });
    const out = [];
    for (const locale of Object.keys(tpl.variants)) {
      const r = await renderer.preview(tpl, { profile: { id: 'sample', traits: {} }, locale });
      for (const e of r.errors)
        if (e.code !== 'missing_variable' && e.code !== 'no_variant')
          out.push({
            ...e,
            message: `${locale}: ${e.message}`,
            field: e.field ? `${locale}.${e.field}` : locale,
          });
    }
    return out;
  }

  /**
   * Renders a template (stored, or given inline) for a profile — or sample data — in a locale, on the
   * channels asked for: what the editor's preview shows, with every missing variable listed.
   */
  async preview(
    workspaceId: string,
    q: {
      templateId?: string;
      template?: TemplateInput;
      profileId?: string;
      locale?: string;
      event?: Record<string, unknown>;
      vars?: Record<string, unknown>;
      channels?: TemplateChannel[];
    },
  ): Promise<Result<PreviewResult & { profileId: string | null }>> {
    let tpl: MessageTemplate;
    if (q.templateId) {
      const t = await this.store.messaging.getTemplate(workspaceId, q.templateId);
      if (!t) return fail('not_found', `template ${q.templateId} does not exist`);
      tpl = toMessageTemplate(t);
    } else if (q.template) {
      const shape = checkVariants(q.template.variants);
      if (!shape.ok) return shape;
      tpl = {
        id: 'preview',
        ...(q.template.defaultLocale
          ? { defaultLocale: q.template.defaultLocale as MessageTemplate['defaultLocale'] }
          : {}),
        variants: q.template.variants as MessageTemplate['variants'],
      };
    } else return fail('invalid_request', 'give templateId or template');
    let profile: { id: string; traits: Record<string, unknown> } = { id: 'sample', traits: {} };
    if (q.profileId) {
      const p = await this.profiles.get(workspaceId, q.profileId);
      if (!p.ok) return p;
      profile = { id: p.value.id, traits: p.value.traits };
    }
    const renderer = createTemplateRenderer({ blocks: await this.blocks(workspaceId, true) });
    const r = await renderer.preview(
      tpl,
      {
        profile,
        ...(q.event ? { event: q.event } : {}),
        ...(q.vars ? { vars: q.vars } : {}),
        ...(q.locale ? { locale: q.locale } : {}),
        unsubscribeUrl: `${this.publicUrl}/u/preview`,
      },
      q.channels,
    );
    return { ok: true, value: { ...r, profileId: q.profileId ?? null } };
  }

  // ---- content blocks ----------------------------------------------------------------------------------

  listBlocks(workspaceId: string): Promise<ContentBlockRecord[]> {
    return this.store.messaging.listBlocks(workspaceId);
  }

  async putBlock(
    workspaceId: string,
    name: string,
    b: { description?: string | null; variants: Record<string, string> },
  ): Promise<Result<ContentBlockRecord>> {
    if (!ID_RE.test(name))
      return fail(
        'invalid_field',
        'a block name is lower-case letters, digits, - and _ (e.g. shipping-terms)',
        'name',
      );
    for (const k of Object.keys(b.variants)) {
      if (!(LOCALES as readonly string[]).includes(k))
        return fail(
          'invalid_field',
          `variants.${k}: a locale must be one of ${LOCALES.join(', ')}`,
          `variants.${k}`,
        );
    }
    const rec = {
      name,
      description: b.description ?? null,
      variants: b.variants,
      updatedAt: this.clock.now(),
    };
    await this.store.messaging.putBlock(workspaceId, rec);
    this.#blocks.delete(workspaceId);
    return { ok: true, value: rec };
  }

  async deleteBlock(workspaceId: string, name: string): Promise<Result<true>> {
    const done = await this.store.messaging.deleteBlock(workspaceId, name);
    this.#blocks.delete(workspaceId);
    return done ? { ok: true, value: true } : fail('not_found', `content block ${name} does not exist`);
  }

  /** The workspace's content blocks for the renderer (cached for 10 s while sending). */
  async blocks(workspaceId: string, fresh = false): Promise<ContentBlocks> {
    const hit = this.#blocks.get(workspaceId);
    const now = this.clock.now();
    if (!fresh && hit && now - hit.at < 10_000) return hit.blocks;
    const rows = await this.store.messaging.listBlocks(workspaceId);
    const blocks: ContentBlocks = Object.fromEntries(rows.map((r) => [r.name, r.variants]));
    this.#blocks.set(workspaceId, { at: now, blocks });
    return blocks;
  }

  // ---- channel settings and policy ---------------------------------------------------------------------

  /** Each configured channel's settings, secrets redacted. */
  async channelSettings(
    workspaceId: string,
  ): Promise<Record<string, { config: unknown; updatedAt: string }>> {
    const all = await this.store.messaging.channelSettings(workspaceId);
    return Object.fromEntries(
      Object.entries(all).map(([ch, s]) => [
        ch,
        { config: redactChannelConfig(ch, s.config), updatedAt: new Date(s.updatedAt).toISOString() },
      ]),
    );
  }

  /** The settings as stored, secrets included: for the senders only. */
  async rawChannelSettings(
    workspaceId: string,
    channel: string,
  ): Promise<Record<string, unknown> | undefined> {
    const all = await this.store.messaging.channelSettings(workspaceId);
    return all[channel]?.config as Record<string, unknown> | undefined;
  }

  async putChannelSettings(
    workspaceId: string,
    channel: string,
    config: Record<string, unknown>,
  ): Promise<Result<unknown>> {
    if (!(MESSAGE_CHANNELS as readonly string[]).includes(channel))
      return fail('invalid_field', `channel must be one of ${MESSAGE_CHANNELS.join(', ')}`, 'channel');
    const old = (await this.rawChannelSettings(workspaceId, channel)) ?? {};
    const merged = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    for (const p of SECRET_PATHS[channel] ?? []) {
      if (getPath(merged, p) === REDACTED) setPath(merged, p, getPath(old, p));
    }
    const problem = checkChannelConfig(channel, merged);
    if (problem) return problem;
    await this.store.messaging.putChannelSettings(workspaceId, channel, merged, this.clock.now());
    return { ok: true, value: redactChannelConfig(channel, merged) };
  }

  async deleteChannelSettings(workspaceId: string, channel: string): Promise<Result<true>> {
    return (await this.store.messaging.deleteChannelSettings(workspaceId, channel))
      ? { ok: true, value: true }
      : fail('not_found', `channel ${channel} is not configured`);
  }

  async policy(workspaceId: string): Promise<MessagingPolicy> {
    const w = await this.store.workspaces.get(workspaceId);
    return ((w?.settings as { messaging?: MessagingPolicy } | undefined)?.messaging ?? {}) as MessagingPolicy;
  }

  async setPolicy(workspaceId: string, p: MessagingPolicy): Promise<Result<MessagingPolicy>> {
    const errors = validateMessagingPolicy(p);
    if (p.defaultTimeZone !== undefined && !isTimeZone(p.defaultTimeZone))
      errors.push(`defaultTimeZone "${p.defaultTimeZone}" is not an IANA time zone (e.g. Asia/Tehran)`);
    if (errors.length > 0) return fail('invalid_policy', errors.join('; '));
    const w = await this.store.workspaces.get(workspaceId);
    if (!w) return fail('not_found', `workspace ${workspaceId} does not exist`);
    await this.store.workspaces.updateSettings(workspaceId, { ...w.settings, messaging: p });
    return { ok: true, value: p };
  }

  // ---- subscription groups -----------------------------------------------------------------------------

  listGroups(workspaceId: string): Promise<SubscriptionGroupRecord[]> {
    return this.store.messaging.listGroups(workspaceId);
  }

  async putGroup(
    workspaceId: string,
    id: string,
    g: { channel: string; mode: 'opt_in' | 'opt_out'; labels: SubscriptionGroupRecord['labels'] },
  ): Promise<Result<SubscriptionGroupRecord>> {
    if (!ID_RE.test(id))
      return fail(
        'invalid_field',
        'a group id is lower-case letters, digits, - and _ (e.g. weekly-offers)',
        'id',
      );
    if (!(MESSAGE_CHANNELS as readonly string[]).includes(g.channel))
      return fail('invalid_field', `channel must be one of ${MESSAGE_CHANNELS.join(', ')}`, 'channel');
    if (!g.labels.en && !g.labels.fa && !g.labels.ar)
      return fail('invalid_field', 'give the group a name in at least one of fa, ar, en', 'labels');
    const old = (await this.store.messaging.listGroups(workspaceId)).find((x) => x.id === id);
    if (old && old.channel !== g.channel)
      return fail(
        'invalid_state',
        `group ${id} belongs to ${old.channel}; a group cannot move to another channel`,
        'channel',
      );
    const rec: SubscriptionGroupRecord = { id, ...g, createdAt: old?.createdAt ?? this.clock.now() };
    await this.store.messaging.putGroup(workspaceId, rec);
    return { ok: true, value: rec };
  }

  async deleteGroup(workspaceId: string, id: string): Promise<Result<true>> {
    const used = (await this.store.messaging.listTemplates(workspaceId)).filter((t) => t.groupId === id);
    if (used.length > 0)
      return fail(
        'in_use',
        `group ${id} is used by template(s) ${used.map((t) => t.name).join(', ')}; change them first`,
      );
    return (await this.store.messaging.deleteGroup(workspaceId, id))
      ? { ok: true, value: true }
      : fail('not_found', `subscription group ${id} does not exist`);
  }

  // ---- consent -----------------------------------------------------------------------------------------

  async consentEntries(workspaceId: string, profileId: string): Promise<ConsentEntry[]> {
    return this.store.messaging.consents(workspaceId, profileId);
  }

  /** A profile's consent per channel and group, defaults filled in from each group's mode. */
  async consent(workspaceId: string, profileId: string): Promise<Result<ConsentView>> {
    const p = await this.store.profiles.get(workspaceId, profileId);
    if (!p) return fail('not_found', `profile ${profileId} does not exist`);
    const rows = await this.store.messaging.consents(workspaceId, p.id);
    const groups = await this.store.messaging.listGroups(workspaceId);
    const view: ConsentView = { profileId: p.id, channels: {} };
    for (const ch of MESSAGE_CHANNELS) {
      const whole = rows.find((r) => r.channel === ch && r.groupId === '');
      const entry: ConsentView['channels'][string] = {
        state: whole?.state ?? 'subscribed',
        reason: whole?.reason ?? null,
        source: whole?.source ?? null,
        updatedAt: whole ? new Date(whole.updatedAt).toISOString() : null,
        groups: {},
      };
      for (const g of groups.filter((x) => x.channel === ch)) {
        const row = rows.find((r) => r.channel === ch && r.groupId === g.id);
        entry.groups[g.id] = row
          ? { state: row.state, explicit: true, reason: row.reason, source: row.source }
          : {
              state: g.mode === 'opt_out' ? 'subscribed' : 'unsubscribed',
              explicit: false,
              reason: null,
              source: null,
            };
      }
      view.channels[ch] = entry;
    }
    return { ok: true, value: view };
  }

  /**
   * Changes consent and records the change as a `Consent Changed` event on the profile's timeline (with its
   * source), which segments (`consent` conditions) and processes read. A change to the same state is kept
   * as is (no event): repeating an unsubscribe is harmless.
   */
  async setConsent(
    workspaceId: string,
    profileId: string,
    change: ConsentChange,
  ): Promise<Result<ConsentRecord>> {
    if (!(MESSAGE_CHANNELS as readonly string[]).includes(change.channel))
      return fail('invalid_field', `channel must be one of ${MESSAGE_CHANNELS.join(', ')}`, 'channel');
    const p = await this.store.profiles.get(workspaceId, profileId);
    if (!p) return fail('not_found', `profile ${profileId} does not exist`);
    const groupId = change.group ?? '';
    if (groupId !== '') {
      const g = (await this.store.messaging.listGroups(workspaceId)).find((x) => x.id === groupId);
      if (!g) return fail('invalid_field', `subscription group "${groupId}" does not exist`, 'group');
      if (g.channel !== change.channel)
        return fail(
          'invalid_field',
          `group ${groupId} is a ${g.channel} group, not ${change.channel}`,
          'group',
        );
    }
    const now = this.clock.now();
    const rec: ConsentRecord = {
      profileId: p.id,
      channel: change.channel,
      groupId,
      state: change.state,
      reason: change.reason ?? (change.state === 'unsubscribed' ? 'unsubscribed' : 'opt_in'),
      source: change.source,
      updatedAt: now,
    };
    const old = (await this.store.messaging.consents(workspaceId, p.id)).find(
      (r) => r.channel === rec.channel && r.groupId === groupId,
    );
    if (old && old.state === rec.state && old.reason === rec.reason) return { ok: true, value: old };
    const event = systemEvent({
      name: 'Consent Changed',
      properties: {
        channel: rec.channel,
        group: groupId || null,
        state: rec.state,
        reason: rec.reason,
        source: rec.source,
        previous: old?.state ?? null,
      },
      channel: rec.channel,
      touchpoint: rec.source,
      now,
      messageId: `consent:${p.id}:${rec.channel}:${groupId}:${now}:${rec.state}`,
    });
    await this.store.transaction(async (tx) => {
      await tx.messaging.setConsent(workspaceId, rec);
      await tx.events.append(workspaceId, [event], [p.id]);
    });
    this.pipeline.notify();
    return { ok: true, value: rec };
  }

  // ---- push subscriptions ------------------------------------------------------------------------------

  async addPushSubscription(
    workspaceId: string,
    profileId: string,
    sub: { endpoint: string; keys: { p256dh: string; auth: string } },
  ): Promise<Result<{ id: string }>> {
    let url: URL;
    try {
      url = new URL(sub.endpoint);
    } catch {
      return fail(
        'invalid_field',
        'endpoint must be the push service URL from PushSubscription.toJSON()',
        'endpoint',
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return fail('invalid_field', 'endpoint must be an https URL', 'endpoint');
    const p = await this.store.profiles.get(workspaceId, profileId);
    if (!p) return fail('not_found', `profile ${profileId} does not exist`);
    const now = this.clock.now();
    const id = createHash('sha256').update(sub.endpoint).digest('hex').slice(0, 32);
    await this.store.messaging.putPushSubscription(workspaceId, {
      id,
      profileId: p.id,
      endpoint: sub.endpoint,
      keys: sub.keys,
      createdAt: now,
      updatedAt: now,
    });
    return { ok: true, value: { id } };
  }

  // ---- links in messages -------------------------------------------------------------------------------

  async unsubscribeUrl(t: Omit<MessageToken, 'k'>): Promise<string> {
    return `${this.publicUrl}/u/${await this.tokens.sign({ ...t, k: 'u' })}`;
  }

  /** Rewrites the http(s) links of an email's HTML to signed click redirects and adds the open pixel. */
  async track(
    html: string,
    t: Omit<MessageToken, 'k' | 'url'>,
    opts: { opens: boolean; clicks: boolean },
  ): Promise<string> {
    let out = html;
    if (opts.clicks) {
      const hrefs = new Set<string>();
      for (const m of html.matchAll(/<a\b[^>]*?\shref="(https?:\/\/[^"]+)"/gi)) hrefs.add(m[1]!);
      for (const href of hrefs) {
        // Our own unsubscribe and preference links stay direct: a click on them must always work.
        if (href.startsWith(`${this.publicUrl}/u/`) || href.startsWith(`${this.publicUrl}/p/`)) continue;
        const url = href.replace(/&amp;/g, '&');
        const tracked = `${this.publicUrl}/t/c/${await this.tokens.sign({ ...t, k: 'c', url })}`;
        out = out.split(`href="${href}"`).join(`href="${tracked}"`);
      }
    }
    if (opts.opens) {
      const pixel = `<img src="${this.publicUrl}/t/o/${await this.tokens.sign({ ...t, k: 'o' })}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`;
      out = /<\/body>/i.test(out) ? out.replace(/<\/body>/i, `${pixel}</body>`) : out + pixel;
    }
    return out;
  }

  /** An open pixel was fetched: the first one becomes `Message Opened` on the profile. */
  async opened(token: string): Promise<void> {
    const t = await this.tokens.verify(token, 'o');
    if (!t?.d) return;
    if (await this.store.messaging.markFirst(t.w, t.d, 'opened', this.clock.now()))
      await this.#deliveryEvent(t.w, t.d, 'Message Opened', {});
  }

  /** A tracked link was clicked: records `Message Clicked` (each click) and answers where to go. */
  async clicked(token: string): Promise<string | undefined> {
    const t = await this.tokens.verify(token, 'c');
    if (!t?.url || !/^https?:\/\//.test(t.url)) return undefined;
    if (t.d) {
      await this.store.messaging.markFirst(t.w, t.d, 'clicked', this.clock.now());
      await this.#deliveryEvent(t.w, t.d, 'Message Clicked', { url: t.url }, `${t.url}:${this.clock.now()}`);
    }
    return t.url;
  }

  /**
   * One-click unsubscribe (RFC 8058) or the confirmation on the unsubscribe page: closes the message's
   * group, or the channel's marketing when the message had no group. Recorded as `Message Unsubscribed`
   * (for process conditions) and `Consent Changed`.
   */
  async unsubscribe(
    token: string,
    source: 'one_click' | 'unsubscribe_page',
  ): Promise<Result<{ channel: string; group: string | null }>> {
    const t = await this.tokens.verify(token, 'u');
    if (!t) return fail('invalid_link', 'this link is not valid');
    const r = await this.setConsent(t.w, t.p, {
      channel: t.c,
      ...(t.g ? { group: t.g } : {}),
      state: 'unsubscribed',
      reason: 'unsubscribed',
      source,
    });
    if (!r.ok && r.error.code !== 'invalid_field') return r;
    if (!r.ok) {
      // The group was deleted since the message went out: close the channel's marketing instead.
      const again = await this.setConsent(t.w, t.p, { channel: t.c, state: 'unsubscribed', source });
      if (!again.ok) return again;
    }
    if (t.d) await this.#deliveryEvent(t.w, t.d, 'Message Unsubscribed', { source });
    return { ok: true, value: { channel: t.c, group: t.g || null } };
  }

  /** What the preference page shows for a token: the profile's groups per channel and its language. */
  async preferences(token: string): Promise<
    Result<{
      workspaceId: string;
      profileId: string;
      channel: string;
      /** The subscription group of the message the link came from, or null (the channel's marketing). */
      group: string | null;
      locale: string | null;
      consent: ConsentView;
      groups: SubscriptionGroupRecord[];
    }>
  > {
    const t = await this.tokens.verify(token, 'u');
    if (!t) return fail('invalid_link', 'this link is not valid');
    const c = await this.consent(t.w, t.p);
    if (!c.ok) return fail('invalid_link', 'this link is not valid');
    const p = await this.store.profiles.get(t.w, t.p);
    const traits = p?.traits ?? {};
    const locale = [traits.locale, traits.language].find((v): v is string => typeof v === 'string') ?? null;
    return {
      ok: true,
      value: {
        workspaceId: t.w,
        profileId: c.value.profileId,
        channel: t.c,
        group: t.g || null,
        locale,
        consent: c.value,
        groups: await this.store.messaging.listGroups(t.w),
      },
    };
  }

  /** Saves the preference page: each group of the channel on or off, or the whole channel's marketing off. */
  async savePreferences(
    token: string,
    choice: { groups: Record<string, boolean>; all: boolean },
  ): Promise<Result<ConsentView>> {
    const pref = await this.preferences(token);
    if (!pref.ok) return pref;
    const { workspaceId: w, profileId: p, channel } = pref.value;
    const source = 'preference_page';
    await this.setConsent(w, p, { channel, state: choice.all ? 'unsubscribed' : 'subscribed', source });
    for (const g of pref.value.groups.filter((x) => x.channel === channel)) {
      const want = choice.groups[g.id] === true;
      const now = pref.value.consent.channels[channel]?.groups[g.id];
      if (now && now.state === (want ? 'subscribed' : 'unsubscribed') && now.explicit) continue;
      await this.setConsent(w, p, {
        channel,
        group: g.id,
        state: want ? 'subscribed' : 'unsubscribed',
        source,
      });
    }
    return this.consent(w, p);
  }

  // ---- delivery feedback -------------------------------------------------------------------------------

  deliveries(
    workspaceId: string,
    q: { profileId?: string; before?: string; limit: number },
  ): Promise<DeliveryRecord[]> {
    return this.store.messaging.listDeliveries(workspaceId, q);
  }

  /**
   * What a provider reported about a message (webhook from the mail relay or SMS gateway, or an operator):
   * delivered, bounced (hard: the channel closes), complained (marketing closes), replied. Becomes
   * `Message Delivered` / `Message Bounced` / `Message Complained` / `Message Replied` on the profile.
   */
  async providerEvent(
    workspaceId: string,
    e: {
      deliveryId?: string;
      providerMessageId?: string;
      type: 'delivered' | 'bounced' | 'complained' | 'replied';
      hard?: boolean;
      detail?: string;
      text?: string;
    },
  ): Promise<Result<DeliveryRecord>> {
    const d = e.deliveryId
      ? await this.store.messaging.delivery(workspaceId, e.deliveryId)
      : e.providerMessageId
        ? await this.store.messaging.deliveryByProviderId(workspaceId, e.providerMessageId)
        : undefined;
    if (!d) return fail('not_found', 'no message has that deliveryId / providerMessageId');
    const status = e.type === 'replied' ? d.status : e.type;
    if (e.type !== 'replied')
      await this.store.messaging.setDeliveryStatus(workspaceId, d.id, status, e.detail ?? null);
    if (d.profileId) {
      if (e.type === 'bounced' && e.hard !== false)
        await this.closeChannel(workspaceId, d.profileId, d.channel, 'hard_bounce', 'provider_bounce');
      if (e.type === 'complained')
        await this.setConsent(workspaceId, d.profileId, {
          channel: d.channel,
          state: 'unsubscribed',
          reason: 'complaint',
          source: 'provider_complaint',
        });
    }
    const name = {
      delivered: 'Message Delivered',
      bounced: 'Message Bounced',
      complained: 'Message Complained',
      replied: 'Message Replied',
    }[e.type];
    await this.#deliveryEvent(workspaceId, d.id, name, {
      ...(e.type === 'bounced' ? { hard: e.hard !== false } : {}),
      ...(e.detail ? { detail: e.detail.slice(0, 300) } : {}),
      ...(e.text ? { text: e.text.slice(0, 2000) } : {}),
    });
    return { ok: true, value: { ...d, status } };
  }

  // ---- SMS gateway webhooks ------------------------------------------------------------------------

  /** Where Twilio posts delivery receipts for a workspace (set on every message it sends). */
  twilioStatusUrl(workspaceId: string): string {
    return `${this.publicUrl}/hooks/sms/twilio/${encodeURIComponent(workspaceId)}/status`;
  }

  /** The workspace's Twilio auth token when its SMS channel is Twilio (webhooks are signed with it). */
  async #twilioToken(workspaceId: string): Promise<string | undefined> {
    const c = await this.rawChannelSettings(workspaceId, 'sms');
    return c?.provider === 'twilio' && typeof c.authToken === 'string' ? c.authToken : undefined;
  }

  /**
   * A Twilio status callback: delivered → `Message Delivered`; undelivered/failed → `Message Bounced`
   * (hard for numbers that cannot receive SMS, which closes the channel). Refused unless signed with the
   * workspace's auth token over the URL we gave Twilio.
   */
  async twilioStatus(
    workspaceId: string,
    url: string,
    params: Record<string, string>,
    signature: string | undefined,
  ): Promise<Result<{ recorded: boolean }>> {
    const token = await this.#twilioToken(workspaceId);
    if (!token || !verifyTwilioSignature(token, url, params, signature))
      return fail('invalid_signature', "the request is not signed by this workspace's Twilio account");
    const st = twilioDeliveryStatus(params);
    if (!st) return { ok: true, value: { recorded: false } };
    const r = await this.providerEvent(workspaceId, {
      providerMessageId: st.messageSid,
      type: st.type,
      hard: st.hard,
      detail: st.detail,
    });
    // A receipt for a message we have no record of (sent before, or by another system) is not an error.
    return { ok: true, value: { recorded: r.ok } };
  }

  /**
   * An SMS a customer sent to the workspace's Twilio number: recorded as `SMS Received` on the profile of
   * that phone; STOP (or «لغو», «إلغاء») closes marketing SMS, START opens it again — with source `sms_reply`.
   */
  async twilioInbound(
    workspaceId: string,
    url: string,
    params: Record<string, string>,
    signature: string | undefined,
  ): Promise<Result<{ profileId: string | null; consent: 'subscribed' | 'unsubscribed' | null }>> {
    const token = await this.#twilioToken(workspaceId);
    if (!token || !verifyTwilioSignature(token, url, params, signature))
      return fail('invalid_signature', "the request is not signed by this workspace's Twilio account");
    const from = params.From ?? '';
    const text = (params.Body ?? '').slice(0, 2000);
    const who = from ? await this.profiles.lookup(workspaceId, 'phone', from) : undefined;
    if (!who?.ok) return { ok: true, value: { profileId: null, consent: null } };
    const word = text
      .trim()
      .toLowerCase()
      .replace(/[\s\u200c]+/g, ' ');
    const stop = /^(stop|unsubscribe|cancel|end|quit|لغو|لغو ۱۱|لغو 11|توقف|إلغاء|الغاء|ايقاف)$/.test(word);
    const start = /^(start|unstop|subscribe|شروع|اشتراك)$/.test(word);
    const now = this.clock.now();
    const event = systemEvent({
      name: 'SMS Received',
      properties: { text, from, to: params.To ?? null, message_sid: params.MessageSid ?? null },
      channel: 'sms',
      touchpoint: params.To ?? 'sms',
      now,
      messageId: `sms-in:${params.MessageSid ?? `${from}:${now}`}`,
    });
    await this.store.transaction((tx) => tx.events.append(workspaceId, [event], [who.value.id]));
    this.pipeline.notify();
    let consent: 'subscribed' | 'unsubscribed' | null = null;
    if (stop || start) {
      consent = stop ? 'unsubscribed' : 'subscribed';
      await this.setConsent(workspaceId, who.value.id, {
        channel: 'sms',
        state: consent,
        source: 'sms_reply',
      });
    }
    return { ok: true, value: { profileId: who.value.id, consent } };
  }

  /** Closes a channel for a profile (hard bounce, manual). */
  async closeChannel(
    workspaceId: string,
    profileId: string,
    channel: string,
    reason: string,
    source: string,
  ) {
    return this.setConsent(workspaceId, profileId, { channel, state: 'unsubscribed', reason, source });
  }

  async #deliveryEvent(
    workspaceId: string,
    deliveryId: string,
    name: string,
    extra: JsonObject,
    unique = '',
  ): Promise<void> {
    const d = await this.store.messaging.delivery(workspaceId, deliveryId);
    if (!d?.profileId) return;
    await this.appendMessageEvent(
      workspaceId,
      d.profileId,
      name,
      deliveryFacts(d),
      extra,
      `${d.id}:${name}:${unique}`,
    );
  }

  /** Appends a message event (sent, opened, …) to the profile's timeline; `key` makes replays harmless. */
  async appendMessageEvent(
    workspaceId: string,
    profileId: string,
    name: string,
    facts: MessageFacts,
    extra: JsonObject,
    key: string,
  ): Promise<void> {
    const now = this.clock.now();
    const event = systemEvent({
      name,
      properties: {
        channel: facts.channel,
        effect_id: facts.effectId,
        process_id: facts.processId,
        process_instance_id: facts.instanceId,
        process_node_id: facts.node,
        template: facts.templateId,
        ...extra,
      },
      channel: facts.channel,
      touchpoint: facts.processId ? `process:${facts.processId}` : facts.channel,
      now,
      messageId: `msg:${key}`,
    });
    await this.store.transaction((tx) => tx.events.append(workspaceId, [event], [profileId]));
    this.pipeline.notify();
  }
}

/** What message events say about the message they follow. */
export interface MessageFacts {
  channel: string;
  effectId: string | null;
  processId: string | null;
  instanceId: string | null;
  node: string | null;
  templateId: string | null;
}

function deliveryFacts(d: DeliveryRecord): MessageFacts {
  return {
    channel: d.channel,
    effectId: d.id,
    processId: d.processId,
    instanceId: d.instanceId,
    node: d.node,
    templateId: d.templateId,
  };
}

export function toMessageTemplate(t: TemplateRecord): MessageTemplate {
  return {
    id: t.id,
    ...(t.defaultLocale ? { defaultLocale: t.defaultLocale as MessageTemplate['defaultLocale'] } : {}),
    variants: t.variants as MessageTemplate['variants'],
  };
}

const FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  email: { required: ['subject', 'html'], optional: ['text', 'preheader'] },
  sms: { required: ['text'], optional: [] },
  push: { required: ['title', 'body'], optional: ['url', 'icon'] },
};

function checkVariants(variants: unknown): Result<true> {
  if (!variants || typeof variants !== 'object' || Array.isArray(variants))
    return fail('invalid_field', 'variants must be an object keyed by locale (fa, ar, en)', 'variants');
  const entries = Object.entries(variants as Record<string, unknown>);
  if (entries.length === 0)
    return fail('invalid_field', 'give at least one locale variant (fa, ar or en)', 'variants');
  for (const [locale, v] of entries) {
    const at = `variants.${locale}`;
    if (!(LOCALES as readonly string[]).includes(locale))
      return fail('invalid_field', `${at}: a locale must be one of ${LOCALES.join(', ')}`, at);
    if (!v || typeof v !== 'object' || Array.isArray(v))
      return fail('invalid_field', `${at} must be an object with email, sms and/or push forms`, at);
    const forms = Object.entries(v as Record<string, unknown>);
    if (forms.length === 0) return fail('invalid_field', `${at} needs at least one of email, sms, push`, at);
    for (const [channel, form] of forms) {
      const spec = FIELDS[channel];
      if (!spec)
        return fail(
          'invalid_field',
          `${at}.${channel}: channels are email, sms and push`,
          `${at}.${channel}`,
        );
      if (!form || typeof form !== 'object')
        return fail('invalid_field', `${at}.${channel} must be an object`, `${at}.${channel}`);
      const f = form as Record<string, unknown>;
      for (const k of spec.required) {
        if (typeof f[k] !== 'string' || !(f[k] as string).trim())
          return fail('invalid_field', `${at}.${channel}.${k} is required text`, `${at}.${channel}.${k}`);
      }
      for (const k of Object.keys(f)) {
        if (!spec.required.includes(k) && !spec.optional.includes(k))
          return fail(
            'invalid_field',
            `${at}.${channel}.${k} is not a field of ${channel}; use ${[...spec.required, ...spec.optional].join(', ')}`,
            `${at}.${channel}.${k}`,
          );
        if (typeof f[k] !== 'string')
          return fail('invalid_field', `${at}.${channel}.${k} must be text`, `${at}.${channel}.${k}`);
      }
    }
  }
  return { ok: true, value: true };
}

function checkChannelConfig(channel: string, c: Record<string, unknown>): Result<never> | undefined {
  const need = (cond: boolean, field: string, message: string) =>
    cond ? undefined : fail('invalid_field', message, field);
  const rate = c.rate as { perSecond?: unknown } | undefined;
  if (rate !== undefined && !(typeof rate.perSecond === 'number' && rate.perSecond > 0))
    return fail('invalid_field', 'rate.perSecond must be a number above 0', 'rate.perSecond');
  if (channel === 'email') {
    const smtp = c.smtp as Record<string, unknown> | undefined;
    return (
      need(
        !!smtp && typeof smtp.host === 'string' && !!smtp.host,
        'smtp.host',
        'smtp.host is required (the relay host name)',
      ) ??
      need(!!smtp && Number.isInteger(smtp.port), 'smtp.port', 'smtp.port is required (e.g. 587)') ??
      need(
        typeof c.from === 'string' && /@/.test(c.from),
        'from',
        'from is required: "Shop <shop@example.com>"',
      )
    );
  }
  if (channel === 'sms') {
    const p = c.provider;
    if (p === 'twilio')
      return (
        need(typeof c.accountSid === 'string', 'accountSid', 'accountSid is required for Twilio') ??
        need(typeof c.authToken === 'string', 'authToken', 'authToken is required for Twilio')
      );
    if (p === 'kavenegar')
      return need(typeof c.apiKey === 'string', 'apiKey', 'apiKey is required for Kavenegar');
    if (p === 'http')
      return need(
        typeof c.url === 'string' && /^https?:\/\//.test(c.url),
        'url',
        'url is required: the gateway endpoint',
      );
    return fail('invalid_field', 'provider must be twilio, kavenegar or http', 'provider');
  }
  const v = c.vapid as Record<string, unknown> | undefined;
  return need(
    !!v &&
      typeof v.subject === 'string' &&
      typeof v.publicKey === 'string' &&
      typeof v.privateKey === 'string',
    'vapid',
    'vapid needs subject (mailto: or https URL), publicKey and privateKey (generate them with POST /api/v1/channels/push/vapid)',
  );
}
