import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildEngine } from '../src/index';
import { testDialects } from '@omnicx/store/testing';
import { engineWithWorkspace, msg } from './helpers';

const HOUR = 3_600_000;
const N = Number(process.env.OMNICX_TIMER_TEST_N ?? 100_000);
const BATCH = 2000;

// Acceptance (issue 4): 100,000 instances waiting fire at the right moment — on the first scheduler run at
// or after their time, never before — in time order, with the scheduler restarted in between.
for (const dialect of testDialects().filter((d) => d.name === 'sqlite'))
  describe(`${N} waiting instances on ${dialect.name}`, () => {
    test('fire on time, in order, across a scheduler restart', { timeout: 600_000 }, async () => {
      const { store, cleanup } = await dialect.open();
      try {
        const { engine, ws, clock } = await engineWithWorkspace(store, { batchSize: 5000, inline: true });
        const p = await engine.automation.create(ws, {
          name: 'Timers',
          definition: {
            nodes: [
              { id: 't', type: 'trigger', trigger: { kind: 'event', event: 'Timer Test' } },
              { id: 'w', type: 'wait', wait: { kind: 'duration', amount: 1, unit: 'hours' } },
              { id: 'a', type: 'action', action: { kind: 'emit_event', event: 'Timer Fired' } },
            ],
            edges: [
              { from: 't', to: 'w' },
              { from: 'w', to: 'a' },
            ],
          },
        });
        assert.ok(p.ok);
        assert.ok((await engine.automation.publish(ws, p.value.id)).ok);
        const start = clock.now();
        engine.pipeline.start();
        // One batch per second of clock time: batch k's timers are due at start + 1 h + k s.
        for (let k = 0; k * BATCH < N; k++) {
          const n = Math.min(BATCH, N - k * BATCH);
          await engine.ingest.append(
            ws,
            Array.from({ length: n }, (_, i) =>
              msg('track', { userId: `u${k}-${i}`, event: 'Timer Test' }, clock.now()),
            ),
          );
          clock.advance(1000);
        }
        await engine.pipeline.drain();
        assert.equal(await store.jobs.count(ws, 'automation.timer'), N);
        const batches = Math.ceil(N / BATCH);
        const half = Math.floor(batches / 2);

        // Just before the first timer: nothing fires.
        clock.advance(start + HOUR - 1 - clock.now());
        assert.equal(await engine.scheduler.runDue(), 0);
        // At the time of batch `half`: exactly batches 0..half fire.
        clock.advance(start + HOUR + half * 1000 - clock.now());
        const t0 = performance.now();
        const fired = await engine.scheduler.runDue();
        const firstMs = performance.now() - t0;
        const expected = Math.min(N, (half + 1) * BATCH);
        assert.equal(fired, expected);
        assert.equal(await store.jobs.count(ws, 'automation.timer'), N - expected);

        // "Restart": a new engine (new scheduler) over the same database.
        await engine.stop();
        const restarted = buildEngine({
          store,
          clock,
          pipeline: { batchSize: 5000, pollMs: 60_000, inline: true },
        });
        clock.advance(start + HOUR + batches * 1000 - clock.now());
        const t1 = performance.now();
        assert.equal(await restarted.scheduler.runDue(), N - expected);
        const secondMs = performance.now() - t1;
        assert.equal(await store.jobs.count(ws, 'automation.timer'), 0);
        await restarted.pipeline.drain();

        // Every instance completed once, and the effects were written in timer order.
        const stats = await restarted.automation.stats(ws, p.value.id);
        assert.ok(stats.ok);
        assert.equal(stats.value.nodes.a?.entered, N);
        assert.equal(stats.value.instances.running, 0);
        const rows = await store.db
          .selectFrom('outbox')
          .innerJoin('process_instances', (j) =>
            j
              .onRef('process_instances.id', '=', 'outbox.instance_id')
              .onRef('process_instances.workspace_id', '=', 'outbox.workspace_id'),
          )
          .select(['outbox.id as fx', 'process_instances.started_at as started'])
          .orderBy('outbox.id')
          .execute();
        assert.equal(rows.length, N);
        for (let i = 1; i < rows.length; i++)
          assert.ok(
            Number(rows[i]!.started) >= Number(rows[i - 1]!.started),
            `effect ${i} fired out of order`,
          );
        console.log(
          `# ${N} timers: ${expected} fired in ${firstMs.toFixed(0)} ms, ${N - expected} after restart in ${secondMs.toFixed(0)} ms`,
        );
        await restarted.stop();
      } finally {
        await cleanup();
      }
    });
  });
