// Real analytics SDKs against the real server: Charlotte's story (PRODUCT.md) sent by @segment/analytics-node
// read back through the profile API, on every server-backed dialect.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Analytics, type IdentifyParams, type PageParams, type TrackParams } from '@segment/analytics-node';
import { processDialects } from '@omnicx/store/testing';
import { adminGet, type RunningServer } from '../support/server';
import {
  basic,
  fullTimeline,
  lookup,
  lookupWhen,
  postWith,
  settled,
  startOnDialect,
  timeline,
  uid,
  type DialectServer,
  type ProfileView,
  type TimelineEntry,
} from './support-identity';

const NAME = 'شارلوت';
const PRODUCT = 'تبلت سامسونگ';
const SEARCH = 'تبلت';
const SHOP = 'shop.brand-x.ir';

interface Step {
  kind: 'page' | 'track' | 'identify';
  params: Record<string, unknown> & { messageId: string; timestamp: Date };
  expect: { type: string; event: string | null; channel: string; touchpoint: string | null };
}

interface Story {
  anon: string;
  user: string;
  /** As Charlotte typed it at login: mixed case. */
  email: string;
  order: string;
  steps: Step[];
}

/** Event time `minutes` after a fixed morning. */
const at = (minutes: number) => new Date(Date.UTC(2026, 4, 10, 8, 0, 0) + minutes * 60_000);

/**
 * Charlotte and brand X: an anonymous page view and a search on the web, login (identify), a wishlist add,
 * a QR scan, the order paid in store #12, and a call to the IVR about that order.
 */
function charlotteStory(tag: string): Story {
  const anon = `${tag}-browser`;
  const user = `${tag}-charlotte`;
  const email = `Charlotte.${tag}@Brand-X.Example.COM`;
  const order = `ORD-${tag}`;
  const web = (path: string) => ({ page: { url: `https://${SHOP}${path}` } });
  const steps: Step[] = [
    {
      kind: 'page',
      params: {
        anonymousId: anon,
        messageId: `${tag}-1`,
        name: 'Tablet Offer',
        properties: { url: `https://${SHOP}/offers/tablet`, title: 'پیشنهاد ویژه' },
        timestamp: at(0),
      },
      expect: { type: 'page', event: 'Tablet Offer', channel: 'web', touchpoint: SHOP },
    },
    {
      kind: 'track',
      params: {
        anonymousId: anon,
        messageId: `${tag}-2`,
        event: 'Products Searched',
        properties: { query: SEARCH },
        context: web('/search'),
        timestamp: at(1),
      },
      expect: { type: 'track', event: 'Products Searched', channel: 'web', touchpoint: SHOP },
    },
    {
      kind: 'identify',
      params: {
        userId: user,
        anonymousId: anon,
        messageId: `${tag}-3`,
        traits: { email, name: NAME },
        context: web('/login'),
        timestamp: at(2),
      },
      expect: { type: 'identify', event: null, channel: 'web', touchpoint: SHOP },
    },
    {
      kind: 'track',
      params: {
        userId: user,
        messageId: `${tag}-4`,
        event: 'Product Added to Wishlist',
        properties: { product_id: 'SM-X710', name: PRODUCT, price: 189000000, currency: 'IRR' },
        context: web('/p/SM-X710'),
        timestamp: at(3),
      },
      expect: { type: 'track', event: 'Product Added to Wishlist', channel: 'web', touchpoint: SHOP },
    },
    {
      kind: 'track',
      params: {
        userId: user,
        messageId: `${tag}-5`,
        event: 'QR Code Scanned',
        properties: { offer_id: 'tablet-offer' },
        context: { channel: 'qr', touchpoint: 'poster-tablet-offer' },
        timestamp: at(4),
      },
      expect: { type: 'track', event: 'QR Code Scanned', channel: 'qr', touchpoint: 'poster-tablet-offer' },
    },
    {
      kind: 'track',
      params: {
        userId: user,
        messageId: `${tag}-6`,
        event: 'Order Completed',
        properties: {
          order_id: order,
          total: 189000000,
          currency: 'IRR',
          products: [{ product_id: 'SM-X710', name: PRODUCT, quantity: 1 }],
        },
        context: { channel: 'store', touchpoint: 'store-12' },
        timestamp: at(5),
      },
      expect: { type: 'track', event: 'Order Completed', channel: 'store', touchpoint: 'store-12' },
    },
    {
      kind: 'track',
      params: {
        userId: user,
        messageId: `${tag}-7`,
        event: 'Order Status Requested',
        properties: { order_id: order },
        context: { channel: 'phone', touchpoint: 'ivr-main' },
        timestamp: at(6),
      },
      expect: { type: 'track', event: 'Order Status Requested', channel: 'phone', touchpoint: 'ivr-main' },
    },
  ];
  return { anon, user, email, order, steps };
}

/** Byte-exact UTF-8 comparison (a normalization or re-encoding would change the bytes). */
function assertSameUtf8(actual: unknown, expected: string, what: string) {
  assert.equal(typeof actual, 'string', `${what} should be a string`);
  assert.ok(
    Buffer.from(actual as string, 'utf8').equals(Buffer.from(expected, 'utf8')),
    `${what}: ${JSON.stringify(actual)} !== ${JSON.stringify(expected)}`,
  );
}

const byKey = (p: ProfileView, channel: string, touchpoint: string | null) =>
  p.channels.find((c) => c.channel === channel && c.touchpoint === touchpoint);

/** Everything Charlotte did is on one profile, whichever identifier it is found by. */
async function assertCharlotte(s: RunningServer, story: Story, library: string): Promise<ProfileView> {
  const { anon, user, email, order, steps } = story;
  const p = await lookupWhen(s, 'email', email.toLowerCase(), (x) => x.eventCount === steps.length);
  for (const [param, value] of [
    ['email', email],
    ['email', email.toUpperCase()],
    ['userId', user],
    ['anonymousId', anon],
  ] as const) {
    const r = await lookup(s, param, value);
    assert.equal(r.status, 200, `${param}=${value}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.id, p.id, `${param}=${value} finds the same profile`);
  }

  assert.deepEqual(
    [...p.identities].sort((a, b) => a.type.localeCompare(b.type)),
    [
      { type: 'anonymous_id', value: anon },
      { type: 'email', value: email.toLowerCase() },
      { type: 'user_id', value: user },
    ],
  );
  assertSameUtf8(p.traits.name, NAME, 'traits.name');
  assert.equal(p.traits.email, email, 'the trait keeps the address as typed; the identifier is normalized');
  assert.deepEqual(p.mergedFrom, []);
  assert.equal(p.eventCount, 7);
  assert.equal(p.firstSeenAt, at(0).toISOString());
  assert.equal(p.lastSeenAt, at(6).toISOString());

  assert.deepEqual(
    new Set(p.channels.filter((c) => c.touchpoint === null).map((c) => c.channel)),
    new Set(['web', 'store', 'qr', 'phone']),
  );
  assert.equal(byKey(p, 'web', null)?.count, 4);
  assert.equal(byKey(p, 'web', SHOP)?.count, 4);
  assert.equal(byKey(p, 'store', 'store-12')?.count, 1);
  assert.equal(byKey(p, 'store', 'store-12')?.firstSeenAt, at(5).toISOString());
  assert.equal(byKey(p, 'qr', 'poster-tablet-offer')?.count, 1);
  assert.equal(byKey(p, 'phone', 'ivr-main')?.count, 1);
  assert.equal(byKey(p, 'phone', 'ivr-main')?.lastSeenAt, at(6).toISOString());

  // The timeline: every event, newest first, attributed to its channel and touchpoint.
  const page = await timeline(s, p.id, 'limit=50');
  assert.equal(page.profileId, p.id);
  assert.equal(page.next, null);
  const events = page.events;
  const expected = [...steps].reverse();
  assert.deepEqual(
    events.map((e) => ({
      messageId: e.messageId,
      type: e.type,
      event: e.event,
      channel: e.channel,
      touchpoint: e.touchpoint,
      timestamp: e.timestamp,
    })),
    expected.map((st) => ({
      messageId: st.params.messageId,
      ...st.expect,
      timestamp: st.params.timestamp.toISOString(),
    })),
  );
  for (const e of events) {
    assert.equal(
      (e.context.library as { name?: string } | undefined)?.name,
      library,
      `${e.messageId} was sent by ${library}`,
    );
    assert.equal(e.context.channel, e.channel);
  }
  const byId = new Map<string, TimelineEntry>(events.map((e) => [e.messageId, e]));
  const tag = steps[0]!.params.messageId.slice(0, -2);
  assertSameUtf8(byId.get(`${tag}-2`)!.properties.query, SEARCH, 'Products Searched query');
  assertSameUtf8(byId.get(`${tag}-3`)!.traits.name, NAME, 'identify traits.name');
  assertSameUtf8(byId.get(`${tag}-4`)!.properties.name, PRODUCT, 'wishlist product name');
  const products = byId.get(`${tag}-6`)!.properties.products as { name: string }[];
  assertSameUtf8(products[0]!.name, PRODUCT, 'Order Completed products[0].name');
  assert.equal(byId.get(`${tag}-6`)!.properties.order_id, order);
  assert.equal(byId.get(`${tag}-7`)!.properties.order_id, order, 'the IVR knows the order');

  // Paging with `before`: the cursor of each page continues exactly where it stopped.
  const paged: TimelineEntry[] = [];
  let before: string | null = null;
  let pages = 0;
  do {
    const q: string = `limit=3${before ? `&before=${encodeURIComponent(before)}` : ''}`;
    const r = await timeline(s, p.id, q);
    assert.ok(r.events.length <= 3);
    paged.push(...r.events);
    before = r.next;
    pages++;
  } while (before && pages < 10);
  assert.equal(pages, 3);
  assert.deepEqual(
    paged.map((e) => e.id),
    events.map((e) => e.id),
  );
  // `before` also takes a date: strictly older events only.
  const older = await timeline(s, p.id, `limit=50&before=${encodeURIComponent(at(3).toISOString())}`);
  assert.deepEqual(
    older.events.map((e) => e.messageId),
    [`${tag}-3`, `${tag}-2`, `${tag}-1`],
  );

  // A Persian trait value is searchable as sent.
  const found = await adminGet<{ profiles: ProfileView[] }>(
    s,
    `/api/v1/profiles?trait=${encodeURIComponent(`name:${NAME}`)}&limit=200`,
  );
  assert.equal(found.status, 200);
  assert.ok(found.body.profiles.some((x) => x.id === p.id));
  return p;
}

/** The Segment client pointed at the test server, recording every HTTP exchange and error. */
function segmentClient(s: RunningServer) {
  const analytics = new Analytics({
    writeKey: s.writeKey,
    host: s.url,
    path: '/v1/batch',
    flushAt: 20,
    flushInterval: 200,
    maxRetries: 0,
  });
  const requests: { url: string; body: string }[] = [];
  const statuses: number[] = [];
  const errors: unknown[] = [];
  analytics.on('http_request', (r) => requests.push({ url: r.url, body: r.body }));
  analytics.on('http_response', (r) => statuses.push(r.status));
  analytics.on('error', (e) => errors.push(e));
  return { analytics, requests, statuses, errors };
}

function sendWithSegment(analytics: Analytics, steps: Step[]) {
  for (const st of steps) {
    if (st.kind === 'page') analytics.page(st.params as unknown as PageParams);
    else if (st.kind === 'identify') analytics.identify(st.params as unknown as IdentifyParams);
    else analytics.track(st.params as unknown as TrackParams);
  }
}

for (const dialect of processDialects()) {
  describe(`real analytics SDKs against omnicx start (${dialect.name})`, () => {
    let srv: DialectServer;
    let s: RunningServer;
    before(async () => {
      srv = await startOnDialect(dialect);
      s = srv.s;
    });
    after(async () => {
      await srv?.stop();
    });

    test("@segment/analytics-node delivers Charlotte's cross-channel story to one profile with a complete, byte-exact timeline", async () => {
      const story = charlotteStory(uid('seg'));
      const { analytics, requests, statuses, errors } = segmentClient(s);
      sendWithSegment(analytics, story.steps);
      await analytics.closeAndFlush({ timeout: 10000 });
      assert.deepEqual(errors, []);
      assert.ok(requests.length >= 1);
      assert.ok(
        requests.every((r) => r.url === `${s.url}/v1/batch`),
        JSON.stringify(requests.map((r) => r.url)),
      );
      assert.ok(
        statuses.every((x) => x === 200),
        `every batch accepted: ${statuses.join(',')}`,
      );
      await assertCharlotte(s, story, '@segment/analytics-node');
    });

    test('a batch re-sent with the same messageIds (an SDK retry) is stored once; only new messageIds are added', async () => {
      const user = uid('retry');
      const { analytics, requests, statuses, errors } = segmentClient(s);
      analytics.identify({ userId: user, traits: { email: `${user}@example.com`, name: NAME } });
      analytics.track({ userId: user, event: 'Product Added to Wishlist', properties: { name: PRODUCT } });
      analytics.track({
        userId: user,
        event: 'Order Completed',
        properties: { order_id: `ORD-${user}` },
        context: { channel: 'store', touchpoint: 'store-12' },
      });
      await analytics.closeAndFlush({ timeout: 10000 });
      assert.deepEqual(errors, []);
      assert.ok(statuses.every((x) => x === 200));
      const p = await lookupWhen(s, 'userId', user, (x) => x.eventCount === 3);
      const sent = requests.flatMap((r) => (JSON.parse(r.body) as { batch: { messageId: string }[] }).batch);
      const sentIds = sent.map((m) => m.messageId).sort();
      assert.equal(sentIds.length, 3);
      assert.deepEqual((await fullTimeline(s, p.id)).map((e) => e.messageId).sort(), sentIds);

      // Replay the SDK's own request bodies, twice, as a client retrying after a lost response would.
      for (let i = 0; i < 2; i++) {
        for (const r of requests) {
          const res = await fetch(r.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: basic(s.writeKey) },
            body: r.body,
          });
          assert.equal(res.status, 200, 'a duplicate is acknowledged like any accepted message');
        }
      }
      // One duplicate and one new message in the same batch: only the new one is added.
      const fresh = `${user}-fresh`;
      const mixed = await postWith(s, '/v1/batch', basic(s.writeKey), {
        batch: [
          sent[0],
          {
            type: 'track',
            userId: user,
            event: 'Order Status Requested',
            messageId: fresh,
            context: { channel: 'phone', touchpoint: 'ivr-main' },
          },
        ],
      });
      assert.equal(mixed.status, 200);
      await settled(s);

      const replayed = await lookup(s, 'userId', user);
      assert.equal(replayed.body.id, p.id);
      assert.equal(replayed.body.eventCount, 4);
      const events = await fullTimeline(s, p.id);
      assert.deepEqual(events.map((e) => e.messageId).sort(), [...sentIds, fresh].sort());
      assert.equal(
        byKey(replayed.body, 'store', 'store-12')?.count,
        1,
        'channel counts are not inflated by duplicates',
      );
    });
  });
}
