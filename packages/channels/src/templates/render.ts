// Rendering a template for one profile on one channel: choose the locale variant, render each field in the
// sandbox, then give each channel its form (email layout and text part, SMS length, push fields).
import { chooseLocale, directionOf, normalizeLocale, profileLocale } from './locale';
import type { Locale, LocaleChoice } from './locale';
import { emailLayout, escapeHtml, htmlToText, isFullDocument, unsubscribeLabel } from './html';
import { TemplateRenderError, TemplateSandbox } from './sandbox';
import type { ContentBlocks, TemplateError, TemplateLimits } from './sandbox';
import { smsLength } from './sms-length';
import type { SmsLength } from './sms-length';

export interface EmailContent {
  subject: string;
  /** A body fragment (wrapped in the responsive layout) or a full `<html>` document (sent as written). */
  html: string;
  /** The plain-text part; derived from the HTML when absent. */
  text?: string;
  /** The preview line inbox lists show after the subject. */
  preheader?: string;
}
export interface SmsContent {
  text: string;
}
export interface PushContent {
  title: string;
  body: string;
  url?: string;
  icon?: string;
}

/** What one locale variant holds: a form per channel, written once, sharing content blocks. */
export interface ChannelContents {
  email?: EmailContent;
  sms?: SmsContent;
  push?: PushContent;
}
export type TemplateChannel = keyof ChannelContents;

/** A message template with its locale variants. */
export interface MessageTemplate {
  id: string;
  /** The variant used when the profile's language has none (before English). */
  defaultLocale?: Locale;
  variants: Partial<Record<Locale, ChannelContents>>;
}

/** Who and what a message is rendered for. Each becomes a Liquid variable of the same name. */
export interface RenderContext {
  profile: { id: string; traits?: Record<string, unknown>; [key: string]: unknown };
  event?: Record<string, unknown>;
  computed?: Record<string, unknown>;
  coupon?: Record<string, unknown>;
  product?: Record<string, unknown>;
  /** Further variables, available at the top level (`{{ order.number }}`). */
  vars?: Record<string, unknown>;
  /** Overrides the profile's locale (e.g. a preview in another language). */
  locale?: string;
  /** The caller's one-click unsubscribe link: `{{ unsubscribe_url }}`; added to the email footer if unused. */
  unsubscribeUrl?: string;
}

export interface RenderedEmail {
  locale: LocaleChoice;
  dir: 'rtl' | 'ltr';
  subject: string;
  html: string;
  text: string;
}
export interface RenderedSms {
  locale: LocaleChoice;
  text: string;
  length: SmsLength;
}
export interface RenderedPush {
  locale: LocaleChoice;
  title: string;
  body: string;
  url?: string;
  icon?: string;
}

export interface PreviewResult {
  ok: boolean;
  email?: RenderedEmail;
  sms?: RenderedSms;
  push?: RenderedPush;
  /** Every problem found, across all channels and fields. */
  errors: TemplateError[];
}

export interface TemplateRenderer {
  /** Renders the email form; throws TemplateRenderError listing every problem. */
  renderEmail(template: MessageTemplate, ctx: RenderContext): Promise<RenderedEmail>;
  /** Renders the SMS form with its length and segment count; throws TemplateRenderError. */
  renderSms(template: MessageTemplate, ctx: RenderContext): Promise<RenderedSms>;
  /** Renders the push form; throws TemplateRenderError. */
  renderPush(template: MessageTemplate, ctx: RenderContext): Promise<RenderedPush>;
  /** Renders every channel the template has (or those asked for) and returns all errors instead of throwing. */
  preview(
    template: MessageTemplate,
    ctx: RenderContext,
    channels?: TemplateChannel[],
  ): Promise<PreviewResult>;
}

/**
 * Creates a renderer over a workspace's content blocks.
 * @example
 *   const r = createTemplateRenderer({ blocks: { footer: { fa: '…', en: '…' } } });
 *   const email = await r.renderEmail(template, { profile, event, unsubscribeUrl });
 *   email.locale // { locale: 'fa', requested: 'fa', fallback: false }
 */
export function createTemplateRenderer(
  opts: { blocks?: ContentBlocks; limits?: Partial<TemplateLimits> } = {},
): TemplateRenderer {
  const sandbox = new TemplateSandbox(opts.blocks ?? {}, opts.limits ?? {});

  type Outcome<T> = { ok: true; value: T } | { ok: false; errors: TemplateError[] };

  function pick(template: MessageTemplate, ctx: RenderContext, channel: TemplateChannel) {
    const requested = normalizeLocale(ctx.locale) ?? profileLocale(ctx.profile.traits);
    return chooseLocale(
      requested,
      template.defaultLocale,
      (l) => template.variants[l]?.[channel] !== undefined,
    );
  }

  function noVariant(template: MessageTemplate, channel: TemplateChannel): TemplateError[] {
    return [
      {
        code: 'no_variant',
        field: channel,
        message: `template "${template.id}" has no ${channel} content in any locale; add a ${channel} form to at least one variant`,
      },
    ];
  }

  function scope(ctx: RenderContext, locale: Locale, channel: TemplateChannel): Record<string, unknown> {
    const data: Record<string, unknown> = { ...ctx.vars };
    data.profile = { traits: {}, ...ctx.profile };
    for (const k of ['event', 'computed', 'coupon', 'product'] as const)
      if (ctx[k] !== undefined) data[k] = ctx[k];
    if (ctx.unsubscribeUrl !== undefined) data.unsubscribe_url = ctx.unsubscribeUrl;
    data.locale = locale;
    data.dir = directionOf(locale);
    data.channel = channel;
    return data;
  }

  /** Renders named fields, collecting errors from all of them. */
  async function fields<K extends string>(
    sources: Partial<Record<K, string>>,
    data: object,
    channel: string,
    locale: Locale,
    html: ReadonlySet<string>,
  ): Promise<Outcome<Partial<Record<K, string>>>> {
    const out: Partial<Record<K, string>> = {};
    const errors: TemplateError[] = [];
    for (const [name, source] of Object.entries(sources) as [K, string | undefined][]) {
      if (source === undefined) continue;
      const r = await sandbox.render(source, data, {
        field: `${channel}.${name}`,
        locale,
        html: html.has(name),
      });
      if (r.ok) out[name] = r.value;
      else errors.push(...r.errors);
    }
    return errors.length ? { ok: false, errors } : { ok: true, value: out };
  }

  async function email(template: MessageTemplate, ctx: RenderContext): Promise<Outcome<RenderedEmail>> {
    const choice = pick(template, ctx, 'email');
    if (!choice) return { ok: false, errors: noVariant(template, 'email') };
    const content = template.variants[choice.locale]!.email!;
    const { locale } = choice;
    const r = await fields(
      { subject: content.subject, html: content.html, text: content.text, preheader: content.preheader },
      scope(ctx, locale, 'email'),
      'email',
      locale,
      new Set(['html']),
    );
    if (!r.ok) return r;
    const subject = (r.value.subject ?? '').replace(/\s+/g, ' ').trim();
    const body = r.value.html ?? '';
    const unsub = ctx.unsubscribeUrl;
    const mentionsUnsub = unsub !== undefined && body.includes(escapeHtml(unsub));
    const footerHtml =
      unsub !== undefined && !mentionsUnsub
        ? `<a href="${escapeHtml(unsub)}" style="color:#6b7280;text-decoration:underline;">${unsubscribeLabel(locale)}</a>`
        : undefined;
    const html = isFullDocument(body)
      ? body
      : emailLayout({
          locale,
          subject,
          bodyHtml: body,
          ...(r.value.preheader ? { preheader: r.value.preheader } : {}),
          ...(footerHtml ? { footerHtml } : {}),
        });
    let text = r.value.text?.trim() ?? htmlToText(body);
    if (unsub !== undefined && !text.includes(unsub)) text += `\n\n${unsubscribeLabel(locale)}: ${unsub}`;
    return { ok: true, value: { locale: choice, dir: directionOf(locale), subject, html, text } };
  }

  async function sms(template: MessageTemplate, ctx: RenderContext): Promise<Outcome<RenderedSms>> {
    const choice = pick(template, ctx, 'sms');
    if (!choice) return { ok: false, errors: noVariant(template, 'sms') };
    const content = template.variants[choice.locale]!.sms!;
    const r = await fields(
      { text: content.text },
      scope(ctx, choice.locale, 'sms'),
      'sms',
      choice.locale,
      new Set(),
    );
    if (!r.ok) return r;
    const text = (r.value.text ?? '').trim();
    return { ok: true, value: { locale: choice, text, length: smsLength(text) } };
  }

  async function push(template: MessageTemplate, ctx: RenderContext): Promise<Outcome<RenderedPush>> {
    const choice = pick(template, ctx, 'push');
    if (!choice) return { ok: false, errors: noVariant(template, 'push') };
    const content = template.variants[choice.locale]!.push!;
    const r = await fields(
      { title: content.title, body: content.body, url: content.url, icon: content.icon },
      scope(ctx, choice.locale, 'push'),
      'push',
      choice.locale,
      new Set(),
    );
    if (!r.ok) return r;
    const errors: TemplateError[] = [];
    const out: RenderedPush = {
      locale: choice,
      title: (r.value.title ?? '').trim(),
      body: (r.value.body ?? '').trim(),
    };
    for (const key of ['url', 'icon'] as const) {
      const v = r.value[key]?.trim();
      if (v === undefined || v === '') continue;
      if (!/^https?:\/\/[^\s]+$/i.test(v) || !URL.canParse(v)) {
        errors.push({
          code: 'invalid_value',
          field: `push.${key}`,
          message: `push.${key}: "${v.slice(0, 100)}" is not an absolute http(s) URL; notifications need a full address such as https://shop.example/orders/1`,
        });
      } else out[key] = v;
    }
    return errors.length ? { ok: false, errors } : { ok: true, value: out };
  }

  const orThrow = async <T>(p: Promise<Outcome<T>>): Promise<T> => {
    const r = await p;
    if (!r.ok) throw new TemplateRenderError(r.errors);
    return r.value;
  };

  return {
    renderEmail: (t, ctx) => orThrow(email(t, ctx)),
    renderSms: (t, ctx) => orThrow(sms(t, ctx)),
    renderPush: (t, ctx) => orThrow(push(t, ctx)),
    async preview(template, ctx, channels) {
      const wanted =
        channels ??
        (['email', 'sms', 'push'] as const).filter((c) =>
          Object.values(template.variants).some((v) => v?.[c] !== undefined),
        );
      const result: PreviewResult = { ok: true, errors: [] };
      if (wanted.length === 0) result.errors.push(...noVariant(template, 'email'));
      for (const c of wanted) {
        const r =
          c === 'email'
            ? await email(template, ctx)
            : c === 'sms'
              ? await sms(template, ctx)
              : await push(template, ctx);
        if (r.ok) (result as unknown as Record<string, unknown>)[c] = r.value;
        else result.errors.push(...r.errors);
      }
      result.ok = result.errors.length === 0;
      return result;
    },
  };
}
