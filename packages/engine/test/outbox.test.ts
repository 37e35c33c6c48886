import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDialects } from '@omnicx/store/testing';
import type { OutboxRecord } from '@omnicx/store';
import { buildEngine } from '../src/index';
import { manualClock } from './helpers';

const effects = (n: number, now: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `fx_${String(i).padStart(4, '0')}`,
    key: `k${i}`,
    kind: 'test.slow',
    profileId: null,
    processId: null,
    instanceId: null,
    node: null,
    payload: { i },
    status: 'pending' as const,
    nextAttemptAt: now,
    createdAt: now,
  }));

// The dispatcher keeps `concurrency` sends in flight (a pool, not groups that wait for their slowest), drains
// everything due when called by hand, and never sends an effect whose lease is running out (another
// dispatcher may claim it then: sending it here too would send it twice).
for (const dialect of testDialects().filter((d) => d.name === 'sqlite'))
  describe(`outbox dispatcher on ${dialect.name}`, () => {
    test('a pool of sends; runDue drains more than one batch', async () => {
      const { store, cleanup } = await dialect.open();
      try {
        const clock = manualClock();
        let inFlight = 0;
        let most = 0;
        const sent: string[] = [];
        const engine = buildEngine({
          store,
          clock,
          outbox: { concurrency: 4, pollMs: 60_000 },
          senders: {
            'test.slow': {
              async send(e: OutboxRecord) {
                inFlight++;
                most = Math.max(most, inFlight);
                // Every fourth send is slow: with groups of 4 the others would wait for it.
                await new Promise((r) => setTimeout(r, Number(e.payload.i) % 4 === 0 ? 30 : 1));
                inFlight--;
                sent.push(e.key);
                return { ok: true };
              },
            },
          },
        });
        const ws = (await engine.workspaces.bootstrap({})).workspace.id;
        await store.outbox.add(ws, effects(250, clock.now()));
        const n = await engine.outbox.runDue();
        assert.equal(n, 250, 'all 250 in one call (the claim batch is 100)');
        assert.equal(new Set(sent).size, 250);
        assert.equal(most, 4, 'never more than the concurrency in flight');
        assert.deepEqual(await store.outbox.countByStatus(ws), { sent: 250 });
      } finally {
        await cleanup();
      }
    });

    test('effects whose lease is about to end are left for the next claim, not sent', async () => {
      const { store, cleanup } = await dialect.open();
      try {
        const clock = manualClock();
        const sent: string[] = [];
        const engine = buildEngine({
          store,
          clock,
          outbox: { concurrency: 1, pollMs: 60_000, leaseMs: 60_000 },
          senders: {
            'test.slow': {
              async send(e: OutboxRecord) {
                sent.push(e.key);
                // Each send takes 20 s of the lease.
                clock.advance(20_000);
                return { ok: true };
              },
            },
          },
        });
        const ws = (await engine.workspaces.bootstrap({})).workspace.id;
        await store.outbox.add(ws, effects(5, clock.now()));
        // Lease 60 s with a 10 s margin: sends start at 0, 20 and 40 s; the 4th would start at 60 s.
        const claimedAt = clock.now();
        await engine.outbox.runDue();
        assert.deepEqual(sent, ['k0', 'k1', 'k2'], 'the 4th would start as the lease ends');
        const held = (await store.outbox.list(ws, { limit: 10 })).filter((r) => r.status === 'pending');
        assert.deepEqual(held.map((r) => [r.key, r.attempts]).sort(), [
          ['k3', 0],
          ['k4', 0],
        ]);
        clock.advance(1);
        await engine.outbox.runDue();
        const rows = await store.outbox.list(ws, { limit: 10 });
        const byKey = new Map(rows.map((r) => [r.key, r]));
        // The two left over were claimed again only after their lease ended, then sent once each.
        assert.equal(sent.length, 5);
        assert.equal(new Set(sent).size, 5, 'nothing sent twice');
        for (const k of ['k3', 'k4']) {
          assert.equal(byKey.get(k)!.status, 'sent');
          assert.equal(byKey.get(k)!.attempts, 1);
        }
        assert.ok(clock.now() - claimedAt >= 60_000);
      } finally {
        await cleanup();
      }
    });
  });
