import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '@omnicx/store';
import { testDialects } from '@omnicx/store/testing';
import { engineWithWorkspace, msg } from './helpers';

const DAY = 86_400_000;

for (const dialect of testDialects()) {
  describe(`segments on ${dialect.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await dialect.open()));
    after(async () => cleanup());

    test('membership follows events in real time, ages out on time, and every change is on the timeline', async () => {
      const { engine, ws, clock } = await engineWithWorkspace(store, { inline: true });
      engine.pipeline.start();
      try {
        // Built over no profiles yet, then kept current by the pipeline.
        const seg = await engine.segments.create(ws, {
          name: 'خریداران اخیر',
          rule: {
            and: [
              { condition: { type: 'trait', trait: 'city', op: 'equals', value: 'تهران' } },
              {
                condition: {
                  type: 'performed',
                  event: { name: 'Order Completed' },
                  window: { last: 30, unit: 'days' },
                },
              },
            ],
          },
        });
        assert.ok(seg.ok, JSON.stringify(seg));
        await engine.scheduler.runDue();
        assert.equal((await store.segments.get(ws, seg.value.id))?.status, 'ready');

        const t0 = clock.now();
        await engine.ingest.append(ws, [
          msg(
            'identify',
            { userId: 'seg-u1', traits: { city: 'تهران' }, timestamp: new Date(t0).toISOString() },
            t0,
          ),
        ]);
        const p = await engine.profiles.lookup(ws, 'user_id', 'seg-u1');
        assert.ok(p.ok);
        assert.deepEqual(await engine.segments.membershipOf(ws, p.value.id), []);

        await engine.ingest.append(ws, [
          msg(
            'track',
            { userId: 'seg-u1', event: 'Order Completed', timestamp: new Date(t0).toISOString() },
            t0,
          ),
        ]);
        const m1 = await engine.segments.membershipOf(ws, p.value.id);
        assert.deepEqual(
          m1.map((m) => m.segmentId),
          [seg.value.id],
        );
        assert.equal((await store.segments.get(ws, seg.value.id))?.size, 1);
        // The exit is scheduled for the exact moment the order ages out of 30 days.
        const job = await store.jobs.get(ws, 'segments.recheck', p.value.id);
        assert.equal(job?.runAt, t0 + 30 * DAY);

        clock.advance(30 * DAY - 1);
        await engine.scheduler.runDue();
        assert.equal((await engine.segments.membershipOf(ws, p.value.id)).length, 1);
        clock.advance(1);
        await engine.scheduler.runDue();
        assert.deepEqual(await engine.segments.membershipOf(ws, p.value.id), []);
        assert.equal((await store.segments.get(ws, seg.value.id))?.size, 0);

        await engine.pipeline.drain();
        const tl = await engine.profiles.timeline(ws, p.value.id, { limit: 10 });
        assert.ok(tl.ok);
        const names = tl.value.events.map((e) => e.event);
        assert.deepEqual(names.slice(0, 2), ['Segment Exited', 'Segment Entered']);
        assert.equal(tl.value.events[0]!.properties.segment_id, seg.value.id);
        assert.equal(tl.value.events[0]!.channel, 'system');
        // System events do not count as customer activity.
        const again = await engine.profiles.get(ws, p.value.id);
        assert.ok(again.ok);
        assert.equal(again.value.eventCount, 2);
      } finally {
        await engine.stop();
      }
    });

    test('a segment created over existing profiles is built in the background from their history', async () => {
      const { engine, ws, clock } = await engineWithWorkspace(store, { inline: true });
      engine.pipeline.start();
      try {
        const now = clock.now();
        const batch = [];
        for (let i = 0; i < 30; i++) {
          batch.push(
            msg('identify', { userId: `b-${i}`, traits: { tier: i % 3 === 0 ? 'gold' : 'silver' } }, now),
          );
          for (let k = 0; k < i % 4; k++)
            batch.push(msg('track', { userId: `b-${i}`, event: 'Ticket Opened' }, now));
        }
        await engine.ingest.append(ws, batch);
        const rule = {
          or: [
            { condition: { type: 'trait', trait: 'tier', op: 'equals', value: 'gold' } },
            {
              condition: {
                type: 'performed',
                event: { name: 'Ticket Opened' },
                count: { op: 'at_least', value: 3 },
              },
            },
          ],
        };
        const preview = await engine.segments.preview(ws, rule);
        assert.ok(preview.ok);
        // gold: i % 3 == 0 (10 of 30); 3 tickets: i % 4 == 3 (7 of 30, 2 of them gold: i = 3, 27... ) — count exactly:
        const expected = Array.from({ length: 30 }, (_, i) => i).filter(
          (i) => i % 3 === 0 || i % 4 === 3,
        ).length;
        assert.equal(preview.value.count, expected);
        assert.equal(preview.value.estimated, false);

        const seg = await engine.segments.create(ws, { name: 'VIP or unhappy', rule });
        assert.ok(seg.ok);
        assert.equal(seg.value.status, 'building');
        await engine.scheduler.runDue();
        const built = await store.segments.get(ws, seg.value.id);
        assert.equal(built?.status, 'ready');
        assert.equal(built?.size, expected);
        assert.equal(built?.buildDone, built?.buildTotal);
        const page1 = await engine.segments.members(ws, seg.value.id, { limit: 5 });
        assert.ok(page1.ok);
        assert.equal(page1.value.members.length, 5);
        const page2 = await engine.segments.members(ws, seg.value.id, {
          limit: 100,
          after: page1.value.next!,
        });
        assert.ok(page2.ok);
        assert.equal(page1.value.members.length + page2.value.members.length, expected);
      } finally {
        await engine.stop();
      }
    });

    test('lists: explicit members, usable in rules; bad rules and cycles are refused naming the node', async () => {
      const { engine, ws, clock } = await engineWithWorkspace(store, { inline: true });
      engine.pipeline.start();
      try {
        await engine.ingest.append(ws, [
          msg('identify', { userId: 'l-1', traits: { email: 'l1@example.com', name: 'مریم' } }, clock.now()),
          msg('identify', { userId: 'l-2', traits: { email: 'l2@example.com' } }, clock.now()),
        ]);
        const list = await engine.segments.create(ws, { name: 'VIP list', kind: 'list' });
        assert.ok(list.ok);
        const inList = await engine.segments.create(ws, {
          name: 'in VIP list',
          rule: { condition: { type: 'segment', segment: list.value.id } },
        });
        assert.ok(inList.ok);
        await engine.scheduler.runDue();
        const imported = await engine.segments.importList(
          ws,
          list.value.id,
          'email,name\nl1@example.com,مریم\nnobody@example.com,x\n',
        );
        assert.ok(imported.ok);
        assert.equal(imported.value.changed, 1);
        assert.deepEqual(imported.value.unmatched, [
          { line: 3, reason: 'no profile has any identifier in this row' },
        ]);
        const p1 = await engine.profiles.lookup(ws, 'user_id', 'l-1');
        assert.ok(p1.ok);
        assert.deepEqual(
          (await engine.segments.membershipOf(ws, p1.value.id)).map((m) => m.segmentId).sort(),
          [list.value.id, inList.value.id].sort(),
        );
        const removed = await engine.segments.changeList(ws, list.value.id, 'remove', [p1.value.id]);
        assert.ok(removed.ok);
        assert.deepEqual(await engine.segments.membershipOf(ws, p1.value.id), []);
        // Erasing a member removes it from every list and segment.
        const p2 = await engine.profiles.lookup(ws, 'user_id', 'l-2');
        assert.ok(p2.ok);
        await engine.segments.changeList(ws, list.value.id, 'add', [p2.value.id]);
        assert.equal((await store.segments.get(ws, list.value.id))?.size, 1);
        assert.ok((await engine.profiles.erase(ws, p2.value.id, 'test')).ok);
        assert.equal((await store.segments.get(ws, list.value.id))?.size, 0);
        assert.equal((await store.segments.get(ws, inList.value.id))?.size, 0);

        const bad = await engine.segments.create(ws, {
          name: 'bad',
          rule: { and: [{ id: 'n1', condition: { type: 'trait', trait: 'x', op: 'gtx', value: 1 } }] },
        });
        assert.ok(!bad.ok);
        assert.match(bad.error.message, /gtx/);
        assert.match(bad.error.field ?? '', /and\[0\]/);

        const a = await engine.segments.create(ws, {
          name: 'A',
          rule: { condition: { type: 'trait', trait: 'x', op: 'exists' } },
        });
        assert.ok(a.ok);
        const b = await engine.segments.create(ws, {
          name: 'B',
          rule: { condition: { type: 'segment', segment: a.value.id } },
        });
        assert.ok(b.ok);
        const cycle = await engine.segments.update(ws, a.value.id, {
          rule: { condition: { type: 'segment', segment: b.value.id } },
        });
        assert.ok(!cycle.ok);
        assert.match(cycle.error.message, /cycle|circular/i);
        const del = await engine.segments.delete(ws, a.value.id);
        assert.ok(!del.ok);
        assert.equal(del.error.code, 'in_use');
      } finally {
        await engine.stop();
      }
    });

    test('a computed trait added later counts past events, also with no dynamic segment to rebuild', async () => {
      const { engine, ws, clock } = await engineWithWorkspace(store, { inline: true });
      engine.pipeline.start();
      try {
        const t = clock.now();
        await engine.ingest.append(ws, [
          msg('track', { userId: 'ct-1', event: 'Order Completed', properties: { total: 120 } }, t),
          msg('track', { userId: 'ct-1', event: 'Order Completed', properties: { total: 80 } }, t),
        ]);
        const def = await engine.segments.putDefinition(ws, 'computed', null, 'orders', {
          type: 'count',
          event: { name: 'Order Completed' },
        });
        assert.ok(def.ok, JSON.stringify(def));
        await engine.scheduler.runDue();
        const p = await engine.profiles.lookup(ws, 'user_id', 'ct-1');
        assert.ok(p.ok);
        const v = await engine.segments.valuesOf(ws, p.value.id);
        assert.ok(v.ok);
        assert.equal(v.value.computedTraits[def.value.id], 2);
        // And it keeps counting in real time.
        await engine.ingest.append(ws, [msg('track', { userId: 'ct-1', event: 'Order Completed' }, t)]);
        const v2 = await engine.segments.valuesOf(ws, p.value.id);
        assert.ok(v2.ok);
        assert.equal(v2.value.computedTraits[def.value.id], 3);
      } finally {
        await engine.stop();
      }
    });
  });
}
