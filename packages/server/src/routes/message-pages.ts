import { randomBytes } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ConsentView, Engine } from '@omnicx/engine';
import type { SubscriptionGroupRecord } from '@omnicx/store';
import { esc } from '../survey-page/render';
import { requireKey } from '../auth';
import { ErrorBody, INGEST_SECURITY } from '../schemas';

type Lang = 'fa' | 'ar' | 'en';

/** The pages' words in each language. */
const UI: Record<
  Lang,
  {
    title: string;
    channel: Record<string, string>;
    confirm: (what: string) => string;
    unsubscribe: string;
    done: (what: string) => string;
    manage: string;
    prefsTitle: string;
    prefsIntro: (channel: string) => string;
    all: string;
    save: string;
    saved: string;
    invalid: string;
    everything: string;
  }
> = {
  en: {
    title: 'Your subscriptions',
    channel: { email: 'emails', sms: 'text messages', push: 'notifications' },
    confirm: (w) => `Stop receiving ${w}?`,
    unsubscribe: 'Unsubscribe',
    done: (w) => `You will no longer receive ${w}. It can take a moment for messages already on their way.`,
    manage: 'Choose what you receive',
    prefsTitle: 'Choose what you receive',
    prefsIntro: (c) => `Tick the ${c} you want to keep receiving.`,
    all: 'Unsubscribe from all marketing',
    save: 'Save my choices',
    saved: 'Your choices are saved.',
    invalid: 'This link is not valid. Use the link in your most recent message.',
    everything: 'marketing',
  },
  fa: {
    title: 'اشتراک‌های شما',
    channel: { email: 'ایمیل‌ها', sms: 'پیامک‌ها', push: 'اعلان‌ها' },
    confirm: (w) => `دیگر ${w} را دریافت نکنید؟`,
    unsubscribe: 'لغو اشتراک',
    done: (w) => `از این پس ${w} را دریافت نمی‌کنید. پیام‌هایی که در راه‌اند ممکن است کمی بعد برسند.`,
    manage: 'انتخاب پیام‌هایی که دریافت می‌کنید',
    prefsTitle: 'انتخاب پیام‌هایی که دریافت می‌کنید',
    prefsIntro: (c) => `${c}ی را که می‌خواهید همچنان دریافت کنید علامت بزنید.`,
    all: 'لغو همهٔ پیام‌های تبلیغاتی',
    save: 'ذخیرهٔ انتخاب‌ها',
    saved: 'انتخاب‌های شما ذخیره شد.',
    invalid: 'این پیوند معتبر نیست. از پیوند آخرین پیامی که دریافت کرده‌اید استفاده کنید.',
    everything: 'پیام‌های تبلیغاتی',
  },
  ar: {
    title: 'اشتراكاتك',
    channel: { email: 'الرسائل الإلكترونية', sms: 'الرسائل النصية', push: 'الإشعارات' },
    confirm: (w) => `هل تريد إيقاف استلام ${w}؟`,
    unsubscribe: 'إلغاء الاشتراك',
    done: (w) => `لن تستلم ${w} بعد الآن. قد تصل رسائل كانت في طريقها بعد قليل.`,
    manage: 'اختر ما تستلمه',
    prefsTitle: 'اختر ما تستلمه',
    prefsIntro: (c) => `ضع علامة على ${c} التي تريد الاستمرار في استلامها.`,
    all: 'إلغاء الاشتراك في كل الرسائل التسويقية',
    save: 'حفظ اختياراتي',
    saved: 'تم حفظ اختياراتك.',
    invalid: 'هذا الرابط غير صالح. استخدم الرابط في أحدث رسالة وصلتك.',
    everything: 'الرسائل التسويقية',
  },
};

const CSS =
  'body{margin:0;font:16px/1.6 system-ui,"Noto Sans Arabic",Tahoma,sans-serif;background:#f4f5f7;color:#1d1f23}main{max-width:34rem;margin:0 auto;padding:2rem 1rem}.card{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px #0002}h1{font-size:1.35rem;margin:0 0 1rem}label{display:flex;gap:.6rem;align-items:flex-start;padding:.5rem 0;cursor:pointer}input[type=checkbox]{width:1.2rem;height:1.2rem;margin-block-start:.2rem}button{font:inherit;background:#1f5fbf;color:#fff;border:0;border-radius:8px;padding:.7rem 1.3rem;margin-block-start:1rem;cursor:pointer}button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #f5a623;outline-offset:2px}a{color:#1f5fbf}.desc{color:#4a4f57;font-size:.92rem;margin:0}.ok{color:#1a7f37}hr{border:0;border-top:1px solid #e3e5e8;margin:1rem 0}';

function page(lang: Lang, title: string, body: string, nonce: string): string {
  const dir = lang === 'en' ? 'ltr' : 'rtl';
  return `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title><style nonce="${nonce}">${CSS}</style></head><body><main><div class="card">${body}</div></main></body></html>`;
}

function headers(reply: FastifyReply, nonce: string): FastifyReply {
  return (
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      )
      // The URL holds a bearer token: never pass it on as a Referer, never cache or index it.
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('x-robots-tag', 'noindex')
  );
}

const pickLang = (q: unknown, fallback: string | null): Lang => {
  const want = typeof q === 'string' ? q : fallback;
  const l = (want ?? '').toLowerCase().slice(0, 2);
  return l === 'fa' || l === 'ar' ? l : 'en';
};

const label = (g: SubscriptionGroupRecord, lang: Lang) =>
  g.labels[lang] ?? g.labels.en ?? Object.values(g.labels)[0]!;

// A 1×1 transparent GIF.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 4000 }) });
type TokenParams = Static<typeof TokenParams>;
const LangQuery = Type.Object(
  { lang: Type.Optional(Type.String({ maxLength: 10 })) },
  { additionalProperties: true },
);
type LangQuery = Static<typeof LangQuery>;

/**
 * The public pages of messages (no login; the signed token in the URL is the proof): one-click unsubscribe
 * (RFC 8058: a POST with `List-Unsubscribe=One-Click`; a GET only shows a confirmation, because mail
 * scanners fetch links), the preference page in fa/ar/en, the open pixel and the click redirect — which only
 * goes to the URL our own signed token names, so it is never an open redirect.
 */
export async function messagePageRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const m = opts.engine.messaging;
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 20_000 },
    (_req, body, done) => done(null, parseQuery(body as string)),
  );
  const hide = { hide: true };

  const invalid = (res: FastifyReply, lang: Lang) => {
    const n = randomBytes(16).toString('base64');
    return headers(res.status(404), n).send(
      page(lang, UI[lang].title, `<h1>${esc(UI[lang].invalid)}</h1>`, n),
    );
  };
  /** The token's preferences, the page language, and what the link unsubscribes from in words. */
  const openLink = async (token: string, lang: unknown) => {
    const p = await m.preferences(token);
    const l = pickLang(lang, p.ok ? p.value.locale : null);
    if (!p.ok) return { lang: l, what: undefined };
    const group = p.value.group ? p.value.groups.find((g) => g.id === p.value.group) : undefined;
    const ch = UI[l].channel[p.value.channel] ?? p.value.channel;
    return { lang: l, what: group ? `${label(group, l).name} (${ch})` : `${UI[l].everything} — ${ch}` };
  };

  app.get<{ Params: TokenParams; Querystring: LangQuery }>(
    '/u/:token',
    { schema: { ...hide, params: TokenParams, querystring: LangQuery } },
    async (req, res) => {
      const { lang, what } = await openLink(req.params.token, req.query.lang);
      if (!what) return invalid(res, lang);
      const n = randomBytes(16).toString('base64');
      const t = encodeURIComponent(req.params.token);
      const body = `<h1>${esc(UI[lang].confirm(what))}</h1><form method="post" action="/u/${t}?lang=${lang}"><button type="submit">${esc(UI[lang].unsubscribe)}</button></form><hr><p><a href="/p/${t}?lang=${lang}">${esc(UI[lang].manage)}</a></p>`;
      return headers(res, n).send(page(lang, UI[lang].title, body, n));
    },
  );

  app.post<{ Params: TokenParams; Querystring: LangQuery; Body: Record<string, unknown> | undefined }>(
    '/u/:token',
    { schema: { ...hide, params: TokenParams, querystring: LangQuery } },
    async (req, res) => {
      const oneClick = req.body?.['List-Unsubscribe'] === 'One-Click';
      const { lang, what } = await openLink(req.params.token, req.query.lang);
      const r = await m.unsubscribe(req.params.token, oneClick ? 'one_click' : 'unsubscribe_page');
      if (!r.ok || !what) {
        if (oneClick)
          return res.status(404).send({ error: { code: 'invalid_link', message: 'this link is not valid' } });
        return invalid(res, lang);
      }
      if (oneClick) return res.status(200).send({ unsubscribed: true });
      const n = randomBytes(16).toString('base64');
      const t = encodeURIComponent(req.params.token);
      const body = `<h1 class="ok" role="status">${esc(UI[lang].done(what))}</h1><p><a href="/p/${t}?lang=${lang}">${esc(UI[lang].manage)}</a></p>`;
      return headers(res, n).send(page(lang, UI[lang].title, body, n));
    },
  );

  const prefsPage = (
    lang: Lang,
    token: string,
    consent: ConsentView,
    groups: SubscriptionGroupRecord[],
    channel: string,
    saved: boolean,
    nonce: string,
  ) => {
    const ui = UI[lang];
    const ch = consent.channels[channel];
    const mine = groups.filter((g) => g.channel === channel);
    const rows = mine
      .map((g) => {
        const l = label(g, lang);
        const on = ch?.groups[g.id]?.state === 'subscribed';
        const id = `g-${esc(g.id)}`;
        return `<label for="${id}"><input type="checkbox" id="${id}" name="g" value="${esc(g.id)}"${on ? ' checked' : ''}><span>${esc(l.name)}${l.description ? `<br><span class="desc">${esc(l.description)}</span>` : ''}</span></label>`;
      })
      .join('');
    const allOff = ch?.state === 'unsubscribed';
    const body = `<h1>${esc(ui.prefsTitle)}</h1>${saved ? `<p class="ok" role="status">${esc(ui.saved)}</p>` : ''}<form method="post" action="/p/${encodeURIComponent(token)}?lang=${lang}"><p class="desc">${esc(ui.prefsIntro(ui.channel[channel] ?? channel))}</p>${rows}<hr><label for="all"><input type="checkbox" id="all" name="all" value="1"${allOff ? ' checked' : ''}><span>${esc(ui.all)}</span></label><button type="submit">${esc(ui.save)}</button></form>`;
    return page(lang, ui.prefsTitle, body, nonce);
  };

  app.get<{ Params: TokenParams; Querystring: LangQuery }>(
    '/p/:token',
    { schema: { ...hide, params: TokenParams, querystring: LangQuery } },
    async (req, res) => {
      const p = await m.preferences(req.params.token);
      const lang = pickLang(req.query.lang, p.ok ? p.value.locale : null);
      if (!p.ok) return invalid(res, lang);
      const n = randomBytes(16).toString('base64');
      return headers(res, n).send(
        prefsPage(lang, req.params.token, p.value.consent, p.value.groups, p.value.channel, false, n),
      );
    },
  );

  app.post<{ Params: TokenParams; Querystring: LangQuery; Body: Record<string, unknown> | undefined }>(
    '/p/:token',
    { schema: { ...hide, params: TokenParams, querystring: LangQuery } },
    async (req, res) => {
      const body = req.body ?? {};
      const g = body.g;
      const chosen = Array.isArray(g) ? g.map(String) : typeof g === 'string' ? [g] : [];
      const r = await m.savePreferences(req.params.token, {
        groups: Object.fromEntries(chosen.map((id) => [id, true])),
        all: body.all === '1',
      });
      const p = await m.preferences(req.params.token);
      const lang = pickLang(req.query.lang, p.ok ? p.value.locale : null);
      if (!r.ok || !p.ok) return invalid(res, lang);
      const n = randomBytes(16).toString('base64');
      return headers(res, n).send(
        prefsPage(lang, req.params.token, r.value, p.value.groups, p.value.channel, true, n),
      );
    },
  );

  app.get<{ Params: TokenParams }>(
    '/t/o/:token',
    { schema: { ...hide, params: TokenParams } },
    async (req: FastifyRequest<{ Params: TokenParams }>, res) => {
      // Always the pixel, whatever the token: a broken image tells nobody anything either way.
      await m
        .opened(req.params.token)
        .catch((e: unknown) => req.log.warn({ err: e }, 'open tracking failed'));
      return res
        .header('content-type', 'image/gif')
        .header('cache-control', 'no-store, max-age=0')
        .header('referrer-policy', 'no-referrer')
        .send(PIXEL);
    },
  );

  app.get<{ Params: TokenParams }>(
    '/t/c/:token',
    { schema: { ...hide, params: TokenParams } },
    async (req, res) => {
      const url = await m.clicked(req.params.token);
      if (!url) return invalid(res, 'en');
      return res
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(url, 302);
    },
  );

  // A browser registers its push subscription with the write key, like it sends events: the visitor is
  // named by the userId or anonymousId its events carry (it must have sent one already).
  const SubscribeBody = Type.Object(
    {
      writeKey: Type.Optional(Type.String()),
      userId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      anonymousId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      subscription: Type.Object({
        endpoint: Type.String({ minLength: 8, maxLength: 2000 }),
        keys: Type.Object({ p256dh: Type.String({ minLength: 1 }), auth: Type.String({ minLength: 1 }) }),
      }),
    },
    { additionalProperties: false },
  );
  app.post<{ Body: Static<typeof SubscribeBody> }>(
    '/v1/push/subscribe',
    {
      preHandler: requireKey({ keys: opts.engine.keys, kinds: ['write'], allowBodyKey: true }),
      schema: {
        tags: ['consent'],
        security: INGEST_SECURITY,
        summary: "Store this browser's web push subscription (write key)",
        description:
          'Body: {userId | anonymousId, subscription: PushSubscription.toJSON()}. The visitor must have sent an event with that id already (404 unknown_visitor otherwise: send a page or identify first).',
        body: SubscribeBody,
        response: { 201: Type.Object({ id: Type.String() }), '4xx': ErrorBody },
      },
    },
    async (req, res) => {
      const ws = req.principal!.workspaceId;
      const { userId, anonymousId, subscription } = req.body;
      if (!userId && !anonymousId)
        return res.status(400).send({
          error: {
            code: 'invalid_field',
            field: 'userId',
            message: 'give userId or anonymousId: the visitor this browser belongs to',
          },
        });
      const who = userId
        ? await opts.engine.profiles.lookup(ws, 'user_id', userId)
        : await opts.engine.profiles.lookup(ws, 'anonymous_id', anonymousId!);
      if (!who.ok)
        return res.status(404).send({
          error: {
            code: 'unknown_visitor',
            message: 'no profile has that id yet: send a page or identify event for it first, then subscribe',
          },
        });
      const r = await m.addPushSubscription(ws, who.value.id, subscription);
      if (!r.ok) return res.status(400).send({ error: r.error });
      return res.status(201).send(r.value);
    },
  );

  // ---- SMS gateway webhooks (Twilio): signed with the workspace's auth token over the URL we gave Twilio
  const WsParams = Type.Object({ workspaceId: Type.String({ minLength: 1, maxLength: 128 }) });
  const formParams = (body: unknown): Record<string, string> =>
    Object.fromEntries(
      Object.entries((body ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k,
        Array.isArray(v) ? String(v[0]) : String(v),
      ]),
    );
  const signatureOf = (req: FastifyRequest) => {
    const h = req.headers['x-twilio-signature'];
    return Array.isArray(h) ? h[0] : h;
  };
  app.post<{ Params: Static<typeof WsParams> }>(
    '/hooks/sms/twilio/:workspaceId/status',
    { schema: { ...hide, params: WsParams } },
    async (req, res) => {
      const r = await m.twilioStatus(
        req.params.workspaceId,
        m.publicUrl + req.url,
        formParams(req.body),
        signatureOf(req),
      );
      if (!r.ok) return res.status(403).send({ error: { code: r.error.code, message: r.error.message } });
      return res.status(204).send();
    },
  );
  app.post<{ Params: Static<typeof WsParams> }>(
    '/hooks/sms/twilio/:workspaceId/inbound',
    { schema: { ...hide, params: WsParams } },
    async (req, res) => {
      const r = await m.twilioInbound(
        req.params.workspaceId,
        m.publicUrl + req.url,
        formParams(req.body),
        signatureOf(req),
      );
      if (!r.ok) return res.status(403).send({ error: { code: r.error.code, message: r.error.message } });
      // An empty TwiML answer: no automatic reply (the carrier's own STOP confirmation still goes out).
      return res
        .header('content-type', 'text/xml; charset=utf-8')
        .send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    },
  );
}
