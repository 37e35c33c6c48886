import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '@omnicx/store';
import { testDialects } from '@omnicx/store/testing';
import { IngestService, PIPELINE_CONSUMER, noMetrics, silentLogger } from '../src/index';
import { engineWithWorkspace, msg } from './helpers';

for (const dialect of testDialects()) {
  describe(`pipeline on ${dialect.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await dialect.open()));
    after(async () => cleanup());

    test('processes committed events in order and moves the cursor with them', async () => {
      const { engine, ws } = await engineWithWorkspace(store);
      await engine.ingest.append(ws, [
        msg('page', {
          anonymousId: 'a-1',
          name: 'Home',
          context: { page: { url: 'https://shop.example.com/' } },
        }),
        msg('identify', { anonymousId: 'a-1', userId: 'u-1', traits: { email: 'One@Example.com' } }),
        msg('track', {
          userId: 'u-1',
          event: 'Order Completed',
          context: { channel: 'store', touchpoint: 'store-12' },
        }),
      ]);
      assert.equal(await engine.pipeline.lag(), 3);
      await engine.pipeline.drain();
      assert.equal(await engine.pipeline.lag(), 0);
      const r = await engine.profiles.lookup(ws, 'email', 'one@example.com');
      assert.ok(r.ok);
      assert.equal(r.value.eventCount, 3);
      assert.deepEqual(r.value.identities.map((i) => i.type).sort(), ['anonymous_id', 'email', 'user_id']);
      assert.ok(r.value.channels.some((c) => c.channel === 'store' && c.touchpoint === 'store-12'));
      const tl = await engine.profiles.timeline(ws, r.value.id, { limit: 10 });
      assert.ok(tl.ok);
      assert.deepEqual(
        tl.value.events.map((e) => e.type),
        ['track', 'identify', 'page'],
      );
    });

    test('merges profiles across batches and moves the earlier history onto the survivor', async () => {
      const { engine, ws } = await engineWithWorkspace(store, { batchSize: 2 });
      // Two devices of one person, each with history, then each identifies.
      await engine.ingest.append(ws, [
        msg('track', { anonymousId: 'dev-1', event: 'Products Searched' }),
        msg('screen', { anonymousId: 'dev-2', name: 'Cart' }),
        msg('identify', { anonymousId: 'dev-1', userId: 'u-two-devices' }),
        msg('identify', { anonymousId: 'dev-2', userId: 'u-two-devices' }),
      ]);
      await engine.pipeline.drain();
      const byDev1 = await engine.profiles.lookup(ws, 'anonymous_id', 'dev-1');
      const byDev2 = await engine.profiles.lookup(ws, 'anonymous_id', 'dev-2');
      assert.ok(byDev1.ok && byDev2.ok);
      assert.equal(byDev1.value.id, byDev2.value.id);
      assert.equal(byDev1.value.eventCount, 4);
      assert.equal(byDev1.value.mergedFrom.length, 1);
      const tl = await engine.profiles.timeline(ws, byDev1.value.id, { limit: 10 });
      assert.ok(tl.ok);
      assert.equal(tl.value.events.length, 4);
      // The merged-away id still resolves, and the merge is recorded with the identifier that linked it.
      const old = await engine.profiles.get(ws, byDev1.value.mergedFrom[0]!);
      assert.ok(old.ok);
      assert.equal(old.value.id, byDev1.value.id);
      const hist = await engine.profiles.identityHistory(ws, byDev1.value.id);
      assert.ok(hist.ok);
      assert.equal(hist.value.merges.length, 1);
      assert.deepEqual(hist.value.merges[0]!.linkedBy, [{ type: 'anonymous_id', value: 'dev-2' }]);
    });

    test('merges within one batch resolve every reference to the final survivor', async () => {
      const { engine, ws } = await engineWithWorkspace(store);
      await engine.ingest.append(ws, [
        msg('track', { anonymousId: 'c-a', event: 'A' }),
        msg('track', { anonymousId: 'c-b', event: 'B' }),
        msg('identify', { anonymousId: 'c-b', traits: { email: 'chain@example.com' } }),
        msg('identify', { anonymousId: 'c-a', userId: 'u-chain', traits: { email: 'chain@example.com' } }),
      ]);
      await engine.pipeline.drain();
      const p = await engine.profiles.lookup(ws, 'user_id', 'u-chain');
      assert.ok(p.ok);
      assert.equal(p.value.eventCount, 4);
      const tl = await engine.profiles.timeline(ws, p.value.id, { limit: 10 });
      assert.ok(tl.ok);
      assert.equal(tl.value.events.length, 4);
    });

    test('a crash inside the batch transaction loses nothing and counts nothing twice', async () => {
      const { engine, ws } = await engineWithWorkspace(store);
      await engine.ingest.append(ws, [
        msg('track', { userId: 'u-crash', event: 'E1' }),
        msg('track', { userId: 'u-crash', event: 'E2' }),
      ]);
      const cursorBefore = await store.cursors.get(ws, PIPELINE_CONSUMER);
      const original = store.transaction.bind(store);
      // Every write of the batch runs, then the transaction dies before commit.
      store.transaction = (fn) =>
        original(async (tx) => {
          await fn(tx);
          throw new Error('simulated crash before commit');
        });
      await assert.rejects(engine.pipeline.runOnce(), /simulated crash/);
      store.transaction = original;
      assert.equal(await store.cursors.get(ws, PIPELINE_CONSUMER), cursorBefore);
      assert.equal((await engine.profiles.lookup(ws, 'user_id', 'u-crash')).ok, false);
      await engine.pipeline.drain();
      const p = await engine.profiles.lookup(ws, 'user_id', 'u-crash');
      assert.ok(p.ok);
      assert.equal(p.value.eventCount, 2);
    });

    test('stop() ends a retry backoff at once while the database keeps failing', async () => {
      const { engine, ws } = await engineWithWorkspace(store);
      await engine.ingest.append(ws, [msg('track', { userId: 'u-backoff', event: 'E' })]);
      const original = store.transaction.bind(store);
      store.transaction = () => Promise.reject(new Error('database unavailable'));
      try {
        engine.pipeline.start();
        // Failures at ~0, 200, 600 and 1400 ms: at 1500 ms the pipeline is 100 ms into a 1600 ms backoff.
        await new Promise((r) => setTimeout(r, 1500));
        const started = Date.now();
        await engine.pipeline.stop();
        assert.ok(Date.now() - started < 500, `stop took ${Date.now() - started} ms`);
      } finally {
        store.transaction = original;
      }
      await engine.pipeline.drain();
    });

    test('a new engine on the same store resumes from the stored cursor', async () => {
      const first = await engineWithWorkspace(store);
      await first.engine.ingest.append(first.ws, [
        msg('track', { userId: 'u-resume', event: 'Before restart' }),
      ]);
      // The first process "dies" here: committed but never processed.
      const second = await engineWithWorkspace(store);
      assert.equal(second.ws, first.ws);
      await second.engine.pipeline.drain();
      const p = await second.engine.profiles.lookup(second.ws, 'user_id', 'u-resume');
      assert.ok(p.ok);
      assert.equal(p.value.eventCount, 1);
    });

    test('group commit: concurrent appends commit together, duplicates are stored once', async () => {
      const { engine, ws } = await engineWithWorkspace(store);
      const batches = Array.from({ length: 20 }, (_, i) =>
        Array.from({ length: 10 }, (_, j) =>
          msg('track', { userId: `u-g${j}`, event: 'Viewed', messageId: `gc-${i}-${j}` }),
        ),
      );
      const results = await Promise.all([...batches, batches[0]!].map((b) => engine.ingest.append(ws, b)));
      assert.equal(
        results.reduce((n, r) => n + r.inserted, 0),
        200,
      );
      const counts = await store.events.countByMessageIds(
        ws,
        batches.flat().map((e) => e.messageId),
      );
      assert.equal(counts.size, 200);
      assert.ok([...counts.values()].every((n) => n === 1));
      await engine.pipeline.drain();
    });

    test('newest event time wins for a trait, even when events arrive out of order', async () => {
      const { engine, ws } = await engineWithWorkspace(store);
      await engine.ingest.append(ws, [
        msg('identify', { userId: 'u-plan', traits: { plan: 'gold' }, timestamp: '2026-11-20T10:00:00Z' }),
        msg('identify', { userId: 'u-plan', traits: { plan: 'silver' }, timestamp: '2026-11-19T10:00:00Z' }),
      ]);
      await engine.pipeline.drain();
      const p = await engine.profiles.lookup(ws, 'user_id', 'u-plan');
      assert.ok(p.ok);
      assert.equal(p.value.traits.plan, 'gold');
    });

    test('with the pipeline running, ingest resolves events in its own transaction: no lag after the 200', async () => {
      // Forced on: by default only in-process databases (SQLite) process at ingest.
      const { engine, ws } = await engineWithWorkspace(store, { inline: true });
      engine.pipeline.start();
      try {
        await engine.pipeline.drain();
        await engine.ingest.append(ws, [
          msg('identify', { anonymousId: 'inl-a', userId: 'inl-u', traits: { email: 'inline@example.com' } }),
          msg('track', { userId: 'inl-u', event: 'Order Completed' }),
        ]);
        // No drain: the events were processed before the append committed.
        assert.equal(await engine.pipeline.lag(), 0);
        const r = await engine.profiles.lookup(ws, 'email', 'inline@example.com');
        assert.ok(r.ok);
        assert.equal(r.value.eventCount, 2);
      } finally {
        await engine.stop();
      }
    });

    test('ingest leaves events to the pipeline while older events wait, so the log order holds', async () => {
      const { engine, ws } = await engineWithWorkspace(store);
      engine.pipeline.start();
      try {
        await engine.pipeline.drain();
        // An older event committed by someone else (e.g. `omnicx import`), not yet processed.
        const older = msg(
          'identify',
          { userId: 'order-u', traits: { tier: 'silver' } },
          Date.parse('2026-11-23T09:00:00Z'),
        );
        await store.transaction((tx) => tx.events.append(ws, [older]));
        const newer = msg('identify', { userId: 'order-u', traits: { tier: 'gold' } });
        const inline = await store.transaction(async (tx) => {
          const r = await tx.events.append(ws, [newer]);
          return engine.pipeline.processAppended(tx, ws, [{ seq: r.appended[0]!.seq, event: newer }]);
        });
        assert.equal(inline, false);
        assert.equal(await engine.pipeline.lag(), 2);
        await engine.pipeline.drain();
        const p = await engine.profiles.lookup(ws, 'user_id', 'order-u');
        assert.ok(p.ok);
        assert.equal(p.value.eventCount, 2);
        assert.equal(p.value.traits.tier, 'gold');
      } finally {
        await engine.stop();
      }
    });

    test('a failure while processing at ingest rolls back only the processing: the events are kept', async () => {
      const { ws } = await engineWithWorkspace(store);
      const errors: unknown[] = [];
      const logger = { ...silentLogger, error: (o: unknown) => void errors.push(o) };
      const ingest = new IngestService(
        store,
        noMetrics,
        () => {},
        5000,
        async (tx, workspaceId) => {
          await tx.events.append(workspaceId, [msg('track', { userId: 'side-effect', event: 'Half Done' })]);
          throw new Error('processing bug');
        },
        logger,
      );
      const kept = msg('track', { userId: 'keep-me', event: 'Accepted' });
      assert.deepEqual(await ingest.append(ws, [kept]), { inserted: 1 });
      assert.equal((await store.events.countByMessageIds(ws, [kept.messageId])).size, 1);
      const found = await store.events.readAfter(ws, 0, 100000);
      assert.ok(!found.some((e) => e.userId === 'side-effect'));
      assert.equal(errors.length, 1);
    });
  });
}
