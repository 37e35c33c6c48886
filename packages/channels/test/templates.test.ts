import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  TemplateRenderError,
  chooseLocale,
  createTemplateRenderer,
  htmlToText,
  normalizeLocale,
  profileLocale,
  smsLength,
} from '../src/index';
import type { MessageTemplate } from '../src/index';
import { AR_SENTENCE, BLOCKS, FA_SENTENCE, WISHLIST, context } from './fixtures';

const renderer = createTemplateRenderer({ blocks: BLOCKS });

function one(html: string, extra: Partial<MessageTemplate['variants']['en'] & object> = {}): MessageTemplate {
  return { id: 't', variants: { en: { email: { subject: 's', html }, ...extra } } };
}

describe('locale variants', () => {
  test('normalizes profile locales and language traits', () => {
    assert.equal(normalizeLocale('fa-IR'), 'fa');
    assert.equal(normalizeLocale('AR_ae'), 'ar');
    assert.equal(normalizeLocale('Farsi'), 'fa');
    assert.equal(normalizeLocale('de-DE'), undefined);
    assert.equal(profileLocale({ language: 'ar' }), 'ar');
    assert.equal(profileLocale({ locale: 'en-GB', language: 'fa' }), 'en');
  });

  test('falls back through the template default, then English, then any variant, and says so', () => {
    const has = (ls: string[]) => (l: string) => ls.includes(l);
    assert.deepEqual(chooseLocale('fa', 'en', has(['fa', 'en'])), {
      locale: 'fa',
      requested: 'fa',
      fallback: false,
    });
    assert.deepEqual(chooseLocale('ar', 'fa', has(['fa', 'en'])), {
      locale: 'fa',
      requested: 'ar',
      fallback: true,
    });
    assert.deepEqual(chooseLocale(undefined, undefined, has(['ar'])), { locale: 'ar', fallback: true });
  });

  test('a Persian profile gets the fa variant; an SMS with no ar variant falls back to en', async () => {
    const fa = await renderer.renderEmail(WISHLIST, context('fa-IR'));
    assert.deepEqual(fa.locale, { locale: 'fa', requested: 'fa', fallback: false });
    const sms = await renderer.renderSms(WISHLIST, context('ar'));
    assert.deepEqual(sms.locale, { locale: 'en', requested: 'ar', fallback: true });
  });
});

describe('email rendering', () => {
  test('fa: right-to-left responsive layout, content blocks, Persian digits, both parts', async () => {
    const e = await renderer.renderEmail(WISHLIST, context('fa'));
    assert.equal(e.dir, 'rtl');
    assert.equal(e.subject, 'سارا عزیز، پیشنهاد ویژه برای کفش کوهنوردی');
    assert.match(e.html, /<html dir="rtl" lang="fa">/);
    assert.match(e.html, /text-align:right/);
    assert.match(e.html, /max-width:600px/);
    assert.match(e.html, /<meta name="viewport"/);
    assert.ok(e.html.includes(FA_SENTENCE));
    assert.ok(e.html.includes('ریال'), 'price block formats rials in Persian');
    assert.ok(e.html.includes('۱٬۲۵۰٬۰۰۰'), 'Persian digits and grouping');
    assert.ok(e.html.includes('ارسال رایگان'), 'the fa shipping block');
    assert.ok(e.html.includes('فروشگاه نمونه'));
    // The unsubscribe link was not in the body: the layout adds it, localized.
    assert.match(e.html, /<a href="https:\/\/cx\.example\/u\/tok123"[^>]*>لغو اشتراک<\/a>/);
    assert.ok(e.text.includes(FA_SENTENCE));
    assert.ok(e.text.includes('مشاهده محصول (https://shop.example/p/1)'));
    assert.ok(e.text.endsWith('لغو اشتراک: https://cx.example/u/tok123'));
    assert.doesNotMatch(e.text, /<|&nbsp;/);
  });

  test('ar is right-to-left too; en is left-to-right and keeps its own unsubscribe link', async () => {
    const ar = await renderer.renderEmail(WISHLIST, context('ar'));
    assert.match(ar.html, /<html dir="rtl" lang="ar">/);
    assert.ok(ar.html.includes(AR_SENTENCE));
    assert.ok(ar.html.includes('شحن مجاني'));
    const en = await renderer.renderEmail(WISHLIST, context('en'));
    assert.match(en.html, /<html dir="ltr" lang="en">/);
    assert.match(en.html, /text-align:left/);
    assert.equal((en.html.match(/cx\.example\/u\/tok123/g) ?? []).length, 1, 'no second unsubscribe link');
    assert.match(en.text, /Unsubscribe \(https:\/\/cx\.example\/u\/tok123\)/);
  });

  test('variables are HTML-escaped in the HTML part but not in subject or text', async () => {
    const t = one('<p>{{ profile.traits.first_name }}</p>');
    t.variants.en!.email!.subject = 'Hi {{ profile.traits.first_name }}';
    const e = await renderer.renderEmail(t, {
      profile: { id: 'p', traits: { first_name: '<b>Tom & Jerry</b>' } },
    });
    assert.ok(e.html.includes('&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;'));
    assert.equal(e.subject, 'Hi <b>Tom & Jerry</b>');
    assert.equal(e.text, '<b>Tom & Jerry</b>');
  });

  test('an explicit text part is used as written; a full HTML document is not wrapped', async () => {
    const t: MessageTemplate = {
      id: 't',
      variants: {
        en: { email: { subject: 'x', html: '<html><body>Own {{ a }}</body></html>', text: 'Plain {{ a }}' } },
      },
    };
    const e = await renderer.renderEmail(t, { profile: { id: 'p' }, vars: { a: 1 } });
    assert.equal(e.html, '<html><body>Own 1</body></html>');
    assert.equal(e.text, 'Plain 1');
  });

  test('htmlToText keeps structure: headings, lists, links, entities', () => {
    const text = htmlToText(
      '<style>p{}</style><h1>Title</h1><p>One&nbsp;&amp; two<br>three</p><ul><li>a</li><li>b</li></ul><a href="https://x.example/a?b=1&amp;c=2">link</a>',
    );
    assert.equal(text, 'Title\n\nOne & two\nthree\n\n- a\n\n- b\n\nlink (https://x.example/a?b=1&c=2)');
  });
});

describe('template errors', () => {
  test('a missing variable is reported with its name, field and line, never rendered blank', async () => {
    const t = one('<p>Hi</p>\n<p>{{ profile.traits.first_name }} {{ coupon.code }}</p>');
    await assert.rejects(renderer.renderEmail(t, { profile: { id: 'p', traits: {} } }), (err: unknown) => {
      assert.ok(err instanceof TemplateRenderError);
      assert.deepEqual(
        err.errors.map((e) => [e.code, e.field, e.variable, e.line]),
        [
          ['missing_variable', 'email.html', 'profile.traits.first_name', 2],
          ['missing_variable', 'email.html', 'coupon', 2],
        ],
      );
      assert.match(
        err.errors[0]!.message,
        /email\.html line 2, column \d+: the variable profile\.traits\.first_name is not set/,
      );
      return true;
    });
  });

  test('default: and if allow a missing value explicitly', async () => {
    const t = one(
      '{{ profile.traits.first_name | default: "friend" }}{% if coupon %} {{ coupon.code }}{% endif %}',
    );
    const e = await renderer.renderEmail(t, { profile: { id: 'p' } });
    assert.equal(e.text, 'friend');
  });

  test('a marketing template using unsubscribe_url fails when the caller did not fill it', async () => {
    const r = await renderer.preview(WISHLIST, context('en', { unsubscribeUrl: undefined }), ['email']);
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.errors.map((e) => e.variable),
      ['unsubscribe_url'],
    );
  });

  test('syntax errors give line and column', async () => {
    const r = await renderer.preview(one('line one\n  {% if x %}never closed'), { profile: { id: 'p' } });
    assert.equal(r.errors[0]?.code, 'syntax_error');
    assert.equal(r.errors[0]?.line, 2);
    assert.equal(r.errors[0]?.column, 3);
    assert.match(r.errors[0]!.message, /email\.html line 2, column 3: tag \{% if x %\} not closed/);
    const f = await renderer.preview(one('{{ 1 | no_such_filter }}'), { profile: { id: 'p' } });
    assert.equal(f.errors[0]?.code, 'unknown_filter');
  });

  test('errors inside a content block name the block', async () => {
    const r = createTemplateRenderer({ blocks: { sig: 'Thanks,\n{{ agent.name }}' } });
    const p = await r.preview(one('<p>x</p>{% include "sig" %}'), { profile: { id: 'p' } });
    assert.equal(p.errors.length, 1);
    assert.equal(p.errors[0]?.block, 'sig');
    assert.equal(p.errors[0]?.line, 2);
    assert.equal(p.errors[0]?.variable, 'agent');
    assert.match(p.errors[0]!.message, /content block "sig"/);
  });

  test('no file system: unknown blocks and paths are refused', async () => {
    for (const name of ['../../../etc/passwd', '/etc/passwd', 'package.json', 'nope']) {
      const p = await renderer.preview(one(`{% render '${name}' %}`), { profile: { id: 'p' } });
      assert.equal(p.errors[0]?.code, 'missing_block', name);
      assert.match(p.errors[0]!.message, /blocks: price, shipping, footer/);
    }
    const inc = await renderer.preview(one(`{% include '/etc/hostname' %}{% layout '/etc/hosts' %}`), {
      profile: { id: 'p' },
    });
    assert.ok(inc.errors.length > 0 && inc.errors.every((e) => e.code === 'missing_block'));
  });

  test('prototype properties are not reachable', async () => {
    const p = await renderer.preview(one('{{ profile.constructor.name }}'), { profile: { id: 'p' } });
    assert.equal(p.errors[0]?.code, 'missing_variable');
  });

  test('runaway loops and oversized output stop with a clear error', async () => {
    const loop = await renderer.preview(one('{% for i in (1..100000000) %}x{% endfor %}'), {
      profile: { id: 'p' },
    });
    assert.equal(loop.errors[0]?.code, 'limit_exceeded');
    const small = createTemplateRenderer({ limits: { maxOutputChars: 1000 } });
    const big = await small.preview(one('{% for i in (1..500) %}xyz{% endfor %}'), { profile: { id: 'p' } });
    assert.equal(big.errors[0]?.code, 'output_too_large');
    assert.match(big.errors[0]!.message, /1500 characters, over the limit of 1000/);
    const slow = createTemplateRenderer({ limits: { renderTimeMs: 50 } });
    const items = Array.from({ length: 2000 }, (_, i) => i);
    const t0 = Date.now();
    const s = await slow.preview(one('{% for a in items %}{% for b in items %}.{% endfor %}{% endfor %}'), {
      profile: { id: 'p' },
      vars: { items },
    });
    assert.equal(s.errors[0]?.code, 'limit_exceeded');
    assert.ok(Date.now() - t0 < 2000);
  });

  test('preview returns every error across channels instead of throwing', async () => {
    const p = await renderer.preview(WISHLIST, { profile: { id: 'p', traits: { locale: 'fa' } } });
    assert.equal(p.ok, false);
    const fields = new Set(p.errors.map((e) => e.field));
    assert.ok(
      fields.has('email.subject') &&
        fields.has('email.html') &&
        fields.has('sms.text') &&
        fields.has('push.body'),
    );
    const ok = await renderer.preview(WISHLIST, context('fa'));
    assert.equal(ok.ok, true);
    assert.ok(ok.email && ok.sms && ok.push);
  });

  test('a template without the channel reports no_variant', async () => {
    await assert.rejects(renderer.renderSms(one('x'), { profile: { id: 'p' } }), /has no sms content/);
  });
});

describe('SMS and push rendering', () => {
  test('Persian SMS is UCS-2 with 70/67 segments', async () => {
    const s = await renderer.renderSms(WISHLIST, context('fa'));
    assert.equal(s.text, 'سارا عزیز، کفش کوهنوردی با کد SPRING10 تخفیف دارد.');
    assert.equal(s.length.encoding, 'UCS-2');
    assert.equal(s.length.segments, 1);
    assert.equal(s.length.perSegment, 70);
  });

  test('smsLength: GSM-7 limits, extension characters count double, UCS-2 for Persian and Arabic', () => {
    assert.deepEqual(smsLength('a'.repeat(160)), {
      encoding: 'GSM-7',
      characters: 160,
      units: 160,
      segments: 1,
      perSegment: 160,
      remaining: 0,
    });
    assert.equal(smsLength('a'.repeat(161)).segments, 2);
    assert.equal(smsLength('a'.repeat(306)).segments, 2);
    assert.equal(smsLength('a'.repeat(307)).segments, 3);
    assert.equal(smsLength('€'.repeat(80)).units, 160);
    assert.equal(smsLength('€'.repeat(80)).segments, 1);
    assert.equal(smsLength('€'.repeat(81)).segments, 2);
    // An escape pair is never split: 152 plain + one '€' does not fit the first 153-septet part.
    assert.equal(smsLength('a'.repeat(152) + '€' + 'a'.repeat(10)).segments, 2);
    assert.equal(smsLength('a'.repeat(152) + '€' + 'a'.repeat(152)).segments, 3);
    const fa = smsLength('س'.repeat(70));
    assert.deepEqual([fa.encoding, fa.segments, fa.perSegment], ['UCS-2', 1, 70]);
    assert.equal(smsLength('س'.repeat(71)).segments, 2);
    assert.equal(smsLength('ع'.repeat(134)).segments, 2);
    assert.equal(smsLength('ع'.repeat(135)).segments, 3);
    assert.equal(smsLength(AR_SENTENCE).encoding, 'UCS-2');
    assert.equal(smsLength('Hi 😀').units, 5);
    assert.equal(smsLength('').segments, 0);
  });

  test('push renders title, body, url and icon; a non-URL url is an error', async () => {
    const p = await renderer.renderPush(WISHLIST, context('en'));
    assert.deepEqual(
      { title: p.title, url: p.url, icon: p.icon },
      { title: 'Price drop', url: 'https://shop.example/p/1', icon: 'https://shop.example/icon.png' },
    );
    assert.match(p.body, /^Hiking boots is now IRR\s1,250,000$/); // Intl puts a no-break space after IRR
    const bad = await renderer.preview(
      WISHLIST,
      context('en', { product: { name: 'x', price: 1, currency: 'USD', url: 'javascript:alert(1)' } }),
      ['push'],
    );
    assert.equal(bad.errors[0]?.code, 'invalid_value');
    assert.equal(bad.errors[0]?.field, 'push.url');
  });
});
