import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '@omnicx/store/testing';
import { httpHarness, SK, WK } from './harness';
import { startSmtp, type TestSmtp } from '../../channels/test/smtp-server';
import { startServer, type TestServer } from '../../channels/test/http-server';
import { browserSubscription } from '../../channels/test/push-browser';
import { generateVapidKeys, twilioSignature } from '@omnicx/channels';

const HOUR = 3_600_000;
const PUBLIC = 'https://cx.example.com';

type Row = Record<string, unknown>;

// Issue 5 through the HTTP API: a process sends templated email and SMS through the outbox to a real SMTP
// server and a Twilio-shaped local server; consent, caps, quiet hours, tracking and unsubscribe end to end.
for (const dialect of testDialects())
  describe(`channels, templates and consent on ${dialect.name}`, () => {
    let smtp: TestSmtp;
    let twilio: TestServer;
    before(async () => {
      smtp = await startSmtp();
      twilio = await startServer();
    });
    after(async () => {
      await smtp.close();
      await twilio.close();
    });
    // 10:00 in Tehran (UTC+3:30).
    const h = httpHarness(dialect, {
      start: Date.parse('2026-11-23T06:30:00.000Z'),
      engine: {
        publicUrl: PUBLIC,
        outbox: { pollMs: 60_000, maxAttempts: 3 },
        // The test's push service is plain http on 127.0.0.1.
        messages: { allowHttpPushEndpoints: true },
      },
    });
    const { api, ok, send, settle, profileOf, timeline } = h;
    /** A header as sent (unfolded), from the raw message. */
    const header = (raw: string, name: string) => {
      const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
      return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
    };
    const effects = async (id: string) =>
      ((await ok('GET', `/api/v1/outbox?profileId=${id}`)).effects as Row[]).reverse();
    const mailTo = (addr: string) =>
      smtp.received.filter((m) => m.parsed.to && JSON.stringify(m.parsed.to).includes(addr));
    const sendProcess = async (
      name: string,
      event: string,
      template: string,
      channel = 'email',
      transactional = false,
    ) => {
      const c = await ok(
        'POST',
        '/api/v1/processes',
        {
          name,
          definition: {
            nodes: [
              { id: 't', type: 'trigger', trigger: { kind: 'event', event } },
              {
                id: 'send',
                type: 'action',
                action: {
                  kind: 'send_message',
                  channel,
                  template,
                  ...(transactional ? { transactional } : {}),
                },
              },
              { id: 'end', type: 'exit' },
            ],
            edges: [
              { from: 't', to: 'send' },
              { from: 'send', to: 'end' },
            ],
          },
        },
        201,
      );
      await ok('POST', `/api/v1/processes/${c.id}/publish`);
      return c.id as string;
    };

    let offer = '';
    let receipt = '';
    let sara = '';
    let charlotte = '';

    test('channels, groups, blocks and templates are configured through the API; bad templates are refused with the line', async () => {
      await ok('PUT', '/api/v1/channels/email', {
        smtp: { host: '127.0.0.1', port: smtp.port, ignoreTLS: true, auth: undefined },
        from: 'Example Shop <shop@example.com>',
        unsubscribeMailto: 'unsubscribe@example.com',
      });
      await ok('PUT', '/api/v1/channels/sms', {
        provider: 'twilio',
        accountSid: 'AC123',
        authToken: 'secret-token-1',
        from: '+15005550006',
        baseUrl: twilio.url,
      });
      const listed = (await ok('GET', '/api/v1/channels')).channels as Record<string, { config: Row }>;
      assert.equal(listed.sms!.config.authToken, '[set]', 'secrets are never returned');
      assert.ok(!JSON.stringify(listed).includes('secret-token-1'));
      // "[set]" keeps the stored secret.
      await ok('PUT', '/api/v1/channels/sms', { ...listed.sms!.config, from: '+15005550006' });

      await ok('PUT', '/api/v1/consent/groups/offers', {
        channel: 'email',
        mode: 'opt_out',
        labels: { en: { name: 'Offers and sales' }, fa: { name: 'پیشنهادها و حراج‌ها' } },
      });
      await ok('PUT', '/api/v1/content-blocks/shipping', {
        variants: { en: 'Free shipping over 50 EUR.', fa: 'ارسال رایگان برای خرید بالای ۵۰ یورو.' },
      });

      const bad = await api('POST', '/api/v1/templates', {
        name: 'broken',
        variants: {
          en: { email: { subject: 'Hi', html: '<p>line one</p>\n<p>{% if profile.traits.vip %}VIP</p>' } },
        },
      });
      assert.equal(bad.status, 400);
      assert.equal((bad.body.error as Row).code, 'template_error');
      assert.match(String((bad.body.error as Row).message), /line 2/);
      assert.equal((bad.body.error as Row).field, 'variants.en.email.html');

      const t = await ok(
        'POST',
        '/api/v1/templates',
        {
          name: 'Wishlist offer',
          category: 'marketing',
          group: 'offers',
          defaultLocale: 'en',
          variants: {
            en: {
              email: {
                subject: '{{ profile.traits.first_name }}, your wishlist item is on sale',
                html: '<p>Hello {{ profile.traits.first_name }}!</p><p><a href="https://shop.example.com/p/tab-1?utm=mail&amp;x=1">See it</a></p><p>{% include "shipping" %}</p>',
              },
              sms: {
                text: '{{ profile.traits.first_name }}: your wishlist item is on sale. {% include "shipping" %}',
              },
            },
            fa: {
              email: {
                subject: '{{ profile.traits.first_name }}، کالای مورد علاقه‌تان حراج شد',
                html: '<p>سلام {{ profile.traits.first_name }}!</p><p><a href="https://shop.example.com/p/tab-1">مشاهده</a></p><p>{% include "shipping" %}</p>',
              },
              sms: {
                text: '{{ profile.traits.first_name }} عزیز، کالای مورد علاقه‌تان حراج شد. {% include "shipping" %}',
              },
            },
          },
        },
        201,
      );
      offer = t.id as string;
      const r = await ok(
        'POST',
        '/api/v1/templates',
        {
          name: 'Order receipt',
          category: 'transactional',
          // JSON nulls mean "none" (they must not turn into "" and be refused).
          group: null,
          description: null,
          defaultLocale: null,
          variants: {
            en: {
              email: {
                subject: 'Your order {{ event.order_id }}',
                html: '<p>Thanks for order {{ event.order_id }}.</p>',
              },
            },
          },
        },
        201,
      );
      receipt = r.id as string;
    });

    test('a process sends the offer: headers, both parts, RTL for fa, the content block, tracked links', async () => {
      await send([
        {
          type: 'identify',
          userId: 'charlotte',
          traits: { email: 'charlotte@example.com', first_name: 'Charlotte', locale: 'en' },
        },
        {
          type: 'identify',
          userId: 'sara',
          traits: {
            email: 'sara@example.ir',
            first_name: 'سارا',
            locale: 'fa',
            phone: '+989121234567',
            timezone: 'Asia/Tehran',
          },
        },
      ]);
      charlotte = await profileOf('charlotte');
      sara = await profileOf('sara');
      // Preview with a chosen profile, per locale, with every missing variable listed.
      const pv = await ok('POST', `/api/v1/templates/${offer}/preview`, {
        profileId: sara,
        channels: ['email', 'sms'],
      });
      assert.equal((pv.email as Row).dir, 'rtl');
      assert.equal(((pv.sms as Row).length as Row).encoding, 'UCS-2');
      const missing = await ok('POST', `/api/v1/templates/${offer}/preview`, { channels: ['email'] });
      assert.ok((missing.errors as Row[]).some((e) => e.code === 'missing_variable'));

      await sendProcess('Wishlist offer', 'Product Added to Wishlist', offer);
      await send([
        {
          type: 'track',
          userId: 'charlotte',
          event: 'Product Added to Wishlist',
          properties: { sku: 'tab-1' },
        },
        { type: 'track', userId: 'sara', event: 'Product Added to Wishlist', properties: { sku: 'tab-1' } },
      ]);
      await settle();
      const [en] = mailTo('charlotte@example.com');
      const [fa] = mailTo('sara@example.ir');
      assert.ok(en && fa, `both emails arrived (${smtp.received.length})`);
      assert.equal(en.parsed.subject, 'Charlotte, your wishlist item is on sale');
      assert.equal(fa.parsed.subject, 'سارا، کالای مورد علاقه‌تان حراج شد');
      const lu = String(header(en.raw, 'List-Unsubscribe'));
      assert.match(lu, new RegExp(`<${PUBLIC}/u/[^>]+>`));
      assert.match(lu, /mailto:unsubscribe@example.com/);
      assert.equal(header(en.raw, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
      assert.ok(en.parsed.messageId?.includes('@example.com'));
      assert.ok(en.parsed.text?.includes('Hello Charlotte!'), 'plain-text part');
      assert.ok(en.parsed.text?.includes('Free shipping over 50 EUR.'), 'content block in text');
      assert.ok(String(fa.parsed.html).includes('dir="rtl"'), 'fa email is right-to-left');
      assert.ok(String(fa.parsed.html).includes('ارسال رایگان برای خرید بالای ۵۰ یورو.'));
      assert.equal(fa.parsed.headers.get('content-language'), 'fa');
      const html = String(en.parsed.html);
      assert.ok(!html.includes('href="https://shop.example.com'), 'links go through the click redirect');
      assert.match(html, new RegExp(`${PUBLIC}/t/c/`));
      assert.match(html, new RegExp(`${PUBLIC}/t/o/`));

      const fx = (await effects(charlotte)).filter((e) => e.kind === 'message.email');
      assert.equal(fx.length, 1);
      assert.equal(fx[0]!.status, 'sent');
      const tl = await timeline(charlotte);
      const sent = tl.find((e) => e.event === 'Message Sent');
      assert.ok(sent, 'Message Sent on the timeline');
      assert.equal(sent.channel, 'email');
    });

    test('opens and clicks become events; a click redirect goes only where our signed token says', async () => {
      const html = String(mailTo('charlotte@example.com')[0]!.parsed.html);
      const pixel = /\/t\/o\/([^"]+)"/.exec(html)![1]!;
      const click = /\/t\/c\/([^"]+)"/.exec(html)![1]!;
      const o = await h.app.inject({ method: 'GET', url: `/t/o/${pixel}` });
      assert.equal(o.statusCode, 200);
      assert.equal(o.headers['content-type'], 'image/gif');
      await h.app.inject({ method: 'GET', url: `/t/o/${pixel}` });
      const c = await h.app.inject({ method: 'GET', url: `/t/c/${click}` });
      assert.equal(c.statusCode, 302);
      assert.equal(c.headers.location, 'https://shop.example.com/p/tab-1?utm=mail&x=1');
      // A token with another URL but our signature is refused: never an open redirect.
      const [payload, sig] = [
        click.slice(0, click.lastIndexOf('.')),
        click.slice(click.lastIndexOf('.') + 1),
      ];
      const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Row;
      forged.url = 'https://evil.example.net/';
      const f = await h.app.inject({
        method: 'GET',
        url: `/t/c/${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`,
      });
      assert.equal(f.statusCode, 404);
      assert.equal(f.headers.location, undefined);
      await h.engine.pipeline.drain();
      const tl = await timeline(charlotte);
      assert.equal(
        tl.filter((e) => e.event === 'Message Opened').length,
        1,
        'one open event however often the pixel loads',
      );
      const clicked = tl.find((e) => e.event === 'Message Clicked');
      assert.ok(clicked);
      assert.equal(clicked.properties.url, 'https://shop.example.com/p/tab-1?utm=mail&x=1');
      assert.ok(
        clicked.properties.process_instance_id,
        'names the instance, so process conditions can read it',
      );
    });

    test('one-click unsubscribe closes the group; the next marketing send is suppressed and recorded; transactional still goes', async () => {
      const en = mailTo('charlotte@example.com')[0]!;
      const url = /<(https:\/\/cx\.example\.com\/u\/[^>]+)>/.exec(
        String(header(en.raw, 'List-Unsubscribe')),
      )![1]!;
      const path = url.slice(PUBLIC.length);
      // A GET (what mail scanners do) only shows the confirmation page.
      const page = await h.app.inject({ method: 'GET', url: path });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Stop receiving Offers and sales/);
      assert.equal((await ok('GET', `/api/v1/profiles/${charlotte}/consent`)).channels && true, true);
      let consent = (await ok('GET', `/api/v1/profiles/${charlotte}/consent`)).channels as Record<
        string,
        Row
      >;
      assert.equal((consent.email!.groups as Record<string, Row>).offers!.state, 'subscribed');
      const r = await h.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(r.statusCode, 200);
      consent = (await ok('GET', `/api/v1/profiles/${charlotte}/consent`)).channels as Record<string, Row>;
      const offers = (consent.email!.groups as Record<string, Row>).offers!;
      assert.equal(offers.state, 'unsubscribed');
      assert.equal(offers.source, 'one_click');
      await h.engine.pipeline.drain();
      const changed = (await timeline(charlotte)).find((e) => e.event === 'Consent Changed');
      // Consent is usable in segment rules: closing the whole channel by hand moves her out of "email open".
      const seg = await ok(
        'POST',
        '/api/v1/segments',
        {
          name: 'Email open',
          rule: { condition: { type: 'consent', channel: 'email', state: 'subscribed' } },
        },
        201,
      );
      await ok('PUT', `/api/v1/profiles/${charlotte}/consent`, {
        channel: 'email',
        state: 'subscribed',
        source: 'agent',
      });
      await settle();
      const members = async () =>
        ((await ok('GET', `/api/v1/profiles/${charlotte}/segments`)).segments as Row[]).map(
          (x) => x.segmentId,
        );
      assert.ok((await members()).includes(seg.id), 'subscribed: a member');
      await ok('PUT', `/api/v1/profiles/${charlotte}/consent`, {
        channel: 'email',
        state: 'unsubscribed',
        reason: 'manual',
        source: 'agent',
      });
      await settle();
      assert.ok(!(await members()).includes(seg.id), 'closed: no longer a member');
      await ok('PUT', `/api/v1/profiles/${charlotte}/consent`, {
        channel: 'email',
        state: 'subscribed',
        source: 'agent',
      });
      assert.ok(changed);
      assert.equal(changed.properties.source, 'one_click');
      // A group is a segment input too: built from history, she is in "left offers", Sara (no decision) not.
      const left = await ok(
        'POST',
        '/api/v1/segments',
        {
          name: 'Left the offers group',
          rule: { condition: { type: 'consent', channel: 'email', group: 'offers', state: 'unsubscribed' } },
        },
        201,
      );
      await settle();
      const leftMembers = ((await ok('GET', `/api/v1/segments/${left.id}/members`)).members as Row[]).map(
        (m) => m.profileId,
      );
      assert.deepEqual(leftMembers, [charlotte]);

      const before = smtp.received.length;
      await send([
        {
          type: 'track',
          userId: 'charlotte',
          event: 'Product Added to Wishlist',
          properties: { sku: 'tab-2' },
        },
      ]);
      await settle();
      assert.equal(smtp.received.length, before, 'nothing sent after the unsubscribe');
      const fx = (await effects(charlotte)).filter((e) => e.kind === 'message.email');
      assert.equal(fx[fx.length - 1]!.status, 'suppressed');
      const d = (await ok('GET', `/api/v1/deliveries?profileId=${charlotte}`)).deliveries as Row[];
      assert.equal(d[0]!.status, 'suppressed');
      assert.equal(d[0]!.reason, 'unsubscribed');
      const supp = (await timeline(charlotte)).find((e) => e.event === 'Message Suppressed');
      assert.equal(supp?.properties.reason, 'unsubscribed');

      await sendProcess('Receipt', 'Order Completed', receipt, 'email', true);
      await send([
        { type: 'track', userId: 'charlotte', event: 'Order Completed', properties: { order_id: 'A-100' } },
      ]);
      await settle();
      assert.ok(
        mailTo('charlotte@example.com').some((m) => m.parsed.subject === 'Your order A-100'),
        'transactional ignores the marketing opt-out',
      );
    });

    test('the preference page needs no login, speaks fa right-to-left, and saves choices', async () => {
      const fa = mailTo('sara@example.ir')[0]!;
      const path = /<https:\/\/cx\.example\.com(\/u\/[^>]+)>/.exec(
        String(header(fa.raw, 'List-Unsubscribe')),
      )![1]!;
      const prefs = path.replace('/u/', '/p/');
      const page = await h.app.inject({ method: 'GET', url: prefs });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<html lang="fa" dir="rtl">/);
      assert.match(page.body, /پیشنهادها و حراج‌ها/);
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      // The page's only style is the one the CSP nonce admits.
      const nonce = /style-src 'nonce-([^']+)'/.exec(String(page.headers['content-security-policy']))![1]!;
      assert.ok(page.body.includes(`<style nonce="${nonce}">`));
      const saved = await h.app.inject({
        method: 'POST',
        url: prefs,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      });
      assert.equal(saved.statusCode, 200);
      assert.match(saved.body, /ذخیره شد/);
      let c = (await ok('GET', `/api/v1/profiles/${sara}/consent`)).channels as Record<string, Row>;
      assert.equal((c.email!.groups as Record<string, Row>).offers!.state, 'unsubscribed');
      await h.app.inject({
        method: 'POST',
        url: prefs,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'g=offers',
      });
      c = (await ok('GET', `/api/v1/profiles/${sara}/consent`)).channels as Record<string, Row>;
      assert.equal((c.email!.groups as Record<string, Row>).offers!.state, 'subscribed');
      const bad = await h.app.inject({ method: 'GET', url: '/p/not-a-real-token-at-all' });
      assert.equal(bad.statusCode, 404);
    });

    test('quiet hours hold a message until morning in the profile zone; caps suppress the extra ones', async () => {
      await ok('PUT', '/api/v1/channels/policy', {
        quietHours: { start: '21:00', end: '08:00' },
        caps: [{ channel: 'email', max: 2, windowHours: 168 }],
      });
      // 23:00 in Tehran.
      h.now = Date.parse('2026-11-23T19:30:00.000Z');
      const before = mailTo('sara@example.ir').length;
      await send([
        { type: 'track', userId: 'sara', event: 'Product Added to Wishlist', properties: { sku: 'tab-3' } },
      ]);
      await settle();
      assert.equal(mailTo('sara@example.ir').length, before, 'held during quiet hours');
      const held = (await effects(sara)).filter((e) => e.kind === 'message.email').pop()!;
      assert.equal(held.status, 'pending');
      assert.equal(held.attempts, 0, 'waiting is not an attempt');
      // 08:00 in Tehran next morning.
      h.now = Date.parse('2026-11-24T04:30:00.000Z');
      await settle();
      assert.equal(mailTo('sara@example.ir').length, before + 1, 'sent when quiet hours end');
      // Sara has had 2 marketing emails this week: the third is capped.
      await send([
        { type: 'track', userId: 'sara', event: 'Product Added to Wishlist', properties: { sku: 'tab-4' } },
      ]);
      await settle();
      assert.equal(mailTo('sara@example.ir').length, before + 1);
      const capped = (await effects(sara)).filter((e) => e.kind === 'message.email').pop()!;
      assert.equal(capped.status, 'suppressed');
      const d = (await ok('GET', `/api/v1/deliveries?profileId=${sara}`)).deliveries as Row[];
      assert.equal(d[0]!.reason, 'frequency_cap');
      await ok('PUT', '/api/v1/channels/policy', {});
    });

    test('a hard bounce closes the channel, even to transactional mail', async () => {
      await send([
        {
          type: 'identify',
          userId: 'ghost',
          traits: { email: 'reject@example.com', first_name: 'G', locale: 'en' },
        },
      ]);
      const ghost = await profileOf('ghost');
      await send([
        { type: 'track', userId: 'ghost', event: 'Order Completed', properties: { order_id: 'B-1' } },
      ]);
      await settle();
      const fx = (await effects(ghost)).filter((e) => e.kind === 'message.email');
      assert.equal(fx[0]!.status, 'dead');
      const c = (await ok('GET', `/api/v1/profiles/${ghost}/consent`)).channels as Record<string, Row>;
      assert.equal(c.email!.state, 'unsubscribed');
      assert.equal(c.email!.reason, 'hard_bounce');
      await send([
        { type: 'track', userId: 'ghost', event: 'Order Completed', properties: { order_id: 'B-2' } },
      ]);
      await settle();
      const again = (await effects(ghost)).filter((e) => e.kind === 'message.email').pop()!;
      assert.equal(again.status, 'suppressed');
      const held = ((await ok('GET', `/api/v1/deliveries?profileId=${ghost}`)).deliveries as Row[])[0]!;
      assert.deepEqual(
        [held.status, held.reason, held.category],
        ['suppressed', 'hard_bounce', 'transactional'],
      );
      // No address at all: held back and recorded too, not sent and not failed.
      await send([{ type: 'identify', userId: 'no-email', traits: { first_name: 'N', locale: 'en' } }]);
      const noEmail = await profileOf('no-email');
      await send([
        { type: 'track', userId: 'no-email', event: 'Order Completed', properties: { order_id: 'C-1' } },
      ]);
      await settle();
      const none = ((await ok('GET', `/api/v1/deliveries?profileId=${noEmail}`)).deliveries as Row[])[0]!;
      assert.deepEqual([none.status, none.reason], ['suppressed', 'no_address']);
    });

    test('SMS through the Twilio API shape: rate limited then sent; an invalid number dies after one attempt', async () => {
      let calls = 0;
      twilio.handle((req, res) => {
        calls++;
        const body = new URLSearchParams(req.body.toString());
        if (body.get('To') === '+989120000000') {
          res.writeHead(400, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              code: 21211,
              message: "The 'To' number is not a valid phone number.",
              status: 400,
            }),
          );
          return;
        }
        if (calls === 1) {
          res
            .writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' })
            .end(JSON.stringify({ code: 20429, message: 'Too Many Requests', status: 429 }));
          return;
        }
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ sid: `SM${calls}`, status: 'queued' }));
      });
      await sendProcess('SMS offer', 'Cart Abandoned', offer, 'sms');
      await send([{ type: 'track', userId: 'sara', event: 'Cart Abandoned' }]);
      await settle();
      let fx = (await effects(sara)).filter((e) => e.kind === 'message.sms').pop()!;
      assert.equal(fx.status, 'failed', 'a 429 is retried');
      h.now += 31_000;
      await settle();
      fx = (await effects(sara)).filter((e) => e.kind === 'message.sms').pop()!;
      assert.equal(fx.status, 'sent');
      const sms = new URLSearchParams(twilio.received[twilio.received.length - 1]!.body.toString());
      assert.equal(sms.get('To'), '+989121234567');
      assert.match(String(sms.get('Body')), /^سارا عزیز، کالای مورد علاقه‌تان حراج شد\. ارسال رایگان/);
      assert.ok(
        !JSON.stringify(await effects(sara)).includes('secret-token-1'),
        'the auth token never shows',
      );

      // Twilio reports delivery to our signed webhook; a forged report is refused.
      const callback = String(sms.get('StatusCallback'));
      assert.match(callback, new RegExp(`^${PUBLIC}/hooks/sms/twilio/[^/]+/status$`));
      const hookPath = callback.slice(PUBLIC.length);
      const twilioPost = (path: string, params: Record<string, string>, token = 'secret-token-1') =>
        h.app.inject({
          method: 'POST',
          url: path,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilioSignature(token, PUBLIC + path, params),
          },
          payload: new URLSearchParams(params).toString(),
        });
      const sid = twilio.received.length > 0 ? `SM${twilio.received.length}` : '';
      const receipt = { MessageSid: sid, MessageStatus: 'delivered', To: '+989121234567' };
      assert.equal((await twilioPost(hookPath, receipt, 'not-the-token')).statusCode, 403);
      assert.equal((await twilioPost(hookPath, receipt)).statusCode, 204);
      await h.engine.pipeline.drain();
      const delivered = (await timeline(sara)).find((e) => e.event === 'Message Delivered');
      assert.equal(delivered?.channel, 'sms');
      // A reply «لغو ۱۱» (Persian "cancel 11") to the number closes marketing SMS, recorded with its source.
      const inbound = hookPath.replace(/\/status$/, '/inbound');
      const reply = await twilioPost(inbound, {
        MessageSid: 'SMin1',
        From: '+989121234567',
        To: '+15005550006',
        Body: 'لغو ۱۱',
      });
      assert.equal(reply.statusCode, 200);
      assert.match(reply.body, /<Response><\/Response>/);
      const smsConsent = (
        (await ok('GET', `/api/v1/profiles/${sara}/consent`)).channels as Record<string, Row>
      ).sms!;
      assert.equal(smsConsent.state, 'unsubscribed');
      assert.equal(smsConsent.source, 'sms_reply');
      await h.engine.pipeline.drain();
      assert.equal((await timeline(sara)).find((e) => e.event === 'SMS Received')?.properties.text, 'لغو ۱۱');
      await twilioPost(inbound, {
        MessageSid: 'SMin2',
        From: '+989121234567',
        To: '+15005550006',
        Body: 'START',
      });
      assert.equal(
        ((await ok('GET', `/api/v1/profiles/${sara}/consent`)).channels as Record<string, Row>).sms!.state,
        'subscribed',
      );

      await send([
        {
          type: 'identify',
          userId: 'bad-phone',
          traits: { phone: '+989120000000', first_name: 'B', locale: 'en' },
        },
      ]);
      const bad = await profileOf('bad-phone');
      const n = twilio.received.length;
      await send([{ type: 'track', userId: 'bad-phone', event: 'Cart Abandoned' }]);
      await settle();
      h.now += HOUR;
      await settle();
      const dead = (await effects(bad)).filter((e) => e.kind === 'message.sms').pop()!;
      assert.equal(dead.status, 'dead');
      assert.equal(dead.attempts, 1);
      assert.equal(twilio.received.length, n + 1, 'a permanent error is not retried');

      // A gateway that keeps answering 429: retried no sooner than Retry-After, dead after maxAttempts (3).
      twilio.handle((_req, res) => {
        res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': '120' })
          .end(JSON.stringify({ code: 20429, message: 'Too Many Requests', status: 429 }));
      });
      await send([
        {
          type: 'identify',
          userId: 'busy',
          traits: { phone: '+989121111111', locale: 'en', first_name: 'B' },
        },
      ]);
      const busy = await profileOf('busy');
      const m = twilio.received.length;
      await send([{ type: 'track', userId: 'busy', event: 'Cart Abandoned' }]);
      await settle();
      assert.equal(twilio.received.length, m + 1);
      h.now += 119_000;
      await settle();
      assert.equal(twilio.received.length, m + 1, 'not before Retry-After');
      h.now += 1_000;
      await settle();
      assert.equal(twilio.received.length, m + 2);
      h.now += HOUR;
      await settle();
      h.now += HOUR;
      await settle();
      const gaveUp = (await effects(busy)).filter((e) => e.kind === 'message.sms').pop()!;
      assert.equal(gaveUp.status, 'dead');
      assert.equal(gaveUp.attempts, 3);
      assert.equal(twilio.received.length, m + 3, 'retries stop at maxAttempts');
      assert.match(String(gaveUp.lastError), /429/);
      const failed = (await timeline(busy)).find((e) => e.event === 'Message Failed');
      assert.equal(failed?.channel, 'sms');
    });
    test('"if the offer email was clicked": a process branches on the click, read from the Message Clicked event', async () => {
      const c = await ok(
        'POST',
        '/api/v1/processes',
        {
          name: 'Offer with follow-up',
          definition: {
            nodes: [
              { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Browse Abandoned' } },
              {
                id: 'send',
                type: 'action',
                action: { kind: 'send_message', channel: 'email', template: receipt, transactional: true },
              },
              { id: 'wait', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'days' } },
              {
                id: 'clicked',
                type: 'condition',
                branches: [{ id: 'yes', when: { step: 'send', outcome: 'clicked' } }],
              },
              { id: 'thanks', type: 'action', action: { kind: 'emit_event', event: 'Offer Was Clicked' } },
              { id: 'nudge', type: 'action', action: { kind: 'emit_event', event: 'Offer Was Ignored' } },
              { id: 'end', type: 'exit' },
            ],
            edges: [
              { from: 't', to: 'send' },
              { from: 'send', to: 'wait' },
              { from: 'wait', to: 'clicked' },
              { from: 'clicked', port: 'yes', to: 'thanks' },
              { from: 'clicked', port: 'else', to: 'nudge' },
              { from: 'thanks', to: 'end' },
              { from: 'nudge', to: 'end' },
            ],
          },
        },
        201,
      );
      await ok('PUT', `/api/v1/templates/${receipt}`, {
        name: 'Order receipt',
        category: 'transactional',
        variants: {
          en: {
            email: {
              subject: 'Your order {{ event.order_id | default: "" }}',
              html: '<p>Thanks. <a href="https://shop.example.com/orders">Your orders</a></p>',
            },
          },
        },
      });
      await ok('POST', `/api/v1/processes/${c.id}/publish`);
      await send([
        { type: 'identify', userId: 'clicker', traits: { email: 'clicker@example.com', locale: 'en' } },
        { type: 'identify', userId: 'ignorer', traits: { email: 'ignorer@example.com', locale: 'en' } },
        { type: 'track', userId: 'clicker', event: 'Browse Abandoned' },
        { type: 'track', userId: 'ignorer', event: 'Browse Abandoned' },
      ]);
      await settle();
      const html = String(mailTo('clicker@example.com')[0]!.parsed.html);
      const click = /\/t\/c\/([^"]+)"/.exec(html)![1]!;
      assert.equal((await h.app.inject({ method: 'GET', url: `/t/c/${click}` })).statusCode, 302);
      await h.engine.pipeline.drain();
      h.now += 25 * HOUR;
      await settle();
      const names = async (u: string) => (await timeline(await profileOf(u))).map((e) => e.event);
      assert.ok((await names('clicker')).includes('Offer Was Clicked'));
      assert.ok(!(await names('clicker')).includes('Offer Was Ignored'));
      assert.ok((await names('ignorer')).includes('Offer Was Ignored'));
    });

    test('web push through the outbox: VAPID-signed, encrypted for the browser; a gone subscription is removed', async () => {
      const push = await startServer();
      try {
        const vapid = { subject: 'mailto:push@example.com', ...generateVapidKeys() };
        await ok('PUT', '/api/v1/channels/push', { vapid });
        const shown = (await ok('GET', '/api/v1/channels')).channels as Record<string, { config: Row }>;
        assert.equal((shown.push!.config.vapid as Row).privateKey, '[set]');
        const browser = browserSubscription(`${push.url}/push/sub-1`);
        const gone = browserSubscription(`${push.url}/push/gone`);
        push.handle((req, res) => {
          res.writeHead(req.path.endsWith('/gone') ? 410 : 201).end();
        });
        await ok('POST', `/api/v1/profiles/${sara}/push-subscriptions`, browser.subscription, 201);
        // The browser itself subscribes with the write key, naming the visitor its events carry.
        const pub = (body: unknown) =>
          h.app.inject({
            method: 'POST',
            url: '/v1/push/subscribe',
            headers: { authorization: `Bearer ${WK}`, 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
        const unknown = await pub({ anonymousId: 'never-seen', subscription: gone.subscription });
        assert.equal(unknown.statusCode, 404);
        assert.equal((unknown.json() as { error: Row }).error.code, 'unknown_visitor');
        const secretKey = await h.app.inject({
          method: 'POST',
          url: '/v1/push/subscribe',
          headers: { authorization: `Bearer ${SK}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ userId: 'sara', subscription: gone.subscription }),
        });
        assert.equal(secretKey.statusCode, 403, 'a browser route takes the write key');
        assert.equal((await pub({ userId: 'sara', subscription: gone.subscription })).statusCode, 201);
        await ok('PUT', `/api/v1/templates/${offer}`, {
          name: 'Wishlist offer',
          category: 'marketing',
          group: 'offers',
          defaultLocale: 'en',
          variants: {
            en: {
              push: {
                title: 'On sale',
                body: '{{ profile.traits.first_name }}, your item is on sale',
                url: 'https://shop.example.com/p/tab-1',
              },
            },
            fa: {
              push: {
                title: 'حراج',
                body: '{{ profile.traits.first_name }}، کالای شما حراج شد',
                url: 'https://shop.example.com/p/tab-1',
              },
            },
          },
        });
        await sendProcess('Push offer', 'App Opened', offer, 'push');
        await send([{ type: 'track', userId: 'sara', event: 'App Opened' }]);
        await settle();
        const fx = (await effects(sara)).filter((e) => e.kind === 'message.push').pop()!;
        assert.equal(fx.status, 'sent');
        const got = push.received.find((r) => r.path === '/push/sub-1')!;
        assert.match(String(got.headers.authorization), /^vapid t=.+, k=/);
        const payload = JSON.parse(browser.decrypt(got.body)) as Row;
        assert.equal(payload.title, 'حراج');
        assert.equal(payload.body, 'سارا، کالای شما حراج شد');
        // The 410 subscription was deleted: the next push goes to one browser only.
        const before = push.received.length;
        await send([{ type: 'track', userId: 'sara', event: 'App Opened' }]);
        await settle();
        assert.deepEqual(
          push.received.slice(before).map((r) => r.path),
          ['/push/sub-1'],
        );
      } finally {
        await push.close();
      }
    });
  });
