import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openStore, type Store } from '@omnicx/store';
import { createPgDatabase } from '@omnicx/store/testing';
import { buildEngine, type Engine } from '../src/index';
import { manualClock, msg } from './helpers';

const HOUR = 3_600_000;
const N = 150;
const url = process.env.OMNICX_TEST_PG_URL;

// Issue 4 gap: two engine processes (scaled roles) on one PostgreSQL database. One fires the timeout timers
// of waiting instances while the other processes the events those same instances wait for. Each instance must
// take exactly one path: without row locks both transactions read the same waiting state, and an instance is
// advanced twice (both branches counted, history and effects from both).
// PGlite has one connection (its transactions cannot interleave), so only a real server can show the race.
describe(
  'two engines racing on the same instances (PostgreSQL)',
  {
    skip: url
      ? false
      : 'needs a real PostgreSQL server: run with OMNICX_TEST_PG_URL set (node scripts/test.mjs --pg)',
  },
  () => {
    test(
      'a timer in one process and an event in the other advance each instance once',
      { timeout: 300_000 },
      async () => {
        const db = await createPgDatabase(url!);
        const stores: Store[] = [];
        const engines: Engine[] = [];
        try {
          const clock = manualClock();
          const open = async () => {
            const store = await openStore({ databaseUrl: db.url, poolSize: 4 });
            stores.push(store);
            const engine = buildEngine({ store, clock, pipeline: { pollMs: 60_000, batchSize: 20 } });
            engines.push(engine);
            return engine;
          };
          const a = await open();
          const boot = await a.workspaces.bootstrap({
            writeKey: 'wk_test_0123456789abcdef',
            secretKey: 'sk_test_0123456789abcdef',
          });
          const ws = boot.workspace.id;
          const b = await open();
          const p = await a.automation.create(ws, {
            name: 'Abandoned cart',
            definition: {
              nodes: [
                { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Cart Abandoned' } },
                {
                  id: 'w',
                  type: 'wait',
                  wait: { kind: 'event', event: 'Order Completed', timeout: { amount: 1, unit: 'hours' } },
                },
                { id: 'remind', type: 'action', action: { kind: 'emit_event', event: 'Reminder Sent' } },
                { id: 'thank', type: 'action', action: { kind: 'emit_event', event: 'Thanked' } },
                { id: 'x', type: 'exit' },
              ],
              edges: [
                { from: 't', to: 'w' },
                { from: 'w', port: 'timeout', to: 'remind' },
                { from: 'w', port: 'matched', to: 'thank' },
                { from: 'remind', to: 'x' },
                { from: 'thank', to: 'x' },
              ],
            },
          });
          assert.ok(p.ok);
          assert.ok((await a.automation.publish(ws, p.value.id)).ok);
          const users = Array.from({ length: N }, (_, i) => `u${String(i).padStart(3, '0')}`);
          await a.ingest.append(
            ws,
            users.map((u) => msg('track', { userId: u, event: 'Cart Abandoned' }, clock.now())),
          );
          await a.pipeline.drain();
          assert.equal(await a.store.jobs.count(ws, 'automation.timer'), N);

          // The timeout is due now: A fires the timers (in batches of 1000) while B feeds the orders.
          clock.advance(HOUR);
          const orders = async () => {
            for (let i = 0; i < N; i += 10) {
              await b.ingest.append(
                ws,
                users
                  .slice(i, i + 10)
                  .map((u) => msg('track', { userId: u, event: 'Order Completed' }, clock.now())),
              );
              await b.pipeline.drain();
            }
          };
          await Promise.all([a.scheduler.runDue(), orders()]);
          await a.scheduler.runDue();
          await b.pipeline.drain();
          await a.pipeline.drain();

          const counts = await a.store.processes.counts(ws, p.value.id);
          const entered = (node: string) =>
            counts.filter((c) => c.node === node && c.counter === 'entered').reduce((s, c) => s + c.value, 0);
          const remind = entered('remind');
          const thank = entered('thank');
          assert.equal(remind + thank, N, `every instance took one path (remind ${remind}, thank ${thank})`);
          const instances = await a.store.processes.instances(ws, { processId: p.value.id, limit: N + 10 });
          assert.equal(instances.length, N);
          for (const inst of instances) {
            assert.equal(inst.running, false, `${inst.id} ended`);
            const actions = (await a.store.processes.history(ws, inst.id)).filter(
              (h) => h.node === 'remind' || h.node === 'thank',
            );
            assert.equal(new Set(actions.map((h) => h.node)).size, 1, `${inst.id} took one branch`);
          }
          const effects = await a.store.outbox.list(ws, { limit: 2 * N + 10 });
          assert.equal(effects.filter((e) => e.kind === 'emit_event').length, N);
        } finally {
          for (const e of engines) await e.stop();
          for (const s of stores) await s.close();
          await db.drop();
        }
      },
    );
  },
);
