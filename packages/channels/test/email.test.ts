import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createEmailSender, createTemplateRenderer, messageIdFor } from '../src/index';
import type { EmailMessage, EmailSender } from '../src/index';
import { BLOCKS, FA_SENTENCE, WISHLIST, context } from './fixtures';
import { startSmtp } from './smtp-server';
import type { TestSmtp } from './smtp-server';

const renderer = createTemplateRenderer({ blocks: BLOCKS });
const IDENTITY = { from: '"فروشگاه نمونه" <shop@shop.example>', replyTo: 'support@shop.example' };

async function faMessage(overrides: Partial<EmailMessage> = {}): Promise<EmailMessage> {
  const e = await renderer.renderEmail(WISHLIST, context('fa'));
  return {
    idempotencyKey: 'eff_wishlist_1',
    identity: IDENTITY,
    to: 'sara@customer.example',
    subject: e.subject,
    html: e.html,
    text: e.text,
    category: 'marketing',
    unsubscribe: { url: 'https://cx.example/u/tok123', mailto: 'unsubscribe@shop.example' },
    language: e.locale.locale,
    ...overrides,
  };
}

describe('email over SMTP', () => {
  let smtp: TestSmtp;
  let mail: EmailSender;
  before(async () => {
    smtp = await startSmtp();
    mail = createEmailSender({ smtp: { host: '127.0.0.1', port: smtp.port, ignoreTLS: true } });
  });
  after(async () => {
    mail.close();
    await smtp.close();
  });

  test('a fa marketing email arrives with both parts, RTL markup, List-Unsubscribe one-click and the workspace identity', async () => {
    const r = await mail.send(await faMessage());
    assert.equal(r.ok, true);
    const { parsed } = smtp.received.at(-1)!;
    assert.equal(parsed.subject, 'سارا عزیز، پیشنهاد ویژه برای کفش کوهنوردی');
    assert.equal(parsed.from?.value[0]?.address, 'shop@shop.example');
    assert.equal(parsed.from?.value[0]?.name, 'فروشگاه نمونه');
    assert.equal(parsed.replyTo?.value[0]?.address, 'support@shop.example');
    assert.equal((parsed.to as { value: { address?: string }[] }).value[0]?.address, 'sara@customer.example');
    assert.equal(parsed.messageId, messageIdFor('eff_wishlist_1', 'shop.example'));
    assert.ok(r.ok && r.providerMessageId === parsed.messageId);
    const raw = smtp.received.at(-1)!.raw.replace(/\r\n[ \t]+/g, ' ');
    assert.match(
      raw,
      /^List-Unsubscribe: <mailto:unsubscribe@shop\.example>, <https:\/\/cx\.example\/u\/tok123>$/m,
    );
    assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    assert.match(raw, /^Content-Language: fa$/m);
    assert.ok(parsed.html && parsed.html.includes('<html dir="rtl" lang="fa">'));
    assert.ok(parsed.html && parsed.html.includes('text-align:right'));
    assert.ok(parsed.html && parsed.html.includes(FA_SENTENCE));
    assert.ok(parsed.text?.includes(FA_SENTENCE));
    assert.ok(parsed.text?.includes('لغو اشتراک: https://cx.example/u/tok123'));
    assert.equal(parsed.headers.get('dkim-signature'), undefined);
  });

  test('a resend of the same effect carries the same Message-ID, so the server can recognise it', async () => {
    const msg = await faMessage({ idempotencyKey: 'eff_crash_7' });
    await mail.send(msg);
    await mail.send(msg);
    const ids = smtp.received.slice(-2).map((m) => m.parsed.messageId);
    assert.equal(ids[0], ids[1]);
    const other = await mail.send(await faMessage({ idempotencyKey: 'eff_crash_8' }));
    assert.ok(other.ok && other.providerMessageId !== ids[0]);
  });

  test('DKIM-Signature is added when the workspace has a key, and the key never leaks into results', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await mail.send(
      await faMessage({
        identity: {
          ...IDENTITY,
          dkim: { domainName: 'shop.example', keySelector: 'cx2025', privateKey: pem },
        },
      }),
    );
    assert.equal(r.ok, true);
    const raw = smtp.received.at(-1)!.raw.replace(/\r\n[ \t]+/g, ' ');
    const sig = /^DKIM-Signature: (.*)$/m.exec(raw)?.[1] ?? '';
    assert.match(sig, /d=shop\.example/);
    assert.match(sig, /s=cx2025/);
    assert.match(sig, /; b=[A-Za-z0-9+/= ]{100,}/);
    // RFC 8058 §4: the one-click headers must be covered by the signature.
    assert.match(sig, /h=[^;]*list-unsubscribe:list-unsubscribe-post/);
    assert.doesNotMatch(JSON.stringify(r), /PRIVATE KEY/);
  });

  test('transactional mail without an unsubscribe link has no List-Unsubscribe; marketing mail without one is refused', async () => {
    const r = await mail.send(
      await faMessage({ category: 'transactional', unsubscribe: undefined, idempotencyKey: 'tx1' }),
    );
    assert.equal(r.ok, true);
    assert.equal(smtp.received.at(-1)!.parsed.headers.get('list-unsubscribe'), undefined);
    const before = smtp.received.length;
    const m = await mail.send(await faMessage({ unsubscribe: undefined }));
    assert.ok(!m.ok && !m.retryable && m.code === 'missing_unsubscribe');
    assert.equal(smtp.received.length, before);
  });

  test('an http (not https) unsubscribe URL is listed but not offered as one-click', async () => {
    await mail.send(await faMessage({ unsubscribe: { url: 'http://cx.example/u/1' }, idempotencyKey: 'h1' }));
    const raw = smtp.received.at(-1)!.raw;
    assert.match(raw, /List-Unsubscribe: <http:\/\/cx\.example\/u\/1>/);
    assert.doesNotMatch(raw, /List-Unsubscribe-Post/);
  });

  test('550 is a permanent rejection, 451 is retryable', async () => {
    const rejected = await mail.send(await faMessage({ to: 'reject@customer.example' }));
    assert.ok(!rejected.ok && !rejected.retryable && rejected.code === 'rejected');
    assert.match(rejected.message, /550.*Mailbox does not exist/);
    const busy = await mail.send(await faMessage({ to: 'busy@customer.example' }));
    assert.ok(!busy.ok && busy.retryable && busy.code === 'smtp_temporary');
    assert.match(busy.message, /451/);
  });

  test('bad addresses and extra headers that would replace ours are refused or dropped', async () => {
    const bad = await mail.send(await faMessage({ to: 'not-an-address' }));
    assert.ok(!bad.ok && bad.code === 'invalid_address');
    const badFrom = await mail.send(await faMessage({ identity: { from: 'nobody' } }));
    assert.ok(!badFrom.ok && badFrom.code === 'invalid_sender');
    const r = await mail.send(
      await faMessage({
        idempotencyKey: 'hdr',
        headers: { 'X-Campaign': 'spring', 'Message-ID': '<evil@x>', 'X-Bad': 'a\r\nBcc: x@y.z' },
      }),
    );
    assert.equal(r.ok, true);
    const { parsed } = smtp.received.at(-1)!;
    assert.equal(parsed.headers.get('x-campaign'), 'spring');
    assert.equal(parsed.messageId, messageIdFor('hdr', 'shop.example'));
    assert.equal(parsed.headers.get('x-bad'), undefined);
  });
});

describe('email connection failures', () => {
  test('a server that is not there is retryable', async () => {
    const gone = await startSmtp();
    await gone.close();
    const mail = createEmailSender({
      smtp: { host: '127.0.0.1', port: gone.port, ignoreTLS: true, connectionTimeoutMs: 2000 },
    });
    const r = await mail.send(await faMessage());
    assert.ok(!r.ok && r.retryable && r.code === 'connection_error', JSON.stringify(r));
    assert.equal((await mail.verify()).ok, false);
    mail.close();
  });

  test('wrong credentials are permanent and the password never appears', async () => {
    const smtp = await startSmtp({ auth: { user: 'cx', pass: 'right-pass' } });
    const wrong = createEmailSender({
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        ignoreTLS: true,
        auth: { user: 'cx', pass: 's3cret-wrong-pass' },
      },
    });
    const r = await wrong.send(await faMessage());
    assert.ok(!r.ok && !r.retryable && r.code === 'auth_failed', JSON.stringify(r));
    assert.doesNotMatch(JSON.stringify(r), /s3cret-wrong-pass/);
    wrong.close();
    const right = createEmailSender({
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        ignoreTLS: true,
        auth: { user: 'cx', pass: 'right-pass' },
        pool: true,
      },
    });
    assert.equal((await right.verify()).ok, true);
    assert.equal((await right.send(await faMessage())).ok, true);
    right.close();
    await smtp.close();
  });
});
