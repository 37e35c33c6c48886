// Email send benchmark: messages/s through @omnicx/channels' SMTP sender into a local SMTP server (the
// smtp-server package, in this process, counting messages), as a ratio against nodemailer sending the very
// same rendered messages directly with the same transport settings, measured in the same run.
//
// What the ratio shows: the cost our sender adds on top of nodemailer (validation, headers, deterministic
// Message-ID, result classification). Rendering is measured separately (renders/s) and is not part of
// either send figure: both sides send the same pre-rendered messages.
//
// Run: npx tsx bench/send/run.ts              (BENCH_SEND_N=2000 messages, BENCH_SEND_CONCURRENCY=20
//      in flight, BENCH_SEND_ROUNDS=5 alternating rounds; the median of each side is reported;
//      add --dkim to sign every message with a 2048-bit RSA key on both sides; --markdown for a table)
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import {
  createEmailSender,
  createTemplateRenderer,
  messageIdFor,
  createSmtpTransport,
  type EmailMessage,
  type MessageTemplate,
  type SmtpConfig,
} from '../../packages/channels/src/index';

const N = Number(process.env.BENCH_SEND_N ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_SEND_CONCURRENCY ?? 20);
const ROUNDS = Number(process.env.BENCH_SEND_ROUNDS ?? 5);
const DKIM = process.argv.includes('--dkim');
const MARKDOWN = process.argv.includes('--markdown');

/** A local SMTP server that accepts and counts every message without storing it. */
async function startSink(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        count++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    count: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const TEMPLATE: MessageTemplate = {
  id: 'bench-wishlist',
  defaultLocale: 'en',
  variants: {
    fa: {
      email: {
        subject: '{{ profile.traits.first_name }} عزیز، پیشنهاد ویژه برای {{ product.name }}',
        html: `<h1>سلام {{ profile.traits.first_name }}</h1>
<p>سرمایه گذاری برروی تجربه مشتری و بهبود و توسعه آن موجب افزایش سودآوری برندها و وفاداری به برند می شود.</p>
<p>{{ product.name }}: {% render 'price', product: product %}</p>
{% for item in product.related limit: 3 %}<p>{{ item }}</p>{% endfor %}
<p><a href="{{ product.url }}">مشاهده محصول</a></p>`,
      },
    },
    en: {
      email: {
        subject: 'A special offer on {{ product.name }}, {{ profile.traits.first_name }}',
        html: `<p>Hi {{ profile.traits.first_name }},</p>
<p>The {{ product.name }} on your wishlist is now {% render 'price', product: product %}.</p>
{% for item in product.related limit: 3 %}<p>{{ item }}</p>{% endfor %}
<p><a href="{{ product.url }}">See it</a></p>`,
      },
    },
  },
};

async function renderAll(): Promise<{ messages: EmailMessage[]; rendersPerSec: number }> {
  const renderer = createTemplateRenderer({
    blocks: { price: '{{ product.price | money: product.currency }}' },
  });
  const dkim = DKIM
    ? {
        domainName: 'shop.example',
        keySelector: 'bench',
        privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      }
    : undefined;
  const messages: EmailMessage[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const fa = i % 2 === 0;
    const e = await renderer.renderEmail(TEMPLATE, {
      profile: {
        id: `prf_${i}`,
        traits: { first_name: fa ? 'سارا' : 'Charlotte', locale: fa ? 'fa-IR' : 'en' },
      },
      product: {
        name: fa ? 'کفش کوهنوردی' : 'Hiking boots',
        price: 1_250_000 + i,
        currency: 'IRR',
        url: `https://shop.example/p/${i}`,
        related: ['socks', 'backpack', 'map', 'compass'],
      },
      unsubscribeUrl: `https://cx.example/u/tok${i}`,
    });
    messages.push({
      idempotencyKey: `eff_${i}`,
      identity: {
        from: '"Example Shop" <shop@shop.example>',
        replyTo: 'support@shop.example',
        ...(dkim ? { dkim } : {}),
      },
      to: `customer${i}@customer.example`,
      subject: e.subject,
      html: e.html,
      text: e.text,
      category: 'marketing',
      unsubscribe: { url: `https://cx.example/u/tok${i}`, mailto: 'unsubscribe@shop.example' },
      language: e.locale.locale,
    });
  }
  return { messages, rendersPerSec: N / ((performance.now() - t0) / 1000) };
}

/** Runs `send` over every message with at most CONCURRENCY in flight; returns messages/s. */
async function drive(messages: EmailMessage[], send: (m: EmailMessage) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < messages.length) await send(messages[next++]!);
    }),
  );
  return messages.length / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const sink = await startSink();
  const smtp: SmtpConfig = {
    host: '127.0.0.1',
    port: sink.port,
    ignoreTLS: true,
    pool: true,
    maxConnections: 5,
  };
  const { messages, rendersPerSec } = await renderAll();

  // The baseline: nodemailer directly, same pooled transport settings, the same fields and headers.
  const baseline = createSmtpTransport(smtp); // the same nodemailer module and options the sender uses
  const sendBaseline = async (m: EmailMessage) => {
    const url = m.unsubscribe?.url ?? '';
    await baseline.sendMail({
      from: m.identity.from,
      replyTo: m.identity.replyTo,
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      messageId: messageIdFor(m.idempotencyKey, 'shop.example'),
      headers: {
        'List-Unsubscribe': `<mailto:unsubscribe@shop.example>, <${url}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        Precedence: 'bulk',
        'Content-Language': m.language ?? 'en',
      },
      ...(m.identity.dkim ? { dkim: { ...m.identity.dkim } } : {}),
    });
  };
  const sender = createEmailSender({ smtp });
  let failures = 0;
  const sendOurs = async (m: EmailMessage) => {
    const r = await sender.send(m);
    if (!r.ok) failures++;
  };

  // Warm up both (connections, JIT), then alternate measured rounds so drift affects both sides alike.
  const warm = messages.slice(0, Math.min(200, N));
  await drive(warm, sendBaseline);
  await drive(warm, sendOurs);
  const base: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = sink.count();
    if (round % 2 === 0) {
      base.push(await drive(messages, sendBaseline));
      ours.push(await drive(messages, sendOurs));
    } else {
      ours.push(await drive(messages, sendOurs));
      base.push(await drive(messages, sendBaseline));
    }
    if (sink.count() - before !== 2 * N)
      throw new Error(`round ${round}: the server received ${sink.count() - before}, expected ${2 * N}`);
  }
  baseline.close();
  sender.close();
  await sink.close();
  if (failures) throw new Error(`${failures} sends failed`);

  const b = median(base);
  const o = median(ours);
  const ratio = o / b;
  const setting = `${N} messages, ${CONCURRENCY} in flight, pool of 5 connections${DKIM ? ', DKIM rsa-sha256 2048' : ''}`;
  if (MARKDOWN) {
    console.log(`| setting | nodemailer direct msg/s | omnicx sender msg/s | ratio | renders/s |`);
    console.log(`| --- | ---: | ---: | ---: | ---: |`);
    console.log(
      `| ${setting} | ${b.toFixed(0)} | ${o.toFixed(0)} | ${ratio.toFixed(3)} | ${rendersPerSec.toFixed(0)} |`,
    );
  } else {
    console.log(`bench:send (${setting}; median of ${ROUNDS} alternating rounds)`);
    console.log(
      `  nodemailer direct : ${b.toFixed(0)} msg/s  (rounds: ${base.map((x) => x.toFixed(0)).join(', ')})`,
    );
    console.log(
      `  omnicx sender     : ${o.toFixed(0)} msg/s  (rounds: ${ours.map((x) => x.toFixed(0)).join(', ')})`,
    );
    console.log(`  ratio omnicx / nodemailer: ${ratio.toFixed(3)}`);
    console.log(
      `  template rendering (fa/en email, layout, text part): ${rendersPerSec.toFixed(0)} renders/s`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
