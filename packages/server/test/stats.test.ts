// GET /api/v1/stats/events: events per day and channel, every day of the range present, days starting at
// the viewer's midnight.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildEngine, type Engine } from '@omnicx/engine';
import type { Store } from '@omnicx/store';
import { testDialects } from '@omnicx/store/testing';
import { buildApp } from '../src/index';

const WK = 'wk_test_0123456789abcdef';
const SK = 'sk_test_0123456789abcdef';
const DAY = 86_400_000;
// "Now" is 2026-03-10 12:00 UTC (15:30 in Tehran).
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

for (const dialect of testDialects()) {
  describe(`stats API on ${dialect.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let engine: Engine;
    let app: FastifyInstance;
    before(async () => {
      ({ store, cleanup } = await dialect.open());
      engine = buildEngine({ store, clock: { now: () => NOW }, pipeline: { pollMs: 60000 } });
      await engine.workspaces.bootstrap({ writeKey: WK, secretKey: SK });
      app = await buildApp({ engine, logger: false, webDist: false });
      const at = (ms: number) => new Date(ms).toISOString();
      const batch = [
        {
          type: 'page',
          userId: 'u1',
          name: 'Home',
          timestamp: at(NOW - 60_000),
          context: { channel: 'web' },
        },
        {
          type: 'track',
          userId: 'u1',
          event: 'Order Completed',
          timestamp: at(NOW - 2 * 60_000),
          context: { channel: 'store' },
        },
        {
          type: 'track',
          userId: 'u1',
          event: 'Call',
          timestamp: at(NOW - DAY),
          context: { channel: 'phone' },
        },
        {
          type: 'track',
          userId: 'u2',
          event: 'Call',
          timestamp: at(NOW - DAY - 1000),
          context: { channel: 'phone' },
        },
        // 2026-03-09 21:00 UTC: the 9th in UTC, already the 10th in Tehran (+03:30).
        {
          type: 'track',
          userId: 'u2',
          event: 'Late',
          timestamp: at(Date.UTC(2026, 2, 9, 21, 0)),
          context: { channel: 'web' },
        },
        // Older than 7 days: outside a 7-day range.
        {
          type: 'track',
          userId: 'u2',
          event: 'Old',
          timestamp: at(NOW - 9 * DAY),
          context: { channel: 'email' },
        },
      ];
      const r = await app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: {
          authorization: `Basic ${Buffer.from(`${WK}:`).toString('base64')}`,
          'content-type': 'application/json',
        },
        payload: JSON.stringify({ batch }),
      });
      assert.equal(r.statusCode, 200, r.body);
    });
    after(async () => {
      await app.close();
      await engine.stop();
      await cleanup();
    });

    const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${SK}` } });

    test('counts per UTC day and channel; every day present, oldest first', async () => {
      const r = await get('/api/v1/stats/events?days=7');
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json();
      assert.equal(body.days.length, 7);
      assert.equal(body.days[0].date, '2026-03-04');
      assert.equal(body.days[6].date, '2026-03-10');
      assert.equal(body.days[6].start, Date.UTC(2026, 2, 10));
      assert.deepEqual(body.days[6].counts, { web: 1, store: 1 });
      assert.deepEqual(body.days[5].counts, { phone: 2, web: 1 });
      assert.equal(body.days[4].total, 0);
      assert.equal(body.total, 5);
      assert.deepEqual(body.channels[0], { channel: 'phone', total: 2 });
      assert.equal(body.channels.length, 3);
    });

    test("offsetMinutes moves the day boundary to the viewer's midnight", async () => {
      const body = (await get('/api/v1/stats/events?days=2&offsetMinutes=210')).json();
      assert.equal(body.days.length, 2);
      assert.equal(body.days[1].date, '2026-03-10');
      assert.equal(body.days[1].start, Date.UTC(2026, 2, 10) - 210 * 60_000);
      assert.deepEqual(body.days[1].counts, { web: 2, store: 1 });
      assert.deepEqual(body.days[0].counts, { phone: 2 });
    });

    test('a longer range includes older events; bad input is a clear 400; a key is required', async () => {
      const body = (await get('/api/v1/stats/events?days=30')).json();
      assert.equal(body.days.length, 30);
      assert.equal(body.total, 6);
      const bad = await get('/api/v1/stats/events?days=0');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.field, 'days');
      const tooMany = await get('/api/v1/stats/events?days=1000');
      assert.equal(tooMany.statusCode, 400);
      assert.equal((await app.inject({ url: '/api/v1/stats/events' })).statusCode, 401);
    });
  });
}
