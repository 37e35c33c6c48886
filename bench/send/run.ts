// Email send benchmark: messages/s through @omnicx/channels' SMTP sender into a local SMTP server (the
// smtp-server package, in this process, counting messages), as a ratio against nodemailer sending the very
// same rendered messages directly with the same transport settings, measured in the same run.
//
// What the ratio shows: the cost our sender adds on top of nodemailer (validation, headers, deterministic
// Message-ID, result classification). Rendering is measured separately (renders/s) and is not part of
// either send figure: both sides send the same pre-rendered messages.
//
// The outbox figure (issue 5): messages/s through the whole outbox path — an in-process engine on a
// temporary SQLite file, the email channel pointed at the same local SMTP server, a marketing template and a
// published process (event → send_message email → exit). N profiles are identified with an email and send
// the trigger event through the ingestion API (with the dispatcher stopped), so N `message.email` effects
// are due; then the dispatcher starts and the clock runs until the last effect is settled as `sent`. Each
// send claims its effect, loads template, profile, consent, policy and channel settings, renders (layout,
// text part, tracked links, open pixel, signed unsubscribe link), sends over SMTP, records the delivery,
// settles the effect and appends a `Message Sent` event (the pipeline runs, as in `omnicx start`). The
// ratio is against the nodemailer-direct median of the same run (pre-rendered messages, same pool).
//
// Run: npx tsx bench/send/run.ts              (BENCH_SEND_N=2000 messages, BENCH_SEND_CONCURRENCY=20
//      in flight, BENCH_SEND_ROUNDS=5 alternating rounds; the median of each side is reported;
//      BENCH_SEND_OUTBOX_N (default N) effects through the outbox, once;
//      add --dkim to sign every message with a 2048-bit RSA key on both sides; --markdown for a table)
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { openStore } from '@omnicx/store';
import { buildEngine } from '@omnicx/engine';
import { buildApp } from '@omnicx/server';

const N = Number(process.env.BENCH_SEND_N ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_SEND_CONCURRENCY ?? 20);
const ROUNDS = Number(process.env.BENCH_SEND_ROUNDS ?? 5);
const DKIM = process.argv.includes('--dkim');
const MARKDOWN = process.argv.includes('--markdown');
const OUTBOX_N = Number(process.env.BENCH_SEND_OUTBOX_N ?? N);

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

/**
 * OUTBOX_N emails through the engine's outbox into the SMTP server at `port`: returns messages/s from the
 * dispatcher's start (every effect due) to the last effect settled as `sent`, and the dispatcher's setting.
 */
async function outboxRun(
  port: number,
  received: () => number,
): Promise<{ perSec: number; ms: number; setupMs: number; concurrency: number }> {
  const WK = 'wk_bench_0123456789abcdef';
  const SK = 'sk_bench_0123456789abcdef';
  const dir = mkdtempSync(join(tmpdir(), 'omnicx-bench-send-'));
  const store = await openStore({ dataDir: dir, sqliteSynchronous: 'normal' });
  const concurrency = 8; // the dispatcher's default, as `omnicx start` runs it
  const engine = buildEngine({
    store,
    publicUrl: 'https://cx.example',
    pipeline: { batchSize: 1000 },
    outbox: { pollMs: 1000, concurrency },
  });
  try {
    const setup0 = performance.now();
    const ws = (await engine.workspaces.bootstrap({ writeKey: WK, secretKey: SK })).workspace.id;
    const must = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    must(
      await engine.messaging.putChannelSettings(ws, 'email', {
        smtp: { host: '127.0.0.1', port, ignoreTLS: true },
        from: '"Example Shop" <shop@shop.example>',
        replyTo: 'support@shop.example',
        unsubscribeMailto: 'unsubscribe@shop.example',
      }),
    );
    const template = must(
      await engine.messaging.putTemplate(ws, {
        name: 'Bench offer',
        category: 'marketing',
        defaultLocale: 'en',
        variants: {
          fa: {
            email: {
              subject: '{{ profile.traits.first_name }} عزیز، پیشنهاد ویژه برای کفش کوهنوردی',
              html: `<h1>سلام {{ profile.traits.first_name }}</h1>
<p>سرمایه گذاری برروی تجربه مشتری و بهبود و توسعه آن موجب افزایش سودآوری برندها و وفاداری به برند می شود.</p>
<p><a href="https://shop.example/p/boots">مشاهده محصول</a></p>`,
            },
          },
          en: {
            email: {
              subject: 'A special offer on hiking boots, {{ profile.traits.first_name }}',
              html: `<p>Hi {{ profile.traits.first_name }},</p>
<p>The hiking boots on your wishlist are now on sale.</p>
<p><a href="https://shop.example/p/boots">See it</a></p>`,
            },
          },
        },
      }),
    );
    const proc = must(
      await engine.automation.create(ws, {
        name: 'Bench send',
        definition: {
          nodes: [
            { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Bench Send' } },
            {
              id: 'send',
              type: 'action',
              action: { kind: 'send_message', channel: 'email', template: template.id },
            },
            { id: 'end', type: 'exit' },
          ],
          edges: [
            { from: 't', to: 'send' },
            { from: 'send', to: 'end' },
          ],
        },
      }),
    );
    must(await engine.automation.publish(ws, proc.id));
    engine.pipeline.start();
    const app = await buildApp({ engine, logger: false, webDist: false });
    for (let u = 0; u < OUTBOX_N; u += 100) {
      const batch = [];
      for (let i = u; i < Math.min(OUTBOX_N, u + 100); i++) {
        const fa = i % 2 === 0;
        batch.push(
          {
            type: 'identify',
            userId: `bench-${i}`,
            traits: {
              email: `customer${i}@customer.example`,
              first_name: fa ? 'سارا' : 'Charlotte',
              locale: fa ? 'fa' : 'en',
            },
          },
          { type: 'track', userId: `bench-${i}`, event: 'Bench Send' },
        );
      }
      const r = await app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { authorization: `Bearer ${WK}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ batch }),
      });
      if (r.statusCode !== 200) throw new Error(r.body);
    }
    await engine.pipeline.drain();
    const pending = (await store.outbox.countByStatus(ws)).pending ?? 0;
    if (pending !== OUTBOX_N) throw new Error(`${pending} effects pending, expected ${OUTBOX_N}`);
    const setupMs = performance.now() - setup0;

    const before = received();
    const t0 = Date.now();
    const p0 = performance.now();
    engine.outbox.start();
    for (;;) {
      const c = await store.outbox.countByStatus(ws);
      const settled = (c.sent ?? 0) + (c.dead ?? 0) + (c.suppressed ?? 0);
      if (settled >= OUTBOX_N) {
        if ((c.sent ?? 0) !== OUTBOX_N) throw new Error(`outbox ended with ${JSON.stringify(c)}`);
        break;
      }
      if (performance.now() - p0 > 600_000) throw new Error(`outbox not drained: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // The end is the last effect's settle time as recorded (epoch ms), not when this loop noticed it.
    const sent = await store.outbox.list(ws, { status: 'sent', limit: OUTBOX_N });
    const last = Math.max(...sent.map((e) => e.updatedAt));
    const ms = Math.max(1, last - t0);
    if (received() - before !== OUTBOX_N)
      throw new Error(`the SMTP server received ${received() - before}, expected ${OUTBOX_N}`);
    await app.close();
    return { perSec: OUTBOX_N / (ms / 1000), ms, setupMs, concurrency };
  } finally {
    await engine.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
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
  if (failures) throw new Error(`${failures} sends failed`);
  const outbox = await outboxRun(sink.port, sink.count);
  await sink.close();

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
    console.log('');
    console.log(`| outbox path | nodemailer direct msg/s (median above) | outbox msg/s | ratio |`);
    console.log(`| --- | ---: | ---: | ---: |`);
    console.log(
      `| ${OUTBOX_N} effects, SQLite, dispatcher concurrency ${outbox.concurrency}, pool of 5 | ${b.toFixed(0)} | ${outbox.perSec.toFixed(0)} | ${(outbox.perSec / b).toFixed(3)} |`,
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
    console.log(
      `  outbox path (${OUTBOX_N} effects due, SQLite, dispatcher concurrency ${outbox.concurrency}, pool of 5): ` +
        `${outbox.perSec.toFixed(0)} msg/s (${(outbox.ms / 1000).toFixed(2)} s from dispatcher start to the last ` +
        `effect sent; setup ${(outbox.setupMs / 1000).toFixed(1)} s)`,
    );
    console.log(`  ratio outbox / nodemailer direct: ${(outbox.perSec / b).toFixed(3)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
