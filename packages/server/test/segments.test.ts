import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDialects } from '@omnicx/store/testing';
import { httpHarness, SK, WK } from './harness';

const DAY = 86_400_000;

// What the tests read of response bodies.
type Row = Record<string, unknown>;
interface TimelineEvent {
  event: string | null;
  properties: Record<string, unknown>;
}
interface RuleErrorBody {
  code: string;
  field?: string;
  nodeId?: string;
}

// Processing at ingest is synchronous on SQLite (the 200 comes after processing), which these tests rely on.
for (const dialect of testDialects())
  describe(`segments, lists, computed traits, score models and personas over HTTP on ${dialect.name}`, () => {
    const h = httpHarness(dialect, { start: Date.parse('2026-03-01T10:00:00.000Z') });
    const { api } = h;
    const csv = async (url: string, text: string) => {
      const r = await h.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${SK}`, 'content-type': 'text/csv' },
        payload: text,
      });
      return { status: r.statusCode, body: r.json() };
    };
    const batch = async (messages: unknown[]) => {
      const r = await h.app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { authorization: `Bearer ${WK}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ batch: messages }),
      });
      assert.equal(r.statusCode, 200, r.body);
    };
    const order = (userId: string, total: number) => ({
      type: 'track',
      userId,
      event: 'Order Completed',
      properties: { total },
    });
    const profileOf = async (userId: string): Promise<string> => {
      const r = await api('GET', `/api/v1/profiles/lookup?userId=${userId}`);
      assert.equal(r.status, 200);
      return r.body.id as string;
    };
    /** Runs the due jobs (segment builds, re-checks), then whatever the log still holds, as the running engine would. */
    const settle = async () => {
      const ran = await h.engine.scheduler.runDue();
      await h.engine.pipeline.runOnce();
      return ran;
    };
    const ids = (members: { profileId: string }[]) => members.map((m) => m.profileId).sort();

    const goldBuyersRule = {
      id: 'root',
      and: [
        { id: 'gold', condition: { type: 'trait', trait: 'plan', op: 'equals', value: 'gold' } },
        {
          id: 'buys',
          condition: {
            type: 'performed',
            event: { name: 'Order Completed' },
            count: { op: 'at_least', value: 2 },
            window: { last: 30, unit: 'days' },
          },
        },
      ],
    };

    let alice = '';
    let bob = '';
    let carol = '';
    let gold = '';
    let vip = '';
    let ordersTrait = '';
    let spendTrait = '';
    let scoreModel = '';

    test('write keys get 403 on every segment route', async () => {
      for (const [method, url] of [
        ['GET', '/api/v1/segments'],
        ['POST', '/api/v1/segments/preview'],
        ['GET', '/api/v1/computed-traits'],
        ['GET', '/api/v1/score-models'],
        ['GET', '/api/v1/personas'],
        ['GET', '/api/v1/profiles/prf_x/segments'],
        ['GET', '/api/v1/profiles/prf_x/values'],
      ] as const) {
        const r = await api(method, url, method === 'POST' ? { rule: {} } : undefined, WK);
        assert.equal(r.status, 403, `${method} ${url}`);
        assert.equal(r.body.error.code, 'forbidden');
      }
      const c = await h.app.inject({
        method: 'POST',
        url: '/api/v1/segments/seg_x/members/import',
        headers: { authorization: `Bearer ${WK}`, 'content-type': 'text/csv' },
        payload: 'user_id\nu\n',
      });
      assert.equal(c.statusCode, 403);
    });

    test('a dynamic segment with a trait and a behaviour condition is built in the background', async () => {
      await batch([
        { type: 'identify', userId: 'u-alice', traits: { plan: 'gold', email: 'alice@example.com' } },
        order('u-alice', 100),
        order('u-alice', 140),
        { type: 'identify', userId: 'u-bob', traits: { plan: 'silver', phone: '+989121234567' } },
        order('u-bob', 30),
        order('u-bob', 40),
        { type: 'identify', userId: 'u-carol', traits: { plan: 'gold' } },
      ]);
      [alice, bob, carol] = [
        await profileOf('u-alice'),
        await profileOf('u-bob'),
        await profileOf('u-carol'),
      ];

      const created = await api('POST', '/api/v1/segments', {
        name: 'Gold buyers',
        description: 'gold plan, 2+ orders in 30 days',
        rule: goldBuyersRule,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      gold = created.body.id;
      assert.match(gold, /^seg_/);
      assert.equal(created.body.kind, 'dynamic');
      assert.equal(created.body.status, 'building');
      assert.equal(created.body.buildTotal, 3);
      assert.deepEqual(created.body.rule, goldBuyersRule);

      assert.ok((await settle()) >= 1);
      const got = await api('GET', `/api/v1/segments/${gold}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.status, 'ready');
      assert.equal(got.body.buildDone, 3);
      assert.equal(got.body.size, 1);

      const list = await api('GET', '/api/v1/segments');
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.segments.map((s: Row) => [s.id, s.status, s.buildDone, s.buildTotal, s.size]),
        [[gold, 'ready', 3, 3, 1]],
      );
      const members = await api('GET', `/api/v1/segments/${gold}/members`);
      assert.deepEqual(ids(members.body.members), [alice]);
      assert.equal(members.body.members[0].since, new Date(h.now).toISOString());
      assert.equal(members.body.next, null);
    });

    test('events processed at ingest update membership: Segment Entered on the timeline', async () => {
      h.now += 60_000;
      await batch([order('u-carol', 10), order('u-carol', 20)]);
      await settle();

      assert.deepEqual(
        ids((await api('GET', `/api/v1/segments/${gold}/members`)).body.members),
        [alice, carol].sort(),
      );
      const segs = await api('GET', `/api/v1/profiles/${carol}/segments`);
      assert.equal(segs.status, 200);
      assert.deepEqual(segs.body, {
        profileId: carol,
        segments: [
          { segmentId: gold, name: 'Gold buyers', kind: 'dynamic', since: new Date(h.now).toISOString() },
        ],
      });
      assert.deepEqual((await api('GET', `/api/v1/profiles/${bob}/segments`)).body.segments, []);

      const timeline = await api('GET', `/api/v1/profiles/${carol}/events?limit=50`);
      assert.equal(timeline.status, 200);
      const entered = timeline.body.events.filter((e: TimelineEvent) => e.event === 'Segment Entered');
      assert.equal(entered.length, 1);
      assert.equal(entered[0].properties.segment_id, gold);
      assert.equal(entered[0].properties.segment_name, 'Gold buyers');
    });

    test('members page by profile id with a next cursor', async () => {
      const all = [alice, carol].sort();
      const p1 = await api('GET', `/api/v1/segments/${gold}/members?limit=1`);
      assert.equal(p1.status, 200);
      assert.deepEqual(ids(p1.body.members), [all[0]]);
      assert.equal(p1.body.next, all[0]);
      const p2 = await api('GET', `/api/v1/segments/${gold}/members?limit=1&after=${p1.body.next}`);
      assert.deepEqual(ids(p2.body.members), [all[1]]);
      const p3 = await api('GET', `/api/v1/segments/${gold}/members?limit=1&after=${p2.body.next}`);
      assert.deepEqual(p3.body, { members: [], next: null });
    });

    test('bad query parameters are 400 naming the field; unknown segments 404', async () => {
      for (const q of ['limit=0', 'limit=1001', 'limit=abc']) {
        const r = await api('GET', `/api/v1/segments/${gold}/members?${q}`);
        assert.equal(r.status, 400, q);
        assert.equal(r.body.error.field, 'limit');
      }
      for (const [q, field] of [
        ['from=yesterday', 'from'],
        ['to=2026-13-45', 'to'],
        ['from=2026-03-02&to=2026-03-01', 'from'],
      ]) {
        const r = await api('GET', `/api/v1/segments/${gold}/sizes?${q}`);
        assert.equal(r.status, 400, q);
        assert.equal(r.body.error.field, field);
      }
      for (const url of [
        '/api/v1/segments/seg_nope',
        '/api/v1/segments/seg_nope/members',
        '/api/v1/segments/seg_nope/sizes',
        '/api/v1/profiles/prf_nope/segments',
        '/api/v1/profiles/prf_nope/values',
        '/api/v1/personas/prs_nope',
      ]) {
        const r = await api('GET', url);
        assert.equal(r.status, 404, url);
        assert.equal(r.body.error.code, 'not_found');
      }
    });

    test('size over time: recorded per hour, default window the last 30 days, epoch ms or ISO dates', async () => {
      const r = await api('GET', `/api/v1/segments/${gold}/sizes`);
      assert.equal(r.status, 200);
      assert.equal(r.body.to, new Date(h.now).toISOString());
      assert.equal(r.body.from, new Date(h.now - 30 * DAY).toISOString());
      assert.deepEqual(r.body.sizes, [{ at: '2026-03-01T10:00:00.000Z', size: 2 }]);
      const ms = await api('GET', `/api/v1/segments/${gold}/sizes?from=${h.now - DAY}&to=2026-03-02`);
      assert.equal(ms.status, 200);
      assert.equal(ms.body.sizes.length, 1);
      const before = await api('GET', `/api/v1/segments/${gold}/sizes?from=2026-01-01&to=2026-02-01`);
      assert.deepEqual(before.body.sizes, []);
    });

    test('preview counts and samples a rule before it is saved', async () => {
      const r = await api('POST', '/api/v1/segments/preview', {
        rule: { condition: { type: 'trait', trait: 'plan', op: 'equals', value: 'gold' } },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.count, 2);
      assert.equal(r.body.total, 3);
      assert.equal(r.body.estimated, false);
      assert.equal(r.body.estimate, 2);
      assert.deepEqual([...r.body.sample].sort(), [alice, carol].sort());

      const behaviour = await api('POST', '/api/v1/segments/preview', {
        rule: {
          condition: {
            type: 'performed',
            event: { name: 'Order Completed', where: [{ property: 'total', op: 'gte', value: 100 }] },
          },
        },
        sample: 0,
      });
      assert.equal(behaviour.body.count, 1);
      assert.deepEqual(behaviour.body.sample, []);

      const bad = await api('POST', '/api/v1/segments/preview', {
        rule: { id: 'x', condition: { type: 'trait', trait: 'plan', op: 'looks_like', value: 'g' } },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'unknown_operator');
    });

    test('a bad rule is refused with every offending node named', async () => {
      const r = await api('POST', '/api/v1/segments', {
        name: 'Broken',
        rule: {
          id: 'root',
          and: [
            { id: 'ok', condition: { type: 'trait', trait: 'plan', op: 'equals', value: 'gold' } },
            { id: 'n-op', condition: { type: 'trait', trait: 'plan', op: 'resembles', value: 'gold' } },
            { id: 'n-type', condition: { type: 'trait', trait: 'age', op: 'gt', value: 'thirty' } },
          ],
        },
      });
      assert.equal(r.status, 400);
      const e = r.body.error;
      assert.equal(e.code, 'unknown_operator');
      assert.match(e.message, /n-op/);
      assert.match(e.message, /resembles/);
      assert.equal(e.field, 'rule.and[1].condition.op');
      assert.ok(Array.isArray(e.details));
      const byNode = new Map<string | undefined, RuleErrorBody>(
        e.details.map((d: RuleErrorBody) => [d.nodeId, d]),
      );
      assert.deepEqual([...byNode.keys()].sort(), ['n-op', 'n-type']);
      assert.equal(byNode.get('n-type')?.code, 'invalid_value');
      assert.equal(byNode.get('n-type')?.field, 'rule.and[2].condition.value');
      assert.equal((await api('GET', '/api/v1/segments')).body.segments.length, 1, 'nothing was stored');

      const noRule = await api('POST', '/api/v1/segments', { name: 'No rule' });
      assert.equal(noRule.status, 400);
      assert.equal(noRule.body.error.field, 'rule');
      const typo = await api('POST', '/api/v1/segments', { name: 'x', rul: {} });
      assert.equal(typo.status, 400);
      assert.equal(typo.body.error.code, 'invalid_field');
    });

    test('a cycle of segments referring to each other is refused; a referenced segment cannot be deleted', async () => {
      const a = await api('POST', '/api/v1/segments', {
        name: 'A',
        rule: { condition: { type: 'trait', trait: 'plan', op: 'exists' } },
      });
      assert.equal(a.status, 201);
      const b = await api('POST', '/api/v1/segments', {
        name: 'B',
        rule: { id: 'b-in-a', condition: { type: 'segment', segment: a.body.id } },
      });
      assert.equal(b.status, 201, JSON.stringify(b.body));
      const cyc = await api('PATCH', `/api/v1/segments/${a.body.id}`, {
        rule: { id: 'a-in-b', condition: { type: 'segment', segment: b.body.id } },
      });
      assert.equal(cyc.status, 400);
      assert.equal(cyc.body.error.code, 'segment_cycle');
      assert.match(cyc.body.error.message, /cycle/);
      assert.ok(cyc.body.error.details.length >= 1);
      assert.ok(cyc.body.error.details.every((d: RuleErrorBody) => d.code === 'segment_cycle'));
      // A's rule is unchanged.
      assert.equal((await api('GET', `/api/v1/segments/${a.body.id}`)).body.version, 1);

      const del = await api('DELETE', `/api/v1/segments/${a.body.id}`);
      assert.equal(del.status, 409);
      assert.equal(del.body.error.code, 'in_use');
      assert.match(del.body.error.message, /b-in-a|segment/);

      assert.deepEqual((await api('DELETE', `/api/v1/segments/${b.body.id}`)).body, { deleted: b.body.id });
      assert.deepEqual((await api('DELETE', `/api/v1/segments/${a.body.id}`)).body, { deleted: a.body.id });
      assert.equal((await api('GET', `/api/v1/segments/${a.body.id}`)).status, 404);
      await settle();
    });

    test('renaming keeps the membership; editing the rule rebuilds it under a new version', async () => {
      const p = await api('PATCH', `/api/v1/segments/${gold}`, {
        description: 'gold plan, 2+ orders in the last 30 days',
      });
      assert.equal(p.status, 200);
      assert.equal(p.body.description, 'gold plan, 2+ orders in the last 30 days');
      assert.equal(p.body.version, 1);
      assert.equal(p.body.status, 'ready');

      // 720 hours is the same window as 30 days: the rebuilt membership is the same.
      const rule = structuredClone(goldBuyersRule);
      rule.and[1]!.condition.window = { last: 720, unit: 'hours' };
      const edited = await api('PATCH', `/api/v1/segments/${gold}`, { rule });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.version, 2);
      assert.equal(edited.body.status, 'building');
      assert.equal(edited.body.buildDone, 0);
      await settle();
      const rebuilt = await api('GET', `/api/v1/segments/${gold}`);
      assert.deepEqual([rebuilt.body.status, rebuilt.body.buildDone, rebuilt.body.size], ['ready', 3, 2]);
      assert.deepEqual(rebuilt.body.rule, rule);
      assert.deepEqual(
        ids((await api('GET', `/api/v1/segments/${gold}/members`)).body.members),
        [alice, carol].sort(),
      );

      const kind = await api('PATCH', `/api/v1/segments/${gold}`, { kind: 'list' });
      assert.equal(kind.status, 400);
      assert.equal(kind.body.error.field, 'kind');
      assert.equal((await api('PATCH', '/api/v1/segments/seg_nope', { name: 'x' })).status, 404);
    });

    test('static lists: add and remove by id, import from CSV (Persian names and digits), 409 on a dynamic segment', async () => {
      const created = await api('POST', '/api/v1/segments', { name: 'VIP', kind: 'list' });
      assert.equal(created.status, 201);
      vip = created.body.id;
      assert.equal(created.body.status, 'ready');
      assert.equal(created.body.rule, null);

      const add = await api('POST', `/api/v1/segments/${vip}/members`, { profileIds: [alice, 'prf_nope'] });
      assert.equal(add.status, 200);
      assert.deepEqual(add.body, { changed: 1, unknown: ['prf_nope'] });
      assert.deepEqual(
        (await api('GET', `/api/v1/profiles/${alice}/segments`)).body.segments.map((s: Row) => [
          s.segmentId,
          s.kind,
        ]),
        [
          [gold, 'dynamic'],
          [vip, 'list'],
        ].sort((x, y) => x[0]!.localeCompare(y[0]!)),
      );

      const remove = await api('DELETE', `/api/v1/segments/${vip}/members`, { profileIds: [alice] });
      assert.deepEqual(remove.body, { changed: 1, unknown: [] });
      assert.equal((await api('GET', `/api/v1/segments/${vip}`)).body.size, 0);

      const imported = await csv(
        `/api/v1/segments/${vip}/members/import`,
        'user_id,email,phone,نام\n' +
          'u-alice,,,آلیس\n' +
          ',,۰۹۱۲۱۲۳۴۵۶۷,باب\n' +
          ',ALICE@example.com,,آلیس دوباره\n' +
          'u-nobody,,,ناشناس\n',
      );
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
      assert.deepEqual(imported.body, {
        rows: 4,
        changed: 2,
        unmatched: [{ line: 5, reason: 'no profile has any identifier in this row' }],
      });
      assert.deepEqual(
        ids((await api('GET', `/api/v1/segments/${vip}/members`)).body.members),
        [alice, bob].sort(),
      );

      const removed = await csv(
        `/api/v1/segments/${vip}/members/import?op=remove`,
        'profile_id\n' + bob + '\n',
      );
      assert.deepEqual(removed.body, { rows: 1, changed: 1, unmatched: [] });
      assert.deepEqual(ids((await api('GET', `/api/v1/segments/${vip}/members`)).body.members), [alice]);

      const badOp = await csv(`/api/v1/segments/${vip}/members/import?op=replace`, 'user_id\nu-alice\n');
      assert.equal(badOp.status, 400);
      assert.equal(badOp.body.error.field, 'op');

      const dyn = await api('POST', `/api/v1/segments/${gold}/members`, { profileIds: [bob] });
      assert.equal(dyn.status, 409);
      assert.equal(dyn.body.error.code, 'not_a_list');
      const dynCsv = await csv(`/api/v1/segments/${gold}/members/import`, 'user_id\nu-bob\n');
      assert.equal(dynCsv.status, 409);
      const empty = await api('POST', `/api/v1/segments/${vip}/members`, { profileIds: [] });
      assert.equal(empty.status, 400);
      assert.equal(empty.body.error.field, 'body.profileIds');
      const rule = await api('PATCH', `/api/v1/segments/${vip}`, {
        rule: { condition: { type: 'trait', trait: 'plan', op: 'exists' } },
      });
      assert.equal(rule.status, 400);
    });

    test('list changes are Segment Entered / Exited events on the timeline too', async () => {
      const timeline = await api('GET', `/api/v1/profiles/${alice}/events?limit=50`);
      const listEvents = timeline.body.events
        .filter((e: TimelineEvent) => e.properties.segment_id === vip)
        .map((e: TimelineEvent) => e.event);
      assert.deepEqual(listEvents.sort(), ['Segment Entered', 'Segment Entered', 'Segment Exited']);
    });

    test('computed traits and score models: CRUD, and their values on /values', async () => {
      const count = await api('POST', '/api/v1/computed-traits', {
        name: 'Orders in 30 days',
        definition: { type: 'count', event: { name: 'Order Completed' }, window: { last: 30, unit: 'days' } },
      });
      assert.equal(count.status, 201, JSON.stringify(count.body));
      ordersTrait = count.body.id;
      const spend = await api('POST', '/api/v1/computed-traits', {
        name: 'Spend',
        definition: { type: 'sum', event: { name: 'Order Completed' }, property: 'total' },
      });
      assert.equal(spend.status, 201);
      spendTrait = spend.body.id;
      const score = await api('POST', '/api/v1/score-models', {
        name: 'Engagement',
        definition: {
          rules: [
            { points: 10, per: { name: 'Order Completed' } },
            { points: 5, when: { condition: { type: 'trait', trait: 'plan', op: 'equals', value: 'gold' } } },
          ],
        },
      });
      assert.equal(score.status, 201, JSON.stringify(score.body));
      scoreModel = score.body.id;

      // A new definition rebuilds every dynamic segment in the background, replaying the event history.
      assert.equal((await api('GET', `/api/v1/segments/${gold}`)).body.status, 'building');
      await settle();
      assert.equal((await api('GET', `/api/v1/segments/${gold}`)).body.status, 'ready');

      const values = await api('GET', `/api/v1/profiles/${alice}/values`);
      assert.equal(values.status, 200, JSON.stringify(values.body));
      assert.deepEqual(values.body, {
        profileId: alice,
        computedTraits: { [ordersTrait]: 2, [spendTrait]: 240 },
        scores: { [scoreModel]: 25 },
      });
      const bobValues = await api('GET', `/api/v1/profiles/${bob}/values`);
      assert.deepEqual(bobValues.body.computedTraits, { [ordersTrait]: 2, [spendTrait]: 70 });
      assert.deepEqual(bobValues.body.scores, { [scoreModel]: 20 });

      const lists = await api('GET', '/api/v1/computed-traits');
      assert.deepEqual(
        lists.body.computedTraits.map((d: Row) => [d.id, d.name]),
        [
          [ordersTrait, 'Orders in 30 days'],
          [spendTrait, 'Spend'],
        ],
      );
      assert.deepEqual(
        (await api('GET', '/api/v1/score-models')).body.scoreModels.map((d: Row) => d.id),
        [scoreModel],
      );
      assert.equal((await api('GET', `/api/v1/score-models/${scoreModel}`)).body.name, 'Engagement');

      // A segment on a computed trait; then the trait is in use.
      const big = await api('POST', '/api/v1/segments', {
        name: 'Big spenders',
        rule: { condition: { type: 'computed', trait: spendTrait, op: 'gte', value: 200 } },
      });
      assert.equal(big.status, 201, JSON.stringify(big.body));
      await settle();
      assert.deepEqual(ids((await api('GET', `/api/v1/segments/${big.body.id}/members`)).body.members), [
        alice,
      ]);
      const inUse = await api('DELETE', `/api/v1/computed-traits/${spendTrait}`);
      assert.equal(inUse.status, 409);
      assert.equal(inUse.body.error.code, 'in_use');
      assert.equal((await api('DELETE', `/api/v1/segments/${big.body.id}`)).status, 200);

      const bad = await api('PUT', `/api/v1/computed-traits/${spendTrait}`, {
        name: 'Spend',
        definition: { type: 'median', event: { name: 'Order Completed' } },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'unknown_condition');
      assert.ok(Array.isArray(bad.body.error.details));
      const notObject = await api('POST', '/api/v1/computed-traits', { name: 'x', definition: 'count' });
      assert.equal(notObject.status, 400);
      assert.equal(notObject.body.error.field, 'body.definition');

      const renamed = await api('PUT', `/api/v1/computed-traits/${spendTrait}`, {
        name: 'Lifetime spend',
        definition: { type: 'sum', event: { name: 'Order Completed' }, property: 'total' },
      });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'Lifetime spend');
      assert.equal((await api('PUT', '/api/v1/score-models/scm_nope', score.body)).status, 400);
      assert.equal(
        (
          await api('PUT', '/api/v1/score-models/scm_nope', {
            name: 'x',
            definition: { rules: [{ points: 1, per: { name: 'e' } }] },
          })
        ).status,
        404,
      );
      assert.deepEqual((await api('DELETE', `/api/v1/computed-traits/${spendTrait}`)).body, {
        deleted: spendTrait,
      });
      assert.equal((await api('DELETE', `/api/v1/computed-traits/${spendTrait}`)).status, 404);
      await settle();
    });

    test('personas: size and members of their segment; their segment cannot be deleted', async () => {
      const created = await api('POST', '/api/v1/personas', {
        name: 'لیلا، مشتری وفادار',
        description: 'Buys often, on the gold plan',
        goals: ['fast delivery'],
        criticalNeeds: ['support in Persian'],
        preferredChannels: ['app', 'sms'],
        imageUrl: 'https://example.com/leila.png',
        segmentId: gold,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const persona = created.body.id;
      assert.equal(created.body.size, 2);
      assert.deepEqual(created.body.preferredChannels, ['app', 'sms']);

      const list = await api('GET', '/api/v1/personas');
      assert.deepEqual(
        list.body.personas.map((p: Row) => [p.id, p.name, p.size]),
        [[persona, 'لیلا، مشتری وفادار', 2]],
      );
      const members = await api('GET', `/api/v1/personas/${persona}/members?limit=10`);
      assert.equal(members.status, 200);
      assert.equal(members.body.segmentId, gold);
      assert.deepEqual(ids(members.body.members), [alice, carol].sort());

      const del = await api('DELETE', `/api/v1/segments/${gold}`);
      assert.equal(del.status, 409);
      assert.equal(del.body.error.code, 'in_use');
      assert.match(del.body.error.message, new RegExp(persona));

      const moved = await api('PUT', `/api/v1/personas/${persona}`, { name: 'VIPs', segmentId: vip });
      assert.equal(moved.status, 200);
      assert.equal(moved.body.size, 1);
      assert.equal(moved.body.imageUrl, null);
      assert.deepEqual(moved.body.goals, []);
      assert.equal((await api('GET', `/api/v1/personas/${persona}`)).body.name, 'VIPs');

      const badSeg = await api('POST', '/api/v1/personas', { name: 'x', segmentId: 'seg_nope' });
      assert.equal(badSeg.status, 400);
      assert.equal(badSeg.body.error.field, 'segmentId');
      assert.equal(
        (await api('PUT', '/api/v1/personas/prs_nope', { name: 'x', segmentId: gold })).status,
        404,
      );

      assert.deepEqual((await api('DELETE', `/api/v1/personas/${persona}`)).body, { deleted: persona });
      assert.equal((await api('GET', `/api/v1/personas/${persona}/members`)).status, 404);
    });

    test('a purchase ageing out of the window exits the segment without any event (Segment Exited)', async () => {
      h.now += 31 * DAY;
      await settle();
      assert.deepEqual((await api('GET', `/api/v1/segments/${gold}/members`)).body.members, []);
      const timeline = await api('GET', `/api/v1/profiles/${alice}/events?limit=50`);
      const exited = timeline.body.events.filter(
        (e: TimelineEvent) => e.event === 'Segment Exited' && e.properties.segment_id === gold,
      );
      assert.equal(exited.length, 1);
      assert.deepEqual((await api('GET', `/api/v1/profiles/${alice}/values`)).body.computedTraits, {
        [ordersTrait]: 0,
      });
      const sizes = await api('GET', `/api/v1/segments/${gold}/sizes`);
      assert.equal(sizes.body.sizes.at(-1).size, 0);
    });

    test('the routes are documented in OpenAPI', async () => {
      const doc = (await h.app.inject({ url: '/api/docs/json' })).json();
      for (const p of [
        '/api/v1/segments',
        '/api/v1/segments/preview',
        '/api/v1/segments/{id}',
        '/api/v1/segments/{id}/members',
        '/api/v1/segments/{id}/members/import',
        '/api/v1/segments/{id}/sizes',
        '/api/v1/profiles/{id}/segments',
        '/api/v1/profiles/{id}/values',
        '/api/v1/computed-traits/{id}',
        '/api/v1/score-models',
        '/api/v1/personas/{id}/members',
      ]) {
        assert.ok(doc.paths[p], `OpenAPI describes ${p}`);
      }
      assert.ok(doc.paths['/api/v1/segments/{id}/members'].delete);
      assert.deepEqual(doc.paths['/api/v1/segments'].post.security, [{ bearer: [] }, { basic: [] }]);
    });
  });
