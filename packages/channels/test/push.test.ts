import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWebPushSender, createTemplateRenderer, generateVapidKeys, pushTopicFor } from '../src/index';
import type { PushMessage } from '../src/index';
import { BLOCKS, WISHLIST, context } from './fixtures';
import { json, startServer } from './http-server';
import { browserSubscription } from './push-browser';
import type { TestServer } from './http-server';

describe('web push', () => {
  let server: TestServer;
  const vapid = { subject: 'mailto:push@shop.example', ...generateVapidKeys() };
  const push = createWebPushSender({ allowHttpEndpoints: true });
  const renderer = createTemplateRenderer({ blocks: BLOCKS });

  before(async () => {
    server = await startServer();
    // A local push service: /gone answers 410, /missing 404, /busy 429, /down 503, others 201 with a Location.
    server.handle((req, res) => {
      if (req.path.startsWith('/gone')) return json(res, 410, { reason: 'expired' });
      if (req.path.startsWith('/missing')) return json(res, 404, {});
      if (req.path.startsWith('/busy')) return json(res, 429, {}, { 'retry-after': '60' });
      if (req.path.startsWith('/down')) return json(res, 503, {});
      res.writeHead(201, { location: `${server.url}/messages/m-1` }).end();
    });
  });
  after(() => server.close());

  async function message(path: string, overrides: Partial<PushMessage> = {}) {
    const browser = browserSubscription(`${server.url}${path}`);
    const rendered = await renderer.renderPush(WISHLIST, context('fa'));
    const msg: PushMessage = {
      idempotencyKey: 'eff_push_1',
      subscription: browser.subscription,
      vapid,
      payload: { title: rendered.title, body: rendered.body, ...(rendered.url ? { url: rendered.url } : {}) },
      ...overrides,
    };
    return { msg, browser };
  }

  test('delivers an encrypted aes128gcm payload with VAPID, TTL, urgency and topic; the browser can decrypt it', async () => {
    const { msg, browser } = await message('/push/abc', { ttlSeconds: 3600, urgency: 'high' });
    const r = await push.send(msg);
    assert.deepEqual(r, { ok: true, providerMessageId: `${server.url}/messages/m-1`, detail: 'HTTP 201' });
    const req = server.received.at(-1)!;
    assert.equal(req.path, '/push/abc');
    assert.equal(req.headers['content-encoding'], 'aes128gcm');
    assert.equal(req.headers['ttl'], '3600');
    assert.equal(req.headers['urgency'], 'high');
    assert.equal(req.headers['topic'], pushTopicFor('eff_push_1'));
    assert.match(
      String(req.headers['authorization']),
      new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`),
    );
    const jwt = /t=([^,]+)/.exec(String(req.headers['authorization']))![1]!;
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as {
      aud: string;
      sub: string;
    };
    assert.equal(claims.aud, server.url);
    assert.equal(claims.sub, 'mailto:push@shop.example');
    const payload = JSON.parse(browser.decrypt(req.body)) as { title: string; body: string; url: string };
    assert.equal(payload.title, 'پیشنهاد ویژه');
    assert.ok(payload.body.startsWith('کفش کوهنوردی — '));
    assert.equal(payload.url, 'https://shop.example/p/1');
    assert.doesNotMatch(JSON.stringify(r), new RegExp(vapid.privateKey));
  });

  test('404 and 410 mean the subscription is gone: permanent, the caller deletes it', async () => {
    for (const path of ['/gone/1', '/missing/1']) {
      const r = await push.send((await message(path)).msg);
      assert.ok(!r.ok && !r.retryable && r.code === 'subscription_gone', path);
    }
  });

  test('429 (with Retry-After) and 5xx are retryable', async () => {
    const busy = await push.send((await message('/busy/1')).msg);
    assert.ok(!busy.ok && busy.retryable && busy.retryAfterMs === 60_000);
    const down = await push.send((await message('/down/1')).msg);
    assert.ok(!down.ok && down.retryable);
  });

  test('http endpoints are refused unless allowed; oversized payloads and broken subscriptions are permanent', async () => {
    const strict = createWebPushSender();
    const r = await strict.send((await message('/push/x')).msg);
    assert.ok(!r.ok && !r.retryable && r.code === 'invalid_subscription');
    const big = await push.send(
      (await message('/push/x', { payload: { title: 't', body: 'x'.repeat(5000) } })).msg,
    );
    assert.ok(!big.ok && big.code === 'payload_too_large');
    const { msg } = await message('/push/x');
    const broken = await push.send({
      ...msg,
      subscription: { endpoint: msg.subscription.endpoint, keys: { p256dh: 'AAAA', auth: 'BBBB' } },
    });
    assert.ok(
      !broken.ok && !broken.retryable && broken.code === 'invalid_subscription',
      JSON.stringify(broken),
    );
    const badVapid = await push.send({ ...msg, vapid: { ...vapid, privateKey: 'short-secret-key' } });
    assert.ok(
      !badVapid.ok && !badVapid.retryable && badVapid.code === 'invalid_vapid',
      JSON.stringify(badVapid),
    );
    assert.doesNotMatch(JSON.stringify(badVapid), /short-secret-key/);
  });
});
