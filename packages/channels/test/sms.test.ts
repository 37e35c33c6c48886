import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createHttpSmsProvider,
  createKavenegarProvider,
  createTwilioProvider,
  kavenegarLocalId,
  nextAttempt,
  twilioDeliveryStatus,
  twilioSignature,
  verifyTwilioSignature,
} from '../src/index';
import type { SendResult, SmsProvider } from '../src/index';
import { json, startServer } from './http-server';
import type { TestServer } from './http-server';

const NOW = Date.UTC(2025, 0, 15);
const FA_TEXT = 'سارا عزیز، سفارش شما آماده ارسال است.';

/** Sends until the retry policy stops, with a fixed clock; returns the attempts made and the final decision. */
async function sendWithRetries(provider: SmsProvider, to: string) {
  let attempts = 0;
  for (;;) {
    attempts++;
    const r = await provider.send({ idempotencyKey: 'eff_1', to, text: FA_TEXT });
    const d = nextAttempt(r, attempts, NOW, () => 0.5);
    if (d.action !== 'retry') return { attempts, decision: d, last: r };
  }
}

describe('Twilio adapter', () => {
  let server: TestServer;
  const SID = 'AC00000000000000000000000000000001';
  const TOKEN = 'twilio-auth-token-secret';
  let twilio: SmsProvider;
  before(async () => {
    server = await startServer();
    // A local server that speaks Twilio's Messages API, including its error answers.
    server.handle((req, res) => {
      const expectedAuth = 'Basic ' + Buffer.from(`${SID}:${TOKEN}`).toString('base64');
      if (req.headers.authorization !== expectedAuth) {
        return json(res, 401, {
          code: 20003,
          message: 'Authenticate',
          more_info: 'https://www.twilio.com/docs/errors/20003',
          status: 401,
        });
      }
      const form = new URLSearchParams(req.body.toString());
      const to = form.get('To') ?? '';
      if (to === '+15005550001') {
        return json(res, 400, {
          code: 21211,
          message: "The 'To' number +15005550001 is not a valid phone number.",
          more_info: 'https://www.twilio.com/docs/errors/21211',
          status: 400,
        });
      }
      if (to === '+15005550009')
        return json(
          res,
          429,
          { code: 20429, message: 'Too Many Requests', status: 429 },
          { 'retry-after': '2' },
        );
      if (to === '+15005550010')
        return json(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 });
      return json(res, 201, {
        sid: 'SM' + '1'.repeat(32),
        status: 'queued',
        to,
        from: form.get('From'),
        body: form.get('Body'),
      });
    });
    twilio = createTwilioProvider({
      accountSid: SID,
      authToken: TOKEN,
      from: '+15005550006',
      baseUrl: server.url,
      now: () => NOW,
    });
  });
  after(() => server.close());

  test('posts the form Twilio expects, with Basic auth, and returns the message SID', async () => {
    const r = await twilio.send({ idempotencyKey: 'eff_1', to: '+989121234567', text: FA_TEXT });
    assert.deepEqual(r, {
      ok: true,
      providerMessageId: 'SM' + '1'.repeat(32),
      detail: 'Twilio status queued',
    });
    const req = server.received.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body.toString());
    assert.deepEqual(Object.fromEntries(form), { To: '+989121234567', Body: FA_TEXT, From: '+15005550006' });
  });

  test('the workspace sender id overrides the default; a messaging service is used when no sender is set', async () => {
    await twilio.send({ idempotencyKey: 'k', to: '+447700900123', text: 'Hi', from: 'ACMESHOP' });
    assert.equal(new URLSearchParams(server.received.at(-1)!.body.toString()).get('From'), 'ACMESHOP');
    const svc = createTwilioProvider({
      accountSid: SID,
      authToken: TOKEN,
      messagingServiceSid: 'MG123',
      baseUrl: server.url,
    });
    await svc.send({ idempotencyKey: 'k', to: '+447700900123', text: 'Hi' });
    const form = new URLSearchParams(server.received.at(-1)!.body.toString());
    assert.equal(form.get('MessagingServiceSid'), 'MG123');
    assert.equal(form.get('From'), null);
  });

  test('21211 invalid number is permanent: one attempt, then dead', async () => {
    const { attempts, decision, last } = await sendWithRetries(twilio, '+15005550001');
    assert.equal(attempts, 1);
    assert.equal(decision.action, 'dead');
    assert.ok(!last.ok && last.code === 'invalid_number');
    assert.match(last.message, /error 21211: The 'To' number/);
  });

  test('429/20429 is retryable with Retry-After; retries stop after the policy maximum', async () => {
    const r = await twilio.send({ idempotencyKey: 'k', to: '+15005550009', text: 'x' });
    assert.deepEqual(r, {
      ok: false,
      retryable: true,
      retryAfterMs: 2000,
      code: 'rate_limited',
      message: 'Twilio answered 429 with error 20429: Too Many Requests',
    });
    const before = server.received.length;
    const { attempts, decision } = await sendWithRetries(twilio, '+15005550009');
    assert.equal(attempts, 8);
    assert.equal(server.received.length - before, 8);
    assert.match(
      decision.action === 'dead' ? decision.reason : '',
      /gave up after 8 attempts; last error rate_limited/,
    );
  });

  test('5xx is retryable; a wrong token is permanent and never echoed', async () => {
    const r = await twilio.send({ idempotencyKey: 'k', to: '+15005550010', text: 'x' });
    assert.ok(!r.ok && r.retryable && r.code === 'server_error');
    const bad = createTwilioProvider({
      accountSid: SID,
      authToken: 'wrong-secret-token',
      from: '+1',
      baseUrl: server.url,
    });
    const a = await bad.send({ idempotencyKey: 'k', to: '+447700900123', text: 'x' });
    assert.ok(!a.ok && !a.retryable && a.code === 'auth_failed');
    assert.doesNotMatch(JSON.stringify(a), /wrong-secret-token/);
  });

  test('numbers that are not E.164 are refused before any request', async () => {
    const before = server.received.length;
    for (const to of ['09121234567', '+0123', 'abc', '+98 912 123 4567']) {
      const r = await twilio.send({ idempotencyKey: 'k', to, text: 'x' });
      assert.ok(!r.ok && !r.retryable && r.code === 'invalid_number', to);
    }
    assert.equal(server.received.length, before);
  });
});

describe('Kavenegar adapter', () => {
  let server: TestServer;
  const KEY = '4A6B7C6E2F6D6F6E6B65792D736563726574';
  let kavenegar: SmsProvider;
  const answer = (status: number, message: string, entries: unknown[] = []) => ({
    return: { status, message },
    entries,
  });
  before(async () => {
    server = await startServer();
    // A local server that speaks Kavenegar's API: the key is in the path, form fields in the body.
    server.handle((req, res) => {
      const m = /^\/v1\/([^/]+)\/sms\/send\.json$/.exec(req.path);
      if (!m) return json(res, 404, answer(404, 'متد پیدا نشد'));
      if (m[1] !== KEY) return json(res, 403, answer(403, 'کد شناسائی API-Key معتبر نمی‌باشد'));
      const form = new URLSearchParams(req.body.toString());
      const receptor = form.get('receptor');
      if (receptor === '09120000000') return json(res, 411, answer(411, 'دریافت کننده نامعتبر است'));
      if (receptor === '09120000018') return json(res, 418, answer(418, 'اعتبار حساب شما کافی نیست'));
      if (receptor === '09120000029')
        return json(res, 429, answer(429, 'تعداد درخواست بیش از حد مجاز'), { 'retry-after': '5' });
      if (receptor === '09120000050') return json(res, 502, answer(502, 'خطای سرور'));
      return json(
        res,
        200,
        answer(200, 'تایید شد', [
          {
            messageid: 8792343,
            message: form.get('message'),
            status: 1,
            statustext: 'در صف ارسال',
            sender: form.get('sender'),
            receptor,
            date: 1356619709,
            cost: 120,
          },
        ]),
      );
    });
    kavenegar = createKavenegarProvider({
      apiKey: KEY,
      sender: '10004346',
      baseUrl: server.url,
      now: () => NOW,
    });
  });
  after(() => server.close());

  test('posts receptor, sender, message and a local id; returns the message id', async () => {
    const r = await kavenegar.send({ idempotencyKey: 'eff_9', to: '+989121234567', text: FA_TEXT });
    assert.deepEqual(r, {
      ok: true,
      providerMessageId: '8792343',
      detail: 'Kavenegar answered 200: تایید شد',
    });
    const req = server.received.at(-1)!;
    assert.equal(req.path, `/v1/${KEY}/sms/send.json`);
    const form = new URLSearchParams(req.body.toString());
    assert.equal(form.get('receptor'), '09121234567');
    assert.equal(form.get('sender'), '10004346');
    assert.equal(form.get('message'), FA_TEXT);
    assert.equal(form.get('localid'), kavenegarLocalId('eff_9'));
    assert.match(form.get('localid')!, /^\d+$/);
  });

  test('411 invalid receptor is permanent: one attempt, then dead', async () => {
    const { attempts, decision, last } = await sendWithRetries(kavenegar, '+989120000000');
    assert.equal(attempts, 1);
    assert.equal(decision.action, 'dead');
    assert.ok(!last.ok && last.code === 'invalid_number');
  });

  test('418 insufficient credit is permanent (requeue after top-up)', async () => {
    const r = await kavenegar.send({ idempotencyKey: 'k', to: '+989120000018', text: 'x' });
    assert.ok(!r.ok && !r.retryable && r.code === 'insufficient_credit');
    assert.match(r.message, /top it up/);
  });

  test('rate limits and 5xx are retryable; retries stop after the policy maximum', async () => {
    const r = await kavenegar.send({ idempotencyKey: 'k', to: '+989120000029', text: 'x' });
    assert.ok(!r.ok && r.retryable && r.code === 'rate_limited' && r.retryAfterMs === 5000);
    const { attempts, decision } = await sendWithRetries(kavenegar, '+989120000050');
    assert.equal(attempts, 8);
    assert.equal(decision.action, 'dead');
  });

  test('a wrong API key is permanent and the key (which is in the URL) never appears', async () => {
    const bad = createKavenegarProvider({ apiKey: 'wrong-kavenegar-key', baseUrl: server.url });
    const r: SendResult = await bad.send({ idempotencyKey: 'k', to: '+989121234567', text: 'x' });
    assert.ok(!r.ok && !r.retryable && r.code === 'auth_failed');
    assert.doesNotMatch(JSON.stringify(r), /wrong-kavenegar-key/);
    const closed = await startServer();
    await closed.close();
    const down = createKavenegarProvider({ apiKey: KEY, baseUrl: closed.url });
    const d = await down.send({ idempotencyKey: 'k', to: '+989121234567', text: 'x' });
    assert.ok(!d.ok && d.retryable && d.code === 'network_error');
    assert.doesNotMatch(JSON.stringify(d), new RegExp(KEY));
  });
});

describe('generic HTTP SMS provider', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('fills the body template, sends the auth header and reads the message id', async () => {
    server.handle((req, res) => {
      if (req.headers['x-api-key'] !== 'gw-secret') return json(res, 401, { error: 'bad key' });
      const to = (JSON.parse(req.body.toString()) as { recipient: { phone: string } }).recipient.phone;
      if (to === '+15550000000') return json(res, 422, { error: 'invalid number' });
      if (to === '+15550000429') return json(res, 429, { error: 'slow down' }, { 'retry-after': '7' });
      return json(res, 200, { data: { message_id: 'gw-77' } });
    });
    const gw = createHttpSmsProvider({
      url: `${server.url}/send`,
      headers: { 'x-api-key': 'gw-secret' },
      body: {
        recipient: { phone: '{{to}}' },
        sender: '{{from}}',
        content: '{{text}}',
        ref: '{{idempotencyKey}}',
      },
      messageIdPath: 'data.message_id',
      from: 'SHOP',
      now: () => NOW,
    });
    const r = await gw.send({ idempotencyKey: 'eff_3', to: '+971501234567', text: 'مرحبا' });
    assert.deepEqual(r, { ok: true, providerMessageId: 'gw-77', detail: 'HTTP 200' });
    const req = server.received.at(-1)!;
    assert.deepEqual(JSON.parse(req.body.toString()), {
      recipient: { phone: '+971501234567' },
      sender: 'SHOP',
      content: 'مرحبا',
      ref: 'eff_3',
    });
    assert.equal(req.headers['idempotency-key'], 'eff_3');
    const invalid = await gw.send({ idempotencyKey: 'k', to: '+15550000000', text: 'x' });
    assert.ok(!invalid.ok && !invalid.retryable && invalid.code === 'rejected', JSON.stringify(invalid));
    const limited = await gw.send({ idempotencyKey: 'k', to: '+15550000429', text: 'x' });
    assert.ok(!limited.ok && limited.retryable && limited.retryAfterMs === 7000);
  });
});

describe('Twilio webhook signatures', () => {
  // The worked example of Twilio's webhook security documentation (auth token "12345").
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+14158675309',
    Digits: '1234',
    From: '+14158675309',
    To: '+18005551212',
  };
  test('match the published vector; a changed parameter, URL or token does not verify', () => {
    assert.equal(twilioSignature('12345', url, params), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    assert.equal(
      twilioSignature('12345', url, { ...params, Caller: '+14158675310', From: '+14158675310' }),
      'GvWf1cFY/Q7PnoempGyD5oXAezc=',
    );
    const sig = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    assert.ok(verifyTwilioSignature('12345', url, params, sig));
    assert.ok(!verifyTwilioSignature('12345', url, { ...params, Digits: '9999' }, sig));
    assert.ok(!verifyTwilioSignature('12345', `${url}&x=1`, params, sig));
    assert.ok(!verifyTwilioSignature('54321', url, params, sig));
    assert.ok(!verifyTwilioSignature('12345', url, params, undefined));
  });
  test('status callbacks: delivered, and failures hard only for numbers that cannot receive SMS', () => {
    assert.deepEqual(twilioDeliveryStatus({ MessageSid: 'SM1', MessageStatus: 'delivered' }), {
      messageSid: 'SM1',
      type: 'delivered',
      hard: false,
      detail: 'delivered',
    });
    assert.equal(
      twilioDeliveryStatus({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30005' })?.hard,
      true,
    );
    assert.equal(
      twilioDeliveryStatus({ MessageSid: 'SM1', MessageStatus: 'failed', ErrorCode: '30001' })?.hard,
      false,
    );
    assert.equal(twilioDeliveryStatus({ MessageSid: 'SM1', MessageStatus: 'sent' }), undefined);
  });
});
