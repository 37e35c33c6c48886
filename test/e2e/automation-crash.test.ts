// kill -9 while process instances are mid-flight (some waiting, some with effects being sent): after a
// restart every instance continues, no effect is lost, and none is recorded twice. Webhooks are the
// effects, delivered to a receiver in this test that records every request with its idempotency key.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { processDialects } from '@omnicx/store/testing';
import { adminGet, eventually, startServer, type RunningServer } from '../support/server';

const USERS = 300;

interface Effect {
  key: string;
  kind: string;
  status: string;
  instanceId: string;
  node: string;
}

for (const dialect of processDialects()) {
  test(
    `kill -9 with instances mid-flight loses and repeats no effect (${dialect.name})`,
    { timeout: 180_000 },
    async (t) => {
      const deliveries = new Map<string, number>();
      let slow = true;
      const receiver = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const key = String(req.headers['idempotency-key']);
          deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
          // Slow answers while the first server runs, so sends are in flight when it is killed.
          setTimeout(() => res.writeHead(200).end('ok'), slow ? 20 : 0);
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
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
      try {
        server = await startServer({ ...db.config, ...keys });
        const created = await call(server, 'POST', '/api/v1/processes', {
          name: 'Crash test',
          definition: {
            nodes: [
              { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Crash Test' } },
              { id: 'first', type: 'action', action: { kind: 'webhook', url: hook, body: { step: 1 } } },
              { id: 'w', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'minutes' } },
              { id: 'second', type: 'action', action: { kind: 'webhook', url: hook, body: { step: 2 } } },
            ],
            edges: [
              { from: 't', to: 'first' },
              { from: 'first', to: 'w' },
              { from: 'w', to: 'second' },
            ],
          },
        });
        assert.equal(created.status, 201);
        const pid = created.body.id as string;
        assert.equal((await call(server, 'POST', `/api/v1/processes/${pid}/publish`)).status, 200);
        // Every user enters the process; the first webhooks start going out while we send.
        for (let u = 0; u < USERS; u += 50) {
          const batch = Array.from({ length: 50 }, (_, i) => ({
            type: 'track',
            userId: `crash-${u + i}`,
            event: 'Crash Test',
            messageId: `crash-${u + i}`,
          }));
          const r = await fetch(`${server.url}/v1/batch`, {
            method: 'POST',
            headers: { authorization: `Bearer ${keys.writeKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ batch }),
          });
          assert.equal(r.status, 200);
        }
        // Kill once some first-step webhooks were delivered and others are still pending or in flight.
        await eventually(async () => deliveries.size >= 20, 30_000);
        await server.kill9();
        const deliveredBefore = deliveries.size;
        t.diagnostic(`killed after ${deliveredBefore} deliveries`);
        assert.ok(deliveredBefore < USERS, 'the kill came too late to test anything');
        slow = false;

        // Restart. The minute-long waits fire on the restarted server's scheduler.
        server = await startServer({ ...db.config, ...keys });
        const live = server;
        await eventually(async () => deliveries.size >= 2 * USERS, 150_000);
        const stats = await eventually(async () => {
          const s = await call(live, 'GET', `/api/v1/processes/${pid}/stats`);
          const inst = s.body.instances as { total: number; running: number };
          return inst.total === USERS && inst.running === 0 ? s.body : undefined;
        }, 30_000);
        assert.deepEqual(stats.instances, { total: USERS, running: 0 });
        // Exactly one effect per instance and step, every one sent.
        const effects: Effect[] = [];
        let before: string | null = null;
        for (;;) {
          const path: string = `/api/v1/outbox?limit=500${before ? `&before=${before}` : ''}`;
          const page: { body: { effects: Effect[]; next: string | null } } = await adminGet(live, path);
          effects.push(...page.body.effects);
          if (!page.body.next) break;
          before = page.body.next;
        }
        assert.equal(effects.length, 2 * USERS);
        assert.equal(new Set(effects.map((e) => e.key)).size, 2 * USERS);
        assert.deepEqual([...new Set(effects.map((e) => e.status))], ['sent']);
        const perInstance = new Map<string, string[]>();
        for (const e of effects)
          perInstance.set(e.instanceId, [...(perInstance.get(e.instanceId) ?? []), e.node].sort());
        assert.equal(perInstance.size, USERS);
        for (const nodes of perInstance.values()) assert.deepEqual(nodes, ['first', 'second']);
        // Every effect reached the receiver; a send cut by the kill may arrive twice, always with the same
        // idempotency key (the receiver drops it), never as a second effect.
        assert.deepEqual([...deliveries.keys()].sort(), effects.map((e) => e.key).sort());
        const repeats = [...deliveries.values()].filter((n) => n > 1).length;
        t.diagnostic(`deliveries repeated after the crash (same key): ${repeats}`);
        assert.ok(
          repeats <= 100,
          `${repeats} repeated deliveries: more than the sends in flight at the kill`,
        );
      } finally {
        await server?.stop().catch(() => {});
        await db.cleanup();
        await new Promise((r) => receiver.close(r));
      }
    },
  );
}
