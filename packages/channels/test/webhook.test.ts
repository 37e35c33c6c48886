import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWebhookSender, signWebhook, verifyWebhook } from '../src/index';
import { json, startServer } from './http-server';
import type { TestServer } from './http-server';

const NOW = Date.UTC(2025, 0, 15, 10, 0, 0);
const SECRET = 'whsec_test_0123456789';

describe('webhook sender', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('posts signed JSON with idempotency key and timestamp; the receiver verifies it', async () => {
    server.handle((_req, res) => json(res, 202, { accepted: true }));
    const hooks = createWebhookSender({ now: () => NOW });
    const body = { event: 'order.ready', orderId: 'o-1', note: 'سفارش شما آماده است' };
    const r = await hooks.send({
      url: `${server.url}/hooks/orders`,
      body,
      secret: SECRET,
      idempotencyKey: 'eff_01',
      headers: { 'x-tenant': 'acme', 'Omnicx-Signature': 'forged' },
    });
    assert.deepEqual(r, { ok: true, detail: 'HTTP 202' });
    const got = server.received.at(-1)!;
    assert.equal(got.method, 'POST');
    assert.equal(got.path, '/hooks/orders');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['idempotency-key'], 'eff_01');
    assert.equal(got.headers['omnicx-timestamp'], String(NOW / 1000));
    assert.equal(got.headers['x-tenant'], 'acme');
    assert.match(String(got.headers['user-agent']), /^omnicx-webhooks\//);
    assert.match(String(got.headers['omnicx-signature']), /^v1=[0-9a-f]{64}$/);
    const raw = got.body.toString('utf8');
    assert.deepEqual(JSON.parse(raw), body);
    const headers = got.headers as Record<string, string | undefined>;
    assert.equal(verifyWebhook(SECRET, headers, raw, NOW + 1000), true);
  });

  test('no signature header without a secret; PUT is honoured', async () => {
    const hooks = createWebhookSender({ now: () => NOW, userAgent: 'acme-bot/1' });
    const r = await hooks.send({ url: server.url + '/x', method: 'PUT', body: [1, 2], idempotencyKey: 'k' });
    assert.equal(r.ok, true);
    const got = server.received.at(-1)!;
    assert.equal(got.method, 'PUT');
    assert.equal(got.headers['omnicx-signature'], undefined);
    assert.equal(got.headers['user-agent'], 'acme-bot/1');
  });

  test('429 is retryable and honours Retry-After in seconds and as an HTTP date', async () => {
    const hooks = createWebhookSender({ now: () => NOW });
    server.handle((_req, res) => json(res, 429, { error: 'slow down' }, { 'retry-after': '30' }));
    const a = await hooks.send({ url: server.url, body: {}, idempotencyKey: 'k' });
    assert.equal(a.ok, false);
    assert.ok(!a.ok && a.retryable && a.retryAfterMs === 30_000 && a.code === 'rate_limited');
    server.handle((_req, res) => json(res, 429, {}, { 'retry-after': new Date(NOW + 90_000).toUTCString() }));
    const b = await hooks.send({ url: server.url, body: {}, idempotencyKey: 'k' });
    assert.ok(!b.ok && b.retryable && b.retryAfterMs === 90_000);
  });

  test('408 and 5xx are retryable; other 4xx are permanent and say what the endpoint answered', async () => {
    const hooks = createWebhookSender({ now: () => NOW });
    for (const status of [408, 500, 502, 503]) {
      server.handle((_req, res) => json(res, status, { error: 'x' }));
      const r = await hooks.send({ url: server.url, body: {}, idempotencyKey: 'k' });
      assert.ok(!r.ok && r.retryable, `${status} should be retryable`);
    }
    for (const status of [400, 401, 404, 422]) {
      server.handle((_req, res) => json(res, status, { error: 'bad field amount' }));
      const r = await hooks.send({ url: server.url, body: {}, idempotencyKey: 'k' });
      assert.ok(!r.ok && !r.retryable && r.code === 'rejected', `${status} should be permanent`);
      assert.match(r.message, new RegExp(`answered ${status}: .*bad field amount`));
    }
  });

  test('redirects are never followed: a 3xx is a permanent error naming the target origin only', async () => {
    server.handle((_req, res) => {
      res.writeHead(302, { location: 'https://evil.example/steal?token=abc' }).end();
    });
    const before = server.received.length;
    const r = await createWebhookSender().send({ url: server.url + '/a', body: {}, idempotencyKey: 'k' });
    assert.ok(!r.ok && !r.retryable && r.code === 'redirect');
    assert.match(r.message, /https:\/\/evil\.example/);
    assert.doesNotMatch(r.message, /token=abc/);
    assert.equal(server.received.length, before + 1);
  });

  test('a timeout and a refused connection are retryable', async () => {
    server.handle(() => {
      /* never answers */
    });
    const slow = await createWebhookSender({ timeoutMs: 100 }).send({
      url: server.url,
      body: {},
      idempotencyKey: 'k',
    });
    assert.ok(!slow.ok && slow.retryable && slow.code === 'timeout');
    const closed = await startServer();
    await closed.close();
    const refused = await createWebhookSender().send({
      url: closed.url + '/x',
      body: {},
      idempotencyKey: 'k',
    });
    assert.ok(!refused.ok && refused.retryable && refused.code === 'network_error');
    assert.match(refused.message, /ECONNREFUSED/);
  });

  test('only http and https URLs; bad bodies and empty keys are refused before any request', async () => {
    const hooks = createWebhookSender();
    const ftp = await hooks.send({ url: 'ftp://example.com/x', body: {}, idempotencyKey: 'k' });
    assert.ok(!ftp.ok && !ftp.retryable && ftp.code === 'unsupported_scheme');
    const file = await hooks.send({ url: 'file:///etc/passwd', body: {}, idempotencyKey: 'k' });
    assert.ok(!file.ok && file.code === 'unsupported_scheme');
    const junk = await hooks.send({ url: 'not a url', body: {}, idempotencyKey: 'k' });
    assert.ok(!junk.ok && junk.code === 'invalid_url');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad = await hooks.send({ url: server.url, body: cyclic, idempotencyKey: 'k' });
    assert.ok(!bad.ok && bad.code === 'invalid_body');
    const noKey = await hooks.send({ url: server.url, body: {}, idempotencyKey: ' ' });
    assert.ok(!noKey.ok && noKey.code === 'invalid_request');
  });

  test('secrets never appear in results', async () => {
    server.handle((_req, res) => json(res, 500, { error: 'boom' }));
    const r = await createWebhookSender().send({
      url: server.url,
      body: {},
      secret: SECRET,
      idempotencyKey: 'k',
    });
    assert.doesNotMatch(JSON.stringify(r), new RegExp(SECRET));
  });
});

describe('webhook signatures', () => {
  const body = '{"a":1}';
  const ts = NOW / 1000;
  const sig = signWebhook(SECRET, ts, body);
  const headers = { 'Omnicx-Timestamp': String(ts), 'Omnicx-Signature': sig };

  test('signWebhook is v1= + hex HMAC-SHA256 over "timestamp.body"', () => {
    // Reference computed independently: printf '1736935200.{"a":1}' | openssl dgst -sha256 -hmac "$SECRET"
    assert.equal(sig, 'v1=a11e2f8de7e5a20b6a1e65c801f894b073e5a96fa7ba91aae2c2aaa7a489b022');
    assert.equal(signWebhook(SECRET, ts, body), sig);
    assert.notEqual(signWebhook(SECRET, ts + 1, body), sig);
    assert.notEqual(signWebhook('other', ts, body), sig);
  });

  test('verifies within the tolerance, either side of the clock', () => {
    assert.equal(verifyWebhook(SECRET, headers, body, NOW + 299_000), true);
    assert.equal(verifyWebhook(SECRET, headers, body, NOW - 299_000), true);
  });

  test('rejects stale and future timestamps (replays), tampered bodies, wrong secrets, missing headers', () => {
    assert.equal(verifyWebhook(SECRET, headers, body, NOW + 301_000), false);
    assert.equal(verifyWebhook(SECRET, headers, body, NOW - 301_000), false);
    assert.equal(verifyWebhook(SECRET, headers, body, NOW + 60_000, 30_000), false);
    assert.equal(verifyWebhook(SECRET, headers, '{"a":2}', NOW), false);
    assert.equal(verifyWebhook('wrong', headers, body, NOW), false);
    assert.equal(verifyWebhook(SECRET, { 'omnicx-signature': sig }, body, NOW), false);
    assert.equal(verifyWebhook(SECRET, { 'omnicx-timestamp': String(ts) }, body, NOW), false);
    assert.equal(verifyWebhook(SECRET, { ...headers, 'Omnicx-Signature': 'v1=abc' }, body, NOW), false);
    // A replay with a refreshed timestamp but the old signature fails: the timestamp is signed.
    const replay = { 'omnicx-timestamp': String(ts + 600), 'omnicx-signature': sig };
    assert.equal(verifyWebhook(SECRET, replay, body, NOW + 600_000), false);
  });

  test('accepts any of several comma-separated signatures (secret rotation)', () => {
    const both = { ...headers, 'Omnicx-Signature': `${signWebhook('old', ts, body)}, ${sig}` };
    assert.equal(verifyWebhook(SECRET, both, body, NOW), true);
  });
});
