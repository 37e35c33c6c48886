// Identity resolution end to end: the real `omnicx start` process, driven only through its HTTP API
// (Segment tracking API in, profile API out), on every server-backed database dialect.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { processDialects } from '@omnicx/store/testing';
import { adminGet, ingest, type RunningServer } from '../support/server';
import {
  basic,
  fullTimeline,
  getProfile,
  identityHistory,
  lookup,
  lookupWhen,
  postWith,
  send,
  settled,
  startOnDialect,
  uid,
  type DialectServer,
  type ErrorBody,
  type ProfileView,
} from './support-identity';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Event time `minutes` after a fixed morning, as ISO-8601 (explicit times keep timelines deterministic). */
const at = (minutes: number) => new Date(Date.UTC(2026, 2, 1, 9, 0, 0) + minutes * 60_000).toISOString();

const sortIds = (ids: { type: string; value: string }[]) =>
  [...ids].sort((a, b) =>
    a.type + a.value < b.type + b.value ? -1 : a.type + a.value > b.type + b.value ? 1 : 0,
  );

const channelNames = (p: ProfileView) =>
  new Set(p.channels.filter((c) => c.touchpoint === null).map((c) => c.channel));

for (const dialect of processDialects()) {
  describe(`identity resolution through the HTTP API (${dialect.name})`, () => {
    let srv: DialectServer;
    let s: RunningServer;
    before(async () => {
      srv = await startOnDialect(dialect);
      s = srv.s;
    });
    after(async () => {
      await srv?.stop();
    });

    test('an anonymous visitor who identifies keeps the earlier anonymous history on the known profile', async () => {
      const anon = uid('anon');
      const user = uid('user');
      const email = `${user}@example.com`;
      await send(s, 'page', {
        anonymousId: anon,
        messageId: `${anon}-1`,
        name: 'Home',
        properties: { url: 'https://shop.example.ir/' },
        timestamp: at(0),
      });
      await send(s, 'track', {
        anonymousId: anon,
        messageId: `${anon}-2`,
        event: 'Product Viewed',
        properties: { sku: 'TAB-S9' },
        timestamp: at(1),
      });
      const anonymous = await lookupWhen(s, 'anonymousId', anon, (p) => p.eventCount === 2);
      assert.deepEqual(anonymous.identities, [{ type: 'anonymous_id', value: anon }]);

      await send(s, 'identify', {
        userId: user,
        anonymousId: anon,
        messageId: `${anon}-3`,
        traits: { email },
        timestamp: at(2),
      });
      const known = await lookupWhen(s, 'userId', user, (p) => p.eventCount === 3);
      assert.equal(known.id, anonymous.id, 'the anonymous profile becomes the known one');
      assert.deepEqual(
        sortIds(known.identities),
        sortIds([
          { type: 'anonymous_id', value: anon },
          { type: 'email', value: email },
          { type: 'user_id', value: user },
        ]),
      );
      assert.equal((await lookup(s, 'anonymousId', anon)).body.id, known.id);
      assert.equal((await lookup(s, 'email', email)).body.id, known.id);
      const events = await fullTimeline(s, known.id);
      assert.deepEqual(
        events.map((e) => e.messageId),
        [`${anon}-3`, `${anon}-2`, `${anon}-1`],
      );
      assert.equal(known.firstSeenAt, at(0));
      assert.equal(known.lastSeenAt, at(2));
    });

    test('alias with previousId = an anonymousId gives the anonymous profile and its history the new userId', async () => {
      const anon = uid('anon');
      const user = uid('user');
      await send(s, 'track', {
        anonymousId: anon,
        messageId: `${anon}-1`,
        event: 'Products Searched',
        timestamp: at(0),
      });
      const anonymous = await lookupWhen(s, 'anonymousId', anon);

      await send(s, 'alias', {
        type: 'alias',
        previousId: anon,
        userId: user,
        messageId: `${anon}-alias`,
        timestamp: at(1),
      });
      const known = await lookupWhen(s, 'userId', user);
      assert.equal(known.id, anonymous.id);
      assert.deepEqual(
        sortIds(known.identities),
        sortIds([
          { type: 'anonymous_id', value: anon },
          { type: 'user_id', value: user },
        ]),
      );
      assert.deepEqual(
        (await fullTimeline(s, known.id)).map((e) => [e.messageId, e.type]),
        [
          [`${anon}-alias`, 'alias'],
          [`${anon}-1`, 'track'],
        ],
      );
    });

    test('alias between an anonymous profile with history and a separate known profile merges them; the old id resolves to the survivor', async () => {
      const anon = uid('anon');
      const user = uid('user');
      const email = `${user}@example.com`;
      await send(s, 'page', {
        anonymousId: anon,
        messageId: `${anon}-1`,
        properties: { url: 'https://shop.example.ir/offer' },
        timestamp: at(0),
      });
      await send(s, 'track', {
        anonymousId: anon,
        messageId: `${anon}-2`,
        event: 'Product Added to Wishlist',
        timestamp: at(1),
      });
      await send(s, 'identify', {
        userId: user,
        messageId: `${user}-1`,
        traits: { email },
        context: { channel: 'store', touchpoint: 'store-12' },
        timestamp: at(2),
      });
      const anonymous = await lookupWhen(s, 'anonymousId', anon, (p) => p.eventCount === 2);
      const known = await lookupWhen(s, 'userId', user);
      assert.notEqual(anonymous.id, known.id, 'before the alias they are two profiles');

      await send(s, 'batch', {
        batch: [
          { type: 'alias', previousId: anon, userId: user, messageId: `${user}-alias`, timestamp: at(3) },
        ],
      });
      const merged = await lookupWhen(s, 'userId', user, (p) => p.eventCount === 4);
      // The known person's profile survives; the anonymous one is merged into it.
      assert.equal(merged.id, known.id);
      assert.deepEqual(merged.mergedFrom, [anonymous.id]);
      const survivor = known.id;
      const old = anonymous.id;
      assert.equal((await lookup(s, 'anonymousId', anon)).body.id, survivor);
      assert.equal((await lookup(s, 'email', email)).body.id, survivor);

      const viaOld = await getProfile(s, old);
      assert.equal(viaOld.status, 200);
      assert.equal(
        viaOld.body.id,
        survivor,
        'GET /api/v1/profiles/<merged-away id> resolves to the survivor',
      );
      assert.deepEqual(
        sortIds(merged.identities),
        sortIds([
          { type: 'anonymous_id', value: anon },
          { type: 'email', value: email },
          { type: 'user_id', value: user },
        ]),
      );
      assert.deepEqual(
        (await fullTimeline(s, survivor)).map((e) => e.messageId),
        [`${user}-alias`, `${user}-1`, `${anon}-2`, `${anon}-1`],
      );
      assert.deepEqual(channelNames(merged), new Set(['web', 'store', 'server']));

      const history = await identityHistory(s, survivor);
      assert.equal(history.merges.length, 1);
      const merge = history.merges[0]!;
      assert.equal(merge.targetProfileId, survivor);
      assert.equal(merge.sourceProfileId, old);
      assert.ok(
        merge.linkedBy.some((l) => l.type === 'anonymous_id' && l.value === anon) ||
          merge.linkedBy.some((l) => l.type === 'user_id' && l.value === user),
        `the merge names the identifier that linked the profiles: ${JSON.stringify(merge.linkedBy)}`,
      );
      // The history is the same whichever id it is asked through.
      assert.deepEqual(await identityHistory(s, old), history);
    });

    test('two devices of one person (web and app, each with history) identifying with the same userId end on one profile', async () => {
      const user = uid('user');
      const d1 = uid('web-device');
      const d2 = uid('app-device');
      await send(s, 'page', {
        anonymousId: d1,
        messageId: `${d1}-1`,
        name: 'Tablets',
        properties: { url: 'https://shop.example.ir/tablets' },
        timestamp: at(0),
      });
      await send(s, 'screen', {
        anonymousId: d2,
        messageId: `${d2}-1`,
        name: 'Home',
        context: { app: { name: 'Shop App', version: '4.2' }, os: { name: 'Android' } },
        timestamp: at(1),
      });
      const web = await lookupWhen(s, 'anonymousId', d1);
      const app = await lookupWhen(s, 'anonymousId', d2);
      assert.notEqual(web.id, app.id);

      await send(s, 'identify', {
        userId: user,
        anonymousId: d1,
        messageId: `${d1}-login`,
        context: { page: { url: 'https://shop.example.ir/login' } },
        timestamp: at(2),
      });
      await send(s, 'identify', {
        userId: user,
        anonymousId: d2,
        messageId: `${d2}-login`,
        context: { app: { name: 'Shop App', version: '4.2' }, os: { name: 'Android' } },
        timestamp: at(3),
      });
      const p = await lookupWhen(s, 'userId', user, (x) => x.eventCount === 4);
      assert.equal((await lookup(s, 'anonymousId', d1)).body.id, p.id);
      assert.equal((await lookup(s, 'anonymousId', d2)).body.id, p.id);
      // The device that identified first became the person's profile; the second device's profile joined it.
      assert.equal(p.id, web.id);
      assert.deepEqual(p.mergedFrom, [app.id]);
      assert.deepEqual(
        sortIds(p.identities),
        sortIds([
          { type: 'anonymous_id', value: d1 },
          { type: 'anonymous_id', value: d2 },
          { type: 'user_id', value: user },
        ]),
      );
      const events = await fullTimeline(s, p.id);
      assert.deepEqual(
        events.map((e) => [e.messageId, e.channel, e.touchpoint]),
        [
          [`${d2}-login`, 'app', 'Shop App'],
          [`${d1}-login`, 'web', 'shop.example.ir'],
          [`${d2}-1`, 'app', 'Shop App'],
          [`${d1}-1`, 'web', 'shop.example.ir'],
        ],
      );
      assert.deepEqual(channelNames(p), new Set(['web', 'app']));
      assert.equal(p.channels.find((c) => c.channel === 'web' && c.touchpoint === null)?.count, 2);
      assert.equal(p.channels.find((c) => c.channel === 'app' && c.touchpoint === null)?.count, 2);
    });

    /** 50 customers give their email on one shared store tablet (one anonymousId). */
    async function assertSharedTablet(tablet: string, emails: string[]) {
      const profiles: ProfileView[] = [];
      for (const email of emails) profiles.push(await lookupWhen(s, 'email', email));
      assert.equal(
        new Set(profiles.map((p) => p.id)).size,
        emails.length,
        'every email has a profile of its own',
      );
      for (const [i, p] of profiles.entries()) {
        assert.equal(
          p.identities.filter((x) => x.type === 'email').length,
          1,
          `profile of ${emails[i]} holds only its own email`,
        );
        assert.equal(p.identities.find((x) => x.type === 'email')?.value, emails[i]);
        assert.equal(p.eventCount, 1);
        assert.deepEqual(p.mergedFrom, []);
      }
      // The tablet's id stays with the first customer; every later customer's claim on it is refused and recorded.
      const first = profiles[0]!;
      assert.equal((await lookup(s, 'anonymousId', tablet)).body.id, first.id);
      for (const p of profiles.slice(1)) {
        assert.ok(
          !p.identities.some((x) => x.type === 'anonymous_id'),
          'the tablet id is not attached to later customers',
        );
        const { conflicts, merges } = await identityHistory(s, p.id);
        assert.deepEqual(merges, []);
        assert.equal(conflicts.length, 1, JSON.stringify(conflicts));
        const c = conflicts[0]!;
        assert.equal(c.profileId, p.id);
        assert.equal(c.identifierType, 'anonymous_id');
        assert.equal(c.identifierValue, tablet);
        assert.equal(c.reason, 'conflict');
        assert.equal(c.otherProfileId, first.id);
        assert.match(c.detail, /not merged/);
      }
      const firstHistory = await identityHistory(s, first.id);
      assert.equal(
        firstHistory.conflicts.length,
        emails.length - 1,
        "the first customer's history shows every refused claim on the tablet",
      );
      assert.ok(
        firstHistory.conflicts.every((c) => c.reason === 'conflict' && c.otherProfileId === first.id),
      );
    }

    test('a shared store tablet: one anonymousId with 50 emails in ONE batch gives 50 separate profiles and records the refusals', async () => {
      const tablet = uid('tablet');
      const emails = Array.from({ length: 50 }, (_, i) => `${tablet}-customer${i}@example.com`);
      await send(s, 'batch', {
        batch: emails.map((email, i) => ({
          type: 'identify',
          anonymousId: tablet,
          traits: { email },
          context: { channel: 'store', touchpoint: 'store-12' },
          timestamp: at(i),
        })),
      });
      await assertSharedTablet(tablet, emails);
    });

    test('a shared store tablet: one anonymousId with 50 emails in 50 separate requests gives 50 separate profiles and records the refusals', async () => {
      const tablet = uid('tablet');
      const emails = Array.from({ length: 50 }, (_, i) => `${tablet}-customer${i}@example.com`);
      for (const [i, email] of emails.entries()) {
        await send(s, 'identify', {
          anonymousId: tablet,
          traits: { email },
          context: { channel: 'store', touchpoint: 'store-12' },
          timestamp: at(i),
        });
      }
      await assertSharedTablet(tablet, emails);
    });

    test('a blocklisted email ("null") is never an identifier: two users sending it stay separate and it cannot be looked up', async () => {
      const u1 = uid('user');
      const u2 = uid('user');
      await send(s, 'identify', { userId: u1, traits: { email: 'null' } });
      await send(s, 'identify', { userId: u2, traits: { email: 'NULL' } });
      const p1 = await lookupWhen(s, 'userId', u1);
      const p2 = await lookupWhen(s, 'userId', u2);
      assert.notEqual(p1.id, p2.id);
      assert.deepEqual(p1.identities, [{ type: 'user_id', value: u1 }]);
      assert.deepEqual(p2.identities, [{ type: 'user_id', value: u2 }]);
      const r = await lookup(s, 'email', 'null');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'invalid_identifier');
      assert.match(r.body.error.message, /blocklist/);
    });

    test('a refused blocklisted identifier is recorded in the profile\'s identity-history with reason "blocked"', async () => {
      const user = uid('user');
      await send(s, 'identify', { userId: user, traits: { email: 'test@test.com' } });
      const p = await lookupWhen(s, 'userId', user);
      assert.deepEqual(p.identities, [{ type: 'user_id', value: user }]);
      const { conflicts } = await identityHistory(s, p.id);
      assert.ok(
        conflicts.some(
          (c) =>
            c.identifierType === 'email' && c.identifierValue === 'test@test.com' && c.reason === 'blocked',
        ),
        `identity-history should say why email "test@test.com" was not attached (got ${JSON.stringify(conflicts)})`,
      );
    });

    test('userId "anonymous" is ignored but the event is accepted on the profile of its valid anonymousId; two devices sending it stay separate', async () => {
      const d1 = uid('device');
      const d2 = uid('device');
      await send(s, 'track', { userId: 'anonymous', anonymousId: d1, event: 'Cart Viewed' });
      await send(s, 'track', { userId: 'Anonymous', anonymousId: d2, event: 'Cart Viewed' });
      const p1 = await lookupWhen(s, 'anonymousId', d1);
      const p2 = await lookupWhen(s, 'anonymousId', d2);
      assert.notEqual(p1.id, p2.id);
      assert.deepEqual(p1.identities, [{ type: 'anonymous_id', value: d1 }]);
      assert.deepEqual(p2.identities, [{ type: 'anonymous_id', value: d2 }]);
      assert.equal((await fullTimeline(s, p1.id)).length, 1);
      const r = await lookup(s, 'userId', 'anonymous');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'invalid_identifier');
    });

    test('an event whose ONLY identifier is blocklisted is accepted (200) and kept on a new profile with no identifiers, never merged with another such event', async () => {
      const marker = uid('orphan');
      const r1 = await ingest(s, 'identify', { userId: 'anonymous', traits: { marker, email: 'null' } });
      const r2 = await ingest(s, 'identify', { userId: 'guest', traits: { marker } });
      assert.equal(r1.status, 200);
      assert.equal(r2.status, 200);
      await settled(s);
      const found = await adminGet<{ profiles: ProfileView[] }>(
        s,
        `/api/v1/profiles?trait=${encodeURIComponent(`marker:${marker}`)}`,
      );
      assert.equal(found.status, 200);
      assert.equal(found.body.profiles.length, 2, 'each event is kept, on a profile of its own');
      for (const p of found.body.profiles) {
        assert.deepEqual(p.identities, []);
        assert.equal(p.eventCount, 1);
        assert.equal(p.traits.marker, marker);
      }
    });

    test('the all-zero anonymousId never merges two different users who share it', async () => {
      const u1 = uid('user');
      const u2 = uid('user');
      await send(s, 'identify', {
        userId: u1,
        anonymousId: NIL_UUID,
        traits: { email: `${u1}@example.com` },
      });
      await send(s, 'identify', {
        userId: u2,
        anonymousId: NIL_UUID,
        traits: { email: `${u2}@example.com` },
      });
      await send(s, 'track', { userId: u1, anonymousId: NIL_UUID, event: 'Order Completed' });
      const p1 = await lookupWhen(s, 'userId', u1, (p) => p.eventCount === 2);
      const p2 = await lookupWhen(s, 'userId', u2);
      assert.notEqual(p1.id, p2.id);
      assert.equal(p2.eventCount, 1);
      for (const p of [p1, p2])
        assert.ok(!p.identities.some((i) => i.type === 'anonymous_id'), JSON.stringify(p.identities));
      const r = await lookup(s, 'anonymousId', NIL_UUID);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'invalid_identifier');
    });

    test('conflicting traits: identifies sent out of order keep the value of the newest event time', async () => {
      const user = uid('user');
      await send(s, 'identify', { userId: user, traits: { plan: 'pro', city: 'Tehran' }, timestamp: at(10) });
      await send(s, 'identify', {
        userId: user,
        traits: { plan: 'free', city: 'Shiraz', company: 'Brand X' },
        timestamp: at(5),
      });
      const p = await lookupWhen(s, 'userId', user, (x) => x.eventCount === 2);
      assert.equal(p.traits.plan, 'pro', 'the older event arriving later must not overwrite plan');
      assert.equal(p.traits.city, 'Tehran');
      assert.equal(p.traits.company, 'Brand X', 'a trait only the older event has is still taken');
      assert.equal(p.firstSeenAt, at(5));
      assert.equal(p.lastSeenAt, at(10));
    });

    test('a merge keeps, per trait, the value with the newest event time from either profile', async () => {
      const anon = uid('anon');
      const user = uid('user');
      await send(s, 'identify', { anonymousId: anon, traits: { tier: 'silver' }, timestamp: at(0) });
      await send(s, 'identify', { anonymousId: anon, traits: { plan: 'trial' }, timestamp: at(3) });
      await send(s, 'identify', { userId: user, traits: { plan: 'pro' }, timestamp: at(1) });
      await send(s, 'identify', { userId: user, traits: { tier: 'gold' }, timestamp: at(4) });
      await lookupWhen(s, 'anonymousId', anon, (p) => p.eventCount === 2);
      const known = await lookupWhen(s, 'userId', user, (p) => p.eventCount === 2);
      assert.deepEqual(known.traits, { plan: 'pro', tier: 'gold' });

      await send(s, 'identify', { userId: user, anonymousId: anon, timestamp: at(5) });
      const merged = await lookupWhen(s, 'userId', user, (p) => p.eventCount === 5);
      assert.equal(merged.mergedFrom.length, 1);
      assert.deepEqual(merged.traits, { plan: 'trial', tier: 'gold' });
    });

    test('phone numbers in Persian digits are normalized to E.164: +98…, 0098… and 09… all find the profile', async () => {
      const user = uid('user');
      await send(s, 'identify', { userId: user, traits: { phone: '۰۹۱۲ ۱۲۳ ۴۵۶۷' } });
      const p = await lookupWhen(s, 'userId', user);
      assert.deepEqual(
        sortIds(p.identities),
        sortIds([
          { type: 'phone', value: '+989121234567' },
          { type: 'user_id', value: user },
        ]),
      );
      for (const q of ['+989121234567', '00989121234567', '09121234567', '۰۹۱۲۱۲۳۴۵۶۷', '+98 912 123 4567']) {
        const r = await lookup(s, 'phone', q);
        assert.equal(r.status, 200, `lookup phone=${q}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.id, p.id, `phone=${q}`);
      }
      // The trait keeps what the customer typed; only the identifier is normalized.
      assert.equal(p.traits.phone, '۰۹۱۲ ۱۲۳ ۴۵۶۷');
    });

    test('an Emirati number in Arabic-Indic digits sent in international form (+٩٧١…) is stored as +971… and found either way', async () => {
      const user = uid('user');
      await send(s, 'identify', { userId: user, traits: { phone: '+٩٧١٥٠١٢٣٤٥٦٧' } });
      const p = await lookupWhen(s, 'userId', user);
      assert.ok(
        p.identities.some((i) => i.type === 'phone' && i.value === '+971501234567'),
        JSON.stringify(p.identities),
      );
      for (const q of ['+971501234567', '00971501234567', '+٩٧١٥٠١٢٣٤٥٦٧']) {
        const r = await lookup(s, 'phone', q);
        assert.equal(r.status, 200, `lookup phone=${q}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.id, p.id);
      }
    });

    test('a national Emirati number «٠٥٠١٢٣٤٥٦٧» is read with the default country IR, is no valid Iranian number, and is not attached as a bogus +980… phone', async () => {
      const user = uid('user');
      await send(s, 'identify', { userId: user, traits: { phone: '٠٥٠١٢٣٤٥٦٧' } });
      const p = await lookupWhen(s, 'userId', user);
      assert.deepEqual(p.identities, [{ type: 'user_id', value: user }]);
      assert.equal(p.traits.phone, '٠٥٠١٢٣٤٥٦٧');
      const r = await lookup(s, 'phone', '٠٥٠١٢٣٤٥٦٧');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'invalid_identifier');
    });

    test('an unknown write key is refused with 401 invalid_key and nothing is stored', async () => {
      const user = uid('user');
      const r = await postWith(s, '/v1/track', basic('wk_not_a_real_key'), {
        userId: user,
        event: 'Order Completed',
      });
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'invalid_key');
      const none = await postWith(s, '/v1/track', null, { userId: user, event: 'Order Completed' });
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'missing_key');
      await settled(s);
      assert.equal((await lookup(s, 'userId', user)).status, 404);
    });

    test('the admin API refuses the public write key with 403 forbidden', async () => {
      const res = await fetch(`${s.url}/api/v1/profiles/lookup?email=a%40example.com`, {
        headers: { authorization: `Bearer ${s.writeKey}` },
      });
      assert.equal(res.status, 403);
      const body = (await res.json()) as ErrorBody;
      assert.equal(body.error.code, 'forbidden');
      assert.match(body.error.message, /secret key/);
    });

    test('a message without userId or anonymousId is refused with 400 naming userId', async () => {
      const r = await ingest(s, 'track', { event: 'Order Completed', properties: { order_id: 'x' } });
      assert.equal(r.status, 400);
      const body = r.body as ErrorBody;
      assert.equal(body.error.code, 'missing_identity');
      assert.equal(body.error.field, 'userId');
      assert.match(body.error.message, /userId/);
    });

    test('a batch whose third message has no event name is refused whole, naming batch[2].event', async () => {
      const user = uid('user');
      const r = await ingest(s, 'batch', {
        batch: [
          { type: 'identify', userId: user, traits: { email: `${user}@example.com` } },
          { type: 'track', userId: user, event: 'Product Viewed' },
          { type: 'track', userId: user, properties: { sku: 'TAB-S9' } },
        ],
      });
      assert.equal(r.status, 400);
      const body = r.body as ErrorBody;
      assert.equal(body.error.code, 'missing_field');
      assert.equal(body.error.field, 'batch[2].event');
      assert.match(body.error.message, /^batch\[2\]\.event /);
      await settled(s);
      assert.equal(
        (await lookup(s, 'userId', user)).status,
        404,
        'no message of the refused batch is stored',
      );
    });

    test('looking up an email nobody has gives 404 not_found', async () => {
      const r = await lookup(s, 'email', `${uid('nobody')}@example.com`);
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'not_found');
      const missing = await getProfile(s, 'prf_does_not_exist');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'not_found');
    });
  });
}
