// kill -9 during an email burst (issue 5 acceptance): every `message.email` effect is sent exactly once in the
// outbox, the SMTP server received a message for every effect (nothing lost), and a physical duplicate at the
// SMTP server — possible only for a send whose SMTP transaction completed just before the kill but whose
// outcome was never recorded — carries the same Message-ID (derived from the effect's key), so receivers
// drop it. A real `omnicx start` child process sends to a real SMTP server (smtp-server) in this process.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { messageIdFor } from '@omnicx/channels';
import { processDialects } from '@omnicx/store/testing';
import { adminGet, eventually, startServer, type RunningServer } from '../support/server';

const USERS = 300;
/** The dispatcher's sends in flight at once (OutboxDispatcher's default `concurrency`). */
const IN_FLIGHT = 8;
/** Kill the first server once this many messages were accepted by the SMTP server. */
const KILL_AT = 40;

interface Effect {
  id: string;
  key: string;
  kind: string;
  status: string;
  attempts: number;
  profileId: string | null;
}

/**
 * An SMTP server that records, per accepted message, its Message-ID and recipient. A message counts as
 * received when the server commits it (just before answering 250), as a real MTA does: if the client dies
 * after the commit but before it reads the 250, the message was delivered although the sender never learned.
 * While `slow`, each commit is delayed 20–50 ms so that sends are in flight when the child is killed.
 */
async function startCountingSmtp(onCommit: (count: number) => void) {
  const received: { messageId: string; to: string }[] = [];
  let slow = true;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '(none)';
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        const commit = () => {
          received.push({ messageId, to });
          onCommit(received.length);
          callback();
        };
        if (slow) setTimeout(commit, 20 + Math.floor(Math.random() * 31));
        else commit();
      });
    },
  });
  // The killed child's connections end with ECONNRESET; smtp-server reports that as an 'error' event, which
  // without a listener would crash the test process. A real MTA shrugs it off too.
  server.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') throw e;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    fast() {
      slow = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const dialect of processDialects()) {
  test(
    `kill -9 during an email burst sends nothing twice and loses nothing (${dialect.name})`,
    { timeout: 180_000 },
    async (t) => {
      let reachedKillPoint: () => void = () => {};
      const killPoint = new Promise<void>((resolve) => (reachedKillPoint = resolve));
      const smtp = await startCountingSmtp((n) => {
        if (n >= KILL_AT) reachedKillPoint();
      });
      const db = await dialect.open();
      await db.store.close();
      const keys = {
        writeKey: `wk_test_${randomBytes(12).toString('hex')}`,
        secretKey: `sk_test_${randomBytes(12).toString('hex')}`,
      };
      let server: RunningServer | undefined;
      const call = async (s: RunningServer, method: string, path: string, body?: unknown) => {
        const r = await fetch(s.url + path, {
          method,
          headers: {
            authorization: `Bearer ${s.secretKey}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        return { status: r.status, body: (await r.json()) as Record<string, unknown> };
      };
      const ok = async (s: RunningServer, method: string, path: string, body?: unknown, status = 200) => {
        const r = await call(s, method, path, body);
        assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
        return r.body;
      };
      try {
        server = await startServer({ ...db.config, ...keys });
        await ok(server, 'PUT', '/api/v1/channels/email', {
          smtp: { host: '127.0.0.1', port: smtp.port, ignoreTLS: true },
          from: 'Shop <shop@example.com>',
        });
        const template = await ok(
          server,
          'POST',
          '/api/v1/templates',
          {
            name: 'Burst offer',
            category: 'marketing',
            defaultLocale: 'en',
            variants: {
              en: {
                email: {
                  subject: '{{ profile.traits.first_name }}, a burst offer',
                  html: '<p>Hello {{ profile.traits.first_name }}!</p><p>Our offer for you.</p>',
                },
              },
            },
          },
          201,
        );
        const created = await ok(
          server,
          'POST',
          '/api/v1/processes',
          {
            name: 'Email burst',
            definition: {
              nodes: [
                { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Burst Test' } },
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
          },
          201,
        );
        const pid = created.id as string;
        await ok(server, 'POST', `/api/v1/processes/${pid}/publish`);

        // Every user is identified with an email, then enters the process; sends start while we ingest.
        for (let u = 0; u < USERS; u += 50) {
          const batch = Array.from({ length: 50 }, (_, i) => [
            {
              type: 'identify',
              userId: `burst-${u + i}`,
              traits: { email: `burst-${u + i}@customer.example`, first_name: `User ${u + i}` },
              messageId: `burst-id-${u + i}`,
            },
            { type: 'track', userId: `burst-${u + i}`, event: 'Burst Test', messageId: `burst-${u + i}` },
          ]).flat();
          const r = await fetch(`${server.url}/v1/batch`, {
            method: 'POST',
            headers: { authorization: `Bearer ${keys.writeKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ batch }),
          });
          assert.equal(r.status, 200, await r.text());
        }

        // Kill once some messages arrived and others are still pending or in flight.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          killPoint,
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`only ${smtp.received.length} messages arrived:\n${server?.output()}`)),
              60_000,
            );
          }),
        ]).finally(() => clearTimeout(timer));
        await server.kill9();
        const receivedAtKill = smtp.received.length;
        // Commits already underway in the SMTP server (their DATA was complete) land within the slow delay.
        await new Promise((r) => setTimeout(r, 100));
        const receivedBeforeRestart = smtp.received.length;
        t.diagnostic(
          `killed after ${receivedAtKill} messages at the SMTP server (${receivedBeforeRestart} once in-flight commits landed)`,
        );
        assert.ok(receivedBeforeRestart < USERS, 'the kill came too late to test anything');
        smtp.fast();

        // Restart: effects claimed by the dead process come back when their lease (60 s) runs out.
        server = await startServer({ ...db.config, ...keys });
        const live = server;
        const counts = await eventually(async () => {
          const r = await adminGet<{ counts: Record<string, number> }>(live, '/api/v1/outbox?limit=1');
          const c = r.body.counts;
          const total = Object.values(c).reduce((a, b) => a + b, 0);
          return total === USERS && !c.pending && !c.failed ? c : undefined;
        }, 150_000);
        assert.deepEqual(counts, { sent: USERS }, 'every effect settled as sent');
        const stats = await eventually(async () => {
          const s = await call(live, 'GET', `/api/v1/processes/${pid}/stats`);
          const inst = s.body.instances as { total: number; running: number };
          return inst.total === USERS && inst.running === 0 ? s.body : undefined;
        }, 30_000);
        assert.deepEqual(stats.instances, { total: USERS, running: 0 });

        const effects: Effect[] = [];
        let before: string | null = null;
        for (;;) {
          const path: string = `/api/v1/outbox?limit=500${before ? `&before=${before}` : ''}`;
          const page: { body: { effects: Effect[]; next: string | null } } = await adminGet(live, path);
          effects.push(...page.body.effects);
          if (!page.body.next) break;
          before = page.body.next;
        }
        // Exactly one effect per user, each recorded as sent once.
        assert.equal(effects.length, USERS);
        assert.deepEqual([...new Set(effects.map((e) => e.kind))], ['message.email']);
        assert.deepEqual([...new Set(effects.map((e) => e.status))], ['sent']);
        assert.equal(new Set(effects.map((e) => e.key)).size, USERS);
        assert.equal(new Set(effects.map((e) => e.profileId)).size, USERS, 'one effect per profile');
        // The attempts counter counts recorded outcomes (a send cut by the kill recorded nothing).
        const retried = effects.filter((e) => e.attempts !== 1).length;
        t.diagnostic(`effects that needed more than one recorded attempt: ${retried}`);

        // At the SMTP server: a message for every effect (no loss), nothing else, one per recipient.
        const expected = new Set(effects.map((e) => messageIdFor(e.key, 'example.com')));
        const perId = new Map<string, number>();
        for (const m of smtp.received) perId.set(m.messageId, (perId.get(m.messageId) ?? 0) + 1);
        assert.equal(perId.size, effects.length, 'distinct Message-IDs at the SMTP server = effects');
        assert.deepEqual(
          [...perId.keys()].sort(),
          [...expected].sort(),
          'every effect arrived, nothing else',
        );
        assert.equal(new Set(smtp.received.map((m) => m.to)).size, USERS, 'every profile got its message');
        const perRecipient = new Map<string, Set<string>>();
        for (const m of smtp.received)
          perRecipient.set(m.to, (perRecipient.get(m.to) ?? new Set()).add(m.messageId));
        assert.ok(
          [...perRecipient.values()].every((ids) => ids.size === 1),
          'a recipient never got two different messages',
        );
        // Physical duplicates: the same Message-ID accepted more than once (receivers drop them by id).
        const duplicates = [...perId.values()].filter((n) => n > 1).length;
        const extra = smtp.received.length - perId.size;
        t.diagnostic(
          `SMTP messages: ${smtp.received.length} for ${USERS} effects; physical duplicates (same Message-ID): ${duplicates} (${extra} extra copies)`,
        );
        assert.ok(
          extra <= IN_FLIGHT,
          `${extra} duplicate copies: more than the ${IN_FLIGHT} sends in flight at the kill`,
        );
      } finally {
        await server?.stop().catch(() => {});
        await db.cleanup();
        await smtp.close();
      }
    },
  );
}
