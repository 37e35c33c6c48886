import {
  createEmailSender,
  createHttpSmsProvider,
  createKavenegarProvider,
  createTemplateRenderer,
  createTwilioProvider,
  createWebPushSender,
  TemplateRenderError,
  type ContentBlocks,
  type EmailSender,
  type TemplateRenderer,
  type HttpSmsOptions,
  type KavenegarOptions,
  type TwilioOptions,
  type PushSender,
  type SendResult,
  type SmsProvider,
} from '@omnicx/channels';
import {
  capExceeded,
  consentDecision,
  isTimeZone,
  quietHoursEnd,
  type Action,
  type MessageCategory,
} from '@omnicx/core';
import type { OutboxRecord, Store, TemplateRecord } from '@omnicx/store';
import type { Clock, Logger } from './ports';
import type { ProfileService, ProfileView } from './profiles';
import { toMessageTemplate, type MessageChannel, type MessagingService } from './messaging';
import type { SendOutcome, Sender } from './outbox';

/** Options for the message senders (tests point push at a local http service). */
export interface MessageSenderOptions {
  allowHttpPushEndpoints?: boolean;
  /** Host for Message-IDs when the workspace's from address has none usable. */
  messageIdDomain?: string;
}

type Prepared =
  | { done: SendOutcome; category?: MessageCategory }
  | {
      done?: undefined;
      template: TemplateRecord;
      profile: ProfileView;
      category: MessageCategory;
      config: Record<string, unknown>;
      ctx: {
        profile: { id: string; traits: Record<string, unknown> };
        event?: Record<string, unknown>;
        vars?: Record<string, unknown>;
      };
    };

const hold = (code: string, message: string): SendOutcome => ({ suppressed: true, code, message });

/**
 * The outbox senders of `message.email`, `message.sms` and `message.push` (a process's send step). Each
 * send decides, in this order: the template exists; consent (transactional ignores marketing opt-outs,
 * never a hard bounce); frequency caps; quiet hours in the profile's zone (the message waits); the
 * channel's configured rate; then renders in the profile's language and sends with the effect's key.
 * Held-back messages are recorded as deliveries with their reason and as `Message Suppressed` events.
 */
export function messageSenders(d: {
  store: Store;
  messaging: MessagingService;
  profiles: ProfileService;
  clock: Clock;
  logger: Logger;
  options?: MessageSenderOptions;
}): { senders: Record<string, Sender>; testSend: TestSend; close(): void } {
  const emailSenders = new Map<string, EmailSender>();
  const smsProviders = new Map<string, SmsProvider>();
  const push: PushSender = createWebPushSender({
    now: () => d.clock.now(),
    allowHttpEndpoints: d.options?.allowHttpPushEndpoints ?? false,
  });
  // One renderer per set of content blocks (the blocks object is cached by MessagingService and replaced
  // when a block changes), so sends do not build a Liquid engine each.
  const renderers = new WeakMap<ContentBlocks, TemplateRenderer>();
  const rendererFor = (blocks: ContentBlocks): TemplateRenderer => {
    let r = renderers.get(blocks);
    if (!r) {
      r = createTemplateRenderer({ blocks });
      renderers.set(blocks, r);
    }
    return r;
  };
  // Per workspace and channel: the earliest time the next message may start (the provider's rate).
  const nextSlot = new Map<string, number>();

  function rateDefer(
    e: OutboxRecord,
    channel: string,
    config: Record<string, unknown>,
  ): SendOutcome | undefined {
    const perSecond = (config.rate as { perSecond?: number } | undefined)?.perSecond;
    if (!perSecond) return undefined;
    const key = `${e.workspaceId}:${channel}`;
    const now = d.clock.now();
    const slot = nextSlot.get(key) ?? now;
    if (slot > now + 5)
      return {
        deferred: true,
        until: slot,
        code: 'rate_limited',
        message: `over the ${channel} rate of ${perSecond}/s`,
      };
    nextSlot.set(key, Math.max(slot, now) + 1000 / perSecond);
    return undefined;
  }

  async function prepare(e: OutboxRecord, channel: MessageChannel): Promise<Prepared> {
    const action = e.payload.action as Action | undefined;
    if (action?.kind !== 'send_message' || e.profileId === null)
      return {
        done: { ok: false, retryable: false, code: 'invalid_effect', message: 'not a message to a profile' },
      };
    const template = await d.store.messaging.getTemplate(e.workspaceId, action.template);
    if (!template)
      return {
        done: {
          ok: false,
          retryable: false,
          code: 'template_missing',
          message: `template ${action.template} does not exist; create it, then retry this message`,
        },
      };
    const p = await d.profiles.get(e.workspaceId, e.profileId);
    if (!p.ok) return { done: hold('no_profile', `profile ${e.profileId} no longer exists`) };
    const profile = p.value;
    const category: MessageCategory = action.transactional ? 'transactional' : template.category;
    const groups = template.groupId ? await d.store.messaging.listGroups(e.workspaceId) : [];
    const decision = consentDecision({
      channel,
      category,
      group: groups.find((g) => g.id === template.groupId) ?? null,
      consents: await d.store.messaging.consents(e.workspaceId, profile.id),
    });
    if (!decision.ok)
      return {
        category,
        done: hold(
          decision.reason,
          `the profile's ${channel}${decision.groupId ? ` group ${decision.groupId}` : ''} is closed (${decision.reason})`,
        ),
      };
    const policy = await d.messaging.policy(e.workspaceId);
    const now = d.clock.now();
    const caps = (policy.caps ?? []).filter((c) => c.channel === channel || c.channel === '*');
    if (caps.length > 0) {
      const longest = Math.max(...caps.map((c) => c.windowHours)) * 3_600_000;
      const times = await d.store.messaging.sentTimes(
        e.workspaceId,
        profile.id,
        channel,
        category,
        now - longest,
      );
      const over = capExceeded(caps, channel, category, times, now);
      if (over)
        return {
          category,
          done: hold(
            'frequency_cap',
            `${over.count} ${category} ${channel} message(s) in the last ${over.cap.windowHours} h reach the cap of ${over.cap.max}`,
          ),
        };
    }
    const zone =
      [profile.traits.timezone, profile.traits.time_zone, policy.defaultTimeZone].find(
        (z): z is string => typeof z === 'string' && isTimeZone(z),
      ) ?? 'UTC';
    const quietUntil = quietHoursEnd(policy.quietHours, channel, category, zone, now);
    if (quietUntil !== undefined)
      return {
        done: {
          deferred: true,
          until: quietUntil,
          code: 'quiet_hours',
          message: `quiet hours in ${zone} until ${new Date(quietUntil).toISOString()}`,
        },
      };
    const config = await d.messaging.rawChannelSettings(e.workspaceId, channel);
    if (!config)
      return {
        done: {
          ok: false,
          retryable: false,
          code: 'channel_not_configured',
          message: `the ${channel} channel has no provider; configure it (PUT /api/v1/channels/${channel}), then retry`,
        },
      };
    const trigger = e.payload.trigger as { properties?: Record<string, unknown> } | null | undefined;
    // Variables a process step adds for the template (e.g. survey_url from a send with a survey).
    const vars = (e.payload.variables ?? e.payload.vars) as Record<string, unknown> | undefined;
    return {
      template,
      profile,
      category,
      config,
      ctx: {
        profile: { id: profile.id, traits: profile.traits },
        ...(trigger ? { event: { ...trigger, ...(trigger.properties ?? {}) } } : {}),
        ...(vars ? { vars } : {}),
      },
    };
  }

  function renderFailure(err: unknown): SendOutcome {
    if (err instanceof TemplateRenderError)
      return { ok: false, retryable: false, code: 'template_error', message: err.message.slice(0, 1000) };
    throw err;
  }

  async function record(
    e: OutboxRecord,
    channel: string,
    p: Exclude<Prepared, { done: SendOutcome }> | null,
    outcome: {
      status: string;
      reason?: string | null;
      locale?: string | null;
      provider?: string | null;
      providerMessageId?: string | null;
    },
    category: MessageCategory,
  ) {
    await d.store.messaging.addDelivery(e.workspaceId, {
      id: e.id,
      profileId: e.profileId,
      channel,
      category,
      templateId: p?.template.id ?? (e.payload.action as { template?: string } | undefined)?.template ?? null,
      groupId: p?.template.groupId ?? null,
      processId: e.processId,
      instanceId: e.instanceId,
      node: e.node,
      status: outcome.status,
      reason: outcome.reason ?? null,
      locale: outcome.locale ?? null,
      provider: outcome.provider ?? null,
      providerMessageId: outcome.providerMessageId ?? null,
      createdAt: d.clock.now(),
      openedAt: null,
      clickedAt: null,
    });
  }

  /** Runs a channel's send with the shared decisions around it. */
  function sender(
    channel: MessageChannel,
    send: (
      e: OutboxRecord,
      p: Exclude<Prepared, { done: SendOutcome }>,
    ) => Promise<{ result: SendOutcome; locale?: string; provider?: string }>,
  ): Sender {
    return {
      async send(e) {
        const p = await prepare(e, channel);
        if (p.done) {
          if ('suppressed' in p.done) {
            const category: MessageCategory =
              p.category ??
              ((e.payload.action as { transactional?: boolean }).transactional
                ? 'transactional'
                : 'marketing');
            await record(e, channel, null, { status: 'suppressed', reason: p.done.code }, category);
          }
          return p.done;
        }
        const rate = rateDefer(e, channel, p.config);
        if (rate) return rate;
        const { result, locale, provider } = await send(e, p);
        // Held back by the channel itself (no address, no push subscription): recorded like any suppression.
        if ('suppressed' in result)
          await record(e, channel, p, { status: 'suppressed', reason: result.code }, p.category);
        if ('ok' in result && result.ok)
          await record(
            e,
            channel,
            p,
            {
              status: 'sent',
              locale: locale ?? null,
              provider: provider ?? null,
              providerMessageId: result.providerMessageId ?? null,
            },
            p.category,
          );
        if (
          'ok' in result &&
          !result.ok &&
          !result.retryable &&
          result.code === 'rejected' &&
          /RCPT/i.test(result.message)
        ) {
          // The relay refused the recipient: a hard bounce closes the channel (transactional mail too).
          await record(
            e,
            channel,
            p,
            { status: 'bounced', reason: result.message.slice(0, 300), provider: provider ?? null },
            p.category,
          );
          await d.messaging.closeChannel(
            e.workspaceId,
            p.profile.id,
            channel,
            'hard_bounce',
            'smtp_rejection',
          );
        }
        return result;
      },
    };
  }

  const emailFor = (config: Record<string, unknown>): EmailSender => {
    const key = JSON.stringify(config.smtp);
    let s = emailSenders.get(key);
    if (!s) {
      const from = String(config.from ?? '');
      const domain = /@([^>\s]+)/.exec(from)?.[1] ?? d.options?.messageIdDomain ?? 'omnicx.local';
      s = createEmailSender({
        smtp: { pool: true, ...(config.smtp as object) } as never,
        messageIdDomain: domain,
      });
      emailSenders.set(key, s);
    }
    return s;
  };

  const smsFor = (workspaceId: string, stored: Record<string, unknown>): SmsProvider => {
    // Twilio reports delivery to our webhook unless the workspace set its own callback.
    const config =
      stored.provider === 'twilio' && stored.statusCallback === undefined
        ? { ...stored, statusCallback: d.messaging.twilioStatusUrl(workspaceId) }
        : stored;
    const key = JSON.stringify(config);
    let s = smsProviders.get(key);
    if (!s) {
      const now = () => d.clock.now();
      if (config.provider === 'twilio')
        s = createTwilioProvider({ ...(config as unknown as TwilioOptions), now });
      else if (config.provider === 'kavenegar')
        s = createKavenegarProvider({ ...(config as unknown as KavenegarOptions), now });
      else s = createHttpSmsProvider({ ...(config as unknown as HttpSmsOptions), now });
      smsProviders.set(key, s);
    }
    return s;
  };

  const addressOf = (p: ProfileView, type: 'email' | 'phone'): string | undefined => {
    const fromId = p.identities.find((i) => i.type === type)?.value;
    const t = p.traits[type];
    return typeof t === 'string' && t ? t : fromId;
  };

  /** Sends a template to an address now, marked as a test: no consent, caps or quiet hours, no delivery row. */
  const testSend: TestSend = async (workspaceId, q) => {
    const template = await d.store.messaging.getTemplate(workspaceId, q.templateId);
    if (!template)
      return {
        ok: false,
        retryable: false,
        code: 'not_found',
        message: `template ${q.templateId} does not exist`,
      };
    const config = await d.messaging.rawChannelSettings(workspaceId, q.channel);
    if (!config)
      return {
        ok: false,
        retryable: false,
        code: 'channel_not_configured',
        message: `the ${q.channel} channel has no provider; configure it first`,
      };
    let traits: Record<string, unknown> = {};
    let id = 'test';
    if (q.profileId) {
      const p = await d.profiles.get(workspaceId, q.profileId);
      if (!p.ok) return { ok: false, retryable: false, code: 'not_found', message: p.error.message };
      traits = p.value.traits;
      id = p.value.id;
    }
    const ctx = { profile: { id, traits }, ...(q.locale ? { locale: q.locale } : {}) };
    const renderer = createTemplateRenderer({ blocks: await d.messaging.blocks(workspaceId, true) });
    const key = `test:${workspaceId}:${q.templateId}:${d.clock.now()}:${Math.random().toString(36).slice(2)}`;
    try {
      if (q.channel === 'email') {
        const r = await renderer.renderEmail(toMessageTemplate(template), {
          ...ctx,
          unsubscribeUrl: `${d.messaging.publicUrl}/u/test`,
        });
        return await emailFor(config).send({
          idempotencyKey: key,
          identity: {
            from: String(config.from),
            ...(typeof config.replyTo === 'string' ? { replyTo: config.replyTo } : {}),
          },
          to: q.to,
          subject: `[Test] ${r.subject}`,
          html: r.html,
          text: r.text,
          category: 'transactional',
          language: r.locale.locale,
        });
      }
      if (q.channel === 'sms') {
        const r = await renderer.renderSms(toMessageTemplate(template), ctx);
        return await smsFor(workspaceId, config).send({
          idempotencyKey: key,
          to: q.to,
          text: r.text,
          ...(typeof config.from === 'string' ? { from: config.from } : {}),
        });
      }
      return { ok: false, retryable: false, code: 'invalid_field', message: 'test sends go to email or sms' };
    } catch (err) {
      const f = renderFailure(err);
      return 'ok' in f
        ? f
        : { ok: false, retryable: false, code: 'template_error', message: 'render failed' };
    }
  };

  const senders: Record<string, Sender> = {
    'message.email': sender('email', async (e, p) => {
      const to = addressOf(p.profile, 'email');
      if (!to) return { result: hold('no_address', 'the profile has no email address') };
      const facts = { w: e.workspaceId, p: p.profile.id, c: 'email', g: p.template.groupId ?? '', d: e.id };
      const unsubscribeUrl = await d.messaging.unsubscribeUrl(facts);
      const renderer = rendererFor(await d.messaging.blocks(e.workspaceId));
      let rendered;
      try {
        rendered = await renderer.renderEmail(toMessageTemplate(p.template), { ...p.ctx, unsubscribeUrl });
      } catch (err) {
        return { result: renderFailure(err) };
      }
      const tracking = (p.config.tracking ?? {}) as { opens?: boolean; clicks?: boolean };
      const html = await d.messaging.track(rendered.html, facts, {
        opens: tracking.opens !== false,
        clicks: tracking.clicks !== false,
      });
      const result: SendResult = await emailFor(p.config).send({
        idempotencyKey: e.key,
        identity: {
          from: String(p.config.from),
          ...(typeof p.config.replyTo === 'string' ? { replyTo: p.config.replyTo } : {}),
          ...(p.config.dkim ? { dkim: p.config.dkim as never } : {}),
        },
        to,
        subject: rendered.subject,
        html,
        text: rendered.text,
        category: p.category,
        unsubscribe: {
          url: unsubscribeUrl,
          ...(typeof p.config.unsubscribeMailto === 'string' ? { mailto: p.config.unsubscribeMailto } : {}),
        },
        language: rendered.locale.locale,
      });
      return { result, locale: rendered.locale.locale, provider: 'smtp' };
    }),
    'message.sms': sender('sms', async (e, p) => {
      const to = addressOf(p.profile, 'phone');
      if (!to) return { result: hold('no_address', 'the profile has no phone number') };
      const renderer = rendererFor(await d.messaging.blocks(e.workspaceId));
      let rendered;
      try {
        rendered = await renderer.renderSms(toMessageTemplate(p.template), p.ctx);
      } catch (err) {
        return { result: renderFailure(err) };
      }
      const provider = smsFor(e.workspaceId, p.config);
      const result = await provider.send({
        idempotencyKey: e.key,
        to,
        text: rendered.text,
        ...(typeof p.config.from === 'string' ? { from: p.config.from } : {}),
      });
      return { result, locale: rendered.locale.locale, provider: provider.name };
    }),
    'message.push': sender('push', async (e, p) => {
      const subs = await d.store.messaging.pushSubscriptions(e.workspaceId, p.profile.id);
      if (subs.length === 0) return { result: hold('no_address', 'the profile has no push subscription') };
      const renderer = rendererFor(await d.messaging.blocks(e.workspaceId));
      let rendered;
      try {
        rendered = await renderer.renderPush(toMessageTemplate(p.template), p.ctx);
      } catch (err) {
        return { result: renderFailure(err) };
      }
      // Every browser the profile subscribed gets it; one success is a success, else a retryable failure
      // (some browser may still take it) wins over a permanent one.
      const results: SendResult[] = [];
      for (const s of subs) {
        const r = await push.send({
          idempotencyKey: `${e.key}:${s.id}`,
          subscription: { endpoint: s.endpoint, keys: s.keys },
          vapid: p.config.vapid as never,
          payload: {
            title: rendered.title,
            body: rendered.body,
            ...(rendered.url ? { url: rendered.url } : {}),
            ...(rendered.icon ? { icon: rendered.icon } : {}),
            data: { delivery: e.id },
          },
        });
        if (!r.ok && r.code === 'subscription_gone')
          await d.store.messaging.deletePushSubscription(e.workspaceId, s.id);
        results.push(r);
      }
      const first = results.find((r) => r.ok) ?? results.find((r) => !r.ok && r.retryable) ?? results[0]!;
      return { result: first, locale: rendered.locale.locale, provider: 'webpush' };
    }),
  };
  return {
    senders,
    testSend,
    /** Closes pooled SMTP connections (on engine stop). */
    close() {
      for (const s of emailSenders.values()) s.close();
      emailSenders.clear();
    },
  };
}

/** Sends one template to an address as a test. */
export type TestSend = (
  workspaceId: string,
  q: { templateId: string; channel: 'email' | 'sms'; to: string; profileId?: string; locale?: string },
) => Promise<SendResult>;
