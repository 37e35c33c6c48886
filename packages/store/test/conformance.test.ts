import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { IncomingEvent } from '@omnicx/core';
import type { Store } from '../src/index';
import { testDialects } from '../src/testing';

const WS = 'ws_test';

function event(messageId: string, over: Partial<IncomingEvent> = {}): IncomingEvent {
  const e = {
    messageId,
    type: 'track' as const,
    name: 'Order Completed',
    userId: 'u1',
    anonymousId: null,
    previousId: null,
    groupId: null,
    traits: {},
    properties: { total: 12 },
    context: {},
    integrations: {},
    timestamp: 1000,
    receivedAt: 2000,
    sentAt: null,
    originalTimestamp: null,
    channel: 'web',
    touchpoint: null,
    ...over,
  };
  return { ...e, json: JSON.stringify({ type: e.type, messageId, properties: e.properties }) };
}

for (const dialect of testDialects()) {
  describe(`store conformance on ${dialect.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await dialect.open());
      await store.workspaces.create({ id: WS, name: 'Brand X', settings: { a: 1 }, createdAt: 1 });
    });
    after(async () => cleanup());

    test('migrations are idempotent: a second run applies nothing', async () => {
      assert.deepEqual(await store.migrate(), []);
    });

    test('every table carries workspace_id', async () => {
      const tables = [
        'workspaces',
        'api_keys',
        'events',
        'profiles',
        'identities',
        'merges',
        'identity_conflicts',
        'cursors',
        'erasures',
      ];
      for (const t of tables) {
        // Selecting the column fails if it does not exist, on either dialect.
        await sql`select workspace_id from ${sql.table(t)} where 1 = 0`.execute(store.db);
      }
    });

    test('workspaces keep their settings document', async () => {
      await store.workspaces.updateSettings(WS, { identity: { defaultCountry: 'AE' } });
      const w = await store.workspaces.get(WS);
      assert.deepEqual(w?.settings, { identity: { defaultCountry: 'AE' } });
      assert.equal((await store.workspaces.list()).length, 1);
    });

    test('keys are found by hash and revoked once', async () => {
      await store.keys.insert({
        workspaceId: WS,
        id: 'k1',
        kind: 'write',
        name: 'web',
        prefix: 'ocxw_ab',
        hash: 'h1',
        createdAt: 5,
        revokedAt: null,
      });
      assert.equal((await store.keys.findByHash('h1'))?.kind, 'write');
      assert.equal(await store.keys.findByHash('nope'), undefined);
      assert.equal(await store.keys.revoke(WS, 'k1', 9), true);
      assert.equal(await store.keys.revoke(WS, 'k1', 10), false);
      assert.equal((await store.keys.findByHash('h1'))?.revokedAt, 9);
      assert.equal((await store.keys.list(WS)).length, 1);
    });

    test('append stores a repeated messageId once, within a call and across calls', async () => {
      const r1 = await store.transaction((tx) =>
        tx.events.append(WS, [event('m1'), event('m2'), event('m1')]),
      );
      assert.equal(r1.inserted, 2);
      // Each new row comes back with its log position and its index in the call, in log order.
      assert.deepEqual(
        r1.appended.map((a) => a.index),
        [0, 1],
      );
      assert.ok(r1.appended[0]!.seq < r1.appended[1]!.seq);
      const r2 = await store.transaction((tx) =>
        tx.events.append(WS, [event('m2'), event('m3', { timestamp: 3000 })]),
      );
      assert.equal(r2.inserted, 1);
      assert.deepEqual(
        r2.appended.map((a) => a.index),
        [1],
      );
      assert.ok(r2.appended[0]!.seq > r1.appended[1]!.seq);
      const counts = await store.events.countByMessageIds(WS, ['m1', 'm2', 'm3', 'm4']);
      assert.deepEqual([...counts.entries()].sort(), [
        ['m1', 1],
        ['m2', 1],
        ['m3', 1],
      ]);
    });

    test('the log is read in order after a cursor, and keeps Persian text byte-exact', async () => {
      const persian = 'افزودن به فهرست علاقه‌مندی‌ها';
      await store.transaction((tx) =>
        tx.events.append(WS, [event('m4', { name: persian, timestamp: 4000 })]),
      );
      const all = await store.events.readAfter(WS, 0, 100);
      assert.deepEqual(
        all.map((e) => e.messageId),
        ['m1', 'm2', 'm3', 'm4'],
      );
      assert.ok(all.every((e, i) => i === 0 || e.seq > all[i - 1]!.seq));
      const rest = await store.events.readAfter(WS, all[1]!.seq, 100);
      assert.deepEqual(
        rest.map((e) => e.messageId),
        ['m3', 'm4'],
      );
      assert.equal(rest[1]!.name, persian);
      assert.equal(await store.events.countAfter(WS, all[1]!.seq), 2);
      assert.equal(typeof all[0]!.timestamp, 'number');
    });

    test('timeline is newest first, pages by (timestamp, seq), and follows reassignment', async () => {
      const all = await store.events.readAfter(WS, 0, 100);
      await store.events.assignProfiles(
        WS,
        all.map((e, i) => ({ seq: e.seq, profileId: i < 2 ? 'pA' : 'pB' })),
      );
      let tl = await store.events.timeline(WS, 'pB', { limit: 10 });
      assert.deepEqual(
        tl.map((e) => e.messageId),
        ['m4', 'm3'],
      );
      await store.events.reassignProfiles(WS, ['pA'], 'pB');
      tl = await store.events.timeline(WS, 'pB', { limit: 2 });
      assert.deepEqual(
        tl.map((e) => e.messageId),
        ['m4', 'm3'],
      );
      const last = tl[1]!;
      const next = await store.events.timeline(WS, 'pB', {
        limit: 10,
        before: { timestamp: last.timestamp, seq: last.seq },
      });
      // m1 and m2 share a timestamp: the seq tie-break orders them newest first.
      assert.deepEqual(
        next.map((e) => e.messageId),
        ['m2', 'm1'],
      );
      assert.equal((await store.events.allForProfiles(WS, ['pB'])).length, 4);
    });

    test('identities: owners by identifier, prefix search, reassignment, first owner wins', async () => {
      await store.identities.insertMany(
        WS,
        [
          { type: 'email', value: 'charlotte@example.com', profileId: 'pA' },
          { type: 'user_id', value: 'u-1', profileId: 'pA' },
          { type: 'phone', value: '+989121234567', profileId: 'pB' },
        ],
        10,
      );
      await store.identities.insertMany(
        WS,
        [{ type: 'email', value: 'charlotte@example.com', profileId: 'pZ' }],
        11,
      );
      const owners = await store.identities.findOwners(WS, [
        { type: 'email', value: 'charlotte@example.com' },
        { type: 'phone', value: '+989121234567' },
        { type: 'email', value: 'nobody@example.com' },
      ]);
      assert.deepEqual(owners.map((o) => `${o.type}:${o.profileId}`).sort(), ['email:pA', 'phone:pB']);
      assert.deepEqual(
        (await store.identities.findByValuePrefix(WS, 'charl', 10)).map((r) => r.value),
        ['charlotte@example.com'],
      );
      assert.deepEqual(await store.identities.findByValuePrefix(WS, '%', 10), []);
      await store.identities.reassign(WS, ['pB'], 'pA');
      assert.equal((await store.identities.ofProfiles(WS, ['pA'])).length, 3);
    });

    test('profiles upsert, follow merges, and search by trait', async () => {
      const base = {
        mergedInto: null,
        traitTimes: {},
        channels: {},
        firstSeenAt: 1,
        eventCount: 1,
        createdAt: 1,
        updatedAt: 1,
        aggregates: {},
        memberships: [] as string[],
      };
      await store.profiles.upsertMany(WS, [
        { ...base, id: 'pA', traits: { plan: 'gold', name: 'شارلوت' }, lastSeenAt: 50 },
        { ...base, id: 'pB', traits: { plan: 'silver' }, lastSeenAt: 60 },
        { ...base, id: 'pC', traits: { plan: 'gold' }, lastSeenAt: 70 },
      ]);
      // Inside a transaction (the pipeline's path: on SQLite the direct executor) and with segment state.
      await store.transaction((tx) =>
        tx.profiles.upsertMany(WS, [
          {
            ...base,
            id: 'pA',
            traits: { plan: 'gold', name: 'شارلوت' },
            lastSeenAt: 55,
            eventCount: 2,
            aggregates: { a1: [1, 2, 3] },
            memberships: ['seg_vip'],
          },
        ]),
      );
      const pA = await store.profiles.get(WS, 'pA');
      assert.equal(pA?.eventCount, 2);
      assert.deepEqual(pA?.aggregates, { a1: [1, 2, 3] });
      assert.deepEqual(pA?.memberships, ['seg_vip']);
      const inTx = await store.transaction((tx) => tx.profiles.getMany(WS, ['pA', 'pB', 'nope']));
      assert.deepEqual(inTx.map((p) => p.id).sort(), ['pA', 'pB']);
      const gold = await store.profiles.search(WS, { trait: { key: 'plan', value: 'gold' }, limit: 10 });
      assert.deepEqual(
        gold.map((p) => p.id),
        ['pC', 'pA'],
      );
      const page2 = await store.profiles.search(WS, { limit: 10, before: { lastSeenAt: 60, id: 'pB' } });
      assert.deepEqual(
        page2.map((p) => p.id),
        ['pA'],
      );
      await store.profiles.markMerged(WS, ['pB'], 'pA', 99);
      assert.equal((await store.profiles.get(WS, 'pB'))?.id, 'pA');
      await store.profiles.markMerged(WS, ['pA'], 'pC', 100);
      // One hop: pB was merged into pA, which is now merged into pC.
      assert.deepEqual((await store.profiles.mergedInto(WS, 'pC')).sort(), ['pA', 'pB']);
      assert.equal(await store.profiles.count(WS), 1);
    });

    test('merges and refused identifiers are recorded and listed', async () => {
      await store.merges.insertMerges(WS, [
        {
          id: 'mg1',
          targetProfileId: 'pC',
          sourceProfileId: 'pA',
          eventSeq: 3,
          linkedBy: [{ type: 'email', value: 'c@x.com' }],
          createdAt: 5,
        },
      ]);
      await store.merges.insertConflicts(WS, [
        {
          id: 'cf1',
          profileId: 'pC',
          eventSeq: 4,
          identifierType: 'anonymous_id',
          identifierValue: 'tablet-1',
          reason: 'conflict',
          otherProfileId: 'pQ',
          detail: 'x',
          createdAt: 6,
        },
      ]);
      assert.deepEqual((await store.merges.mergesInto(WS, ['pC']))[0]?.linkedBy, [
        { type: 'email', value: 'c@x.com' },
      ]);
      assert.equal((await store.merges.conflictsFor(WS, ['pQ'], 10)).length, 1);
    });

    test('cursors start at 0 and move', async () => {
      assert.equal(await store.cursors.get(WS, 'pipeline'), 0);
      await store.cursors.set(WS, 'pipeline', 42, 1);
      await store.cursors.set(WS, 'pipeline', 43, 2);
      assert.equal(await store.cursors.get(WS, 'pipeline'), 43);
    });

    test('a cursor advances only from the position it is at (compare-and-set)', async () => {
      assert.equal(await store.cursors.advance(WS, 'cas', 5, 6, 1), false); // no row: only 0 may advance
      assert.equal(await store.cursors.advance(WS, 'cas', 0, 10, 1), true);
      assert.equal(await store.cursors.advance(WS, 'cas', 0, 11, 1), false);
      assert.equal(await store.cursors.advance(WS, 'cas', 9, 11, 1), false);
      assert.equal(await store.cursors.advance(WS, 'cas', 10, 12, 2), true);
      assert.equal(await store.cursors.get(WS, 'cas'), 12);
    });

    test('jobs: one per key, moved by scheduling again, claimed once with a lease, retried after failure', async () => {
      await store.jobs.schedule(WS, { id: 'j1', kind: 'k', key: 'p1', runAt: 100 }, 1);
      await store.jobs.schedule(WS, { id: 'j1b', kind: 'k', key: 'p1', runAt: 200 }, 1); // moves j1
      await store.jobs.schedule(WS, { id: 'j2', kind: 'k', key: 'p2', runAt: 150, payload: { a: 'ب' } }, 1);
      await store.jobs.schedule(WS, { id: 'j2b', kind: 'k', key: 'p2', runAt: 300 }, 1, 'earliest'); // stays 150
      assert.equal((await store.jobs.get(WS, 'k', 'p1'))?.runAt, 200);
      assert.equal((await store.jobs.get(WS, 'k', 'p2'))?.runAt, 150);
      assert.equal(await store.jobs.nextRunAt(), 150);
      assert.deepEqual(await store.jobs.claimDue(149, 10, 'r1', 1000), []);
      const claimed = await store.jobs.claimDue(250, 10, 'r1', 1000);
      assert.deepEqual(
        claimed.map((j) => j.key),
        ['p2', 'p1'],
      );
      assert.deepEqual(await store.jobs.claimDue(250, 10, 'r2', 1000), []); // leased
      await store.jobs.complete(claimed[0]!.id, 'r1', claimed[0]!.runAt);
      await store.jobs.fail(claimed[1]!.id, 'r1', 'boom', 5000);
      assert.equal(await store.jobs.get(WS, 'k', 'p2'), undefined);
      const failed = await store.jobs.get(WS, 'k', 'p1');
      assert.equal(failed?.attempts, 1);
      assert.equal(failed?.lastError, 'boom');
      assert.equal(failed?.runAt, 5000);
      await store.jobs.cancel(WS, 'k', 'p1');
      assert.equal(await store.jobs.count(WS, 'k'), 0);
    });

    test('a savepoint rolls back only its own writes', async () => {
      await store.transaction(async (tx) => {
        await tx.events.append(WS, [event('sp-kept')]);
        await assert.rejects(
          tx.savepoint('test_sp', async () => {
            await tx.events.append(WS, [event('sp-undone')]);
            throw new Error('inner');
          }),
          /inner/,
        );
        assert.equal(await tx.savepoint('test_sp', async () => 7), 7);
      });
      const counts = await store.events.countByMessageIds(WS, ['sp-kept', 'sp-undone']);
      assert.deepEqual([...counts.keys()], ['sp-kept']);
    });

    test('a failed transaction leaves nothing behind', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.events.append(WS, [event('rollback-1')]);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal((await store.events.countByMessageIds(WS, ['rollback-1'])).size, 0);
    });

    test('erasure deletes a profile with its events and identities', async () => {
      const ids = ['pC', ...(await store.profiles.mergedInto(WS, 'pC'))];
      await store.events.reassignProfiles(WS, ['pB'], 'pC');
      const n = await store.events.deleteForProfiles(WS, ids);
      assert.ok(n >= 4);
      await store.identities.reassign(WS, ['pA'], 'pC');
      assert.equal(await store.identities.deleteForProfiles(WS, ids), 3);
      await store.merges.deleteForProfiles(WS, ids);
      await store.profiles.deleteMany(WS, ids);
      assert.equal(await store.profiles.get(WS, 'pC'), undefined);
      await store.erasures.insert(WS, {
        id: 'er1',
        profileId: 'pC',
        eventsDeleted: n,
        identitiesDeleted: 3,
        requestedBy: 'test',
        createdAt: 1,
      });
    });
  });
}
