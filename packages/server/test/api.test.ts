import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildEngine, type Engine } from '@omnicx/engine';
import type { Store } from '@omnicx/store';
import { testDialects } from '@omnicx/store/testing';
import { buildApp } from '../src/index';

const WK = 'wk_test_0123456789abcdef';
const SK = 'sk_test_0123456789abcdef';
const basic = (k: string) => `Basic ${Buffer.from(`${k}:`).toString('base64')}`;
const bearer = (k: string) => `Bearer ${k}`;

for (const dialect of testDialects()) {
  describe(`HTTP API on ${dialect.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let engine: Engine;
    let app: FastifyInstance;
    before(async () => {
      ({ store, cleanup } = await dialect.open());
      engine = buildEngine({ store, pipeline: { pollMs: 60000 } });
      await engine.workspaces.bootstrap({ writeKey: WK, secretKey: SK });
      app = await buildApp({ engine, logger: false });
    });
    after(async () => {
      await app.close();
      await engine.stop();
      await cleanup();
    });

    const track = (body: unknown, headers: Record<string, string> = { authorization: basic(WK) }) =>
      app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(body),
      });

    describe('authentication', () => {
      test('accepts the write key as Basic username, as Bearer token, and as the body writeKey of analytics.js', async () => {
        assert.equal((await track({ userId: 'u', event: 'e' })).statusCode, 200);
        assert.equal(
          (await track({ userId: 'u', event: 'e' }, { authorization: bearer(WK) })).statusCode,
          200,
        );
        assert.equal((await track({ userId: 'u', event: 'e', writeKey: WK }, {})).statusCode, 200);
      });
      test('a missing key is 401 missing_key with how to send one', async () => {
        const r = await track({ userId: 'u', event: 'e' }, {});
        assert.equal(r.statusCode, 401);
        assert.equal(r.json().error.code, 'missing_key');
        assert.match(r.json().error.message, /Basic username/);
      });
      test('an unknown key is 401 invalid_key and reveals nothing else', async () => {
        const r = await track({ userId: 'u', event: 'e' }, { authorization: basic('wk_nope_0123456789') });
        assert.equal(r.statusCode, 401);
        assert.deepEqual(r.json(), {
          error: { code: 'invalid_key', message: 'the API key is not valid (unknown or revoked)' },
        });
      });
      test('a write key cannot use the admin API; a secret key can', async () => {
        const w = await app.inject({ url: '/api/v1/keys', headers: { authorization: bearer(WK) } });
        assert.equal(w.statusCode, 403);
        assert.equal(w.json().error.code, 'forbidden');
        const s = await app.inject({ url: '/api/v1/keys', headers: { authorization: bearer(SK) } });
        assert.equal(s.statusCode, 200);
        assert.equal(s.json().keys.length, 2);
        // Only prefixes are ever listed.
        assert.ok(
          s
            .json()
            .keys.every(
              (k: { prefix: string }) => !SK.startsWith(k.prefix) || k.prefix.length < SK.length / 2,
            ),
        );
      });
      test('a revoked key stops working at once', async () => {
        const created = await app.inject({
          method: 'POST',
          url: '/api/v1/keys',
          headers: { authorization: bearer(SK) },
          payload: { kind: 'write', name: 'pos' },
        });
        assert.equal(created.statusCode, 201);
        const { id, key } = created.json();
        assert.equal(
          (await track({ userId: 'u', event: 'e' }, { authorization: basic(key) })).statusCode,
          200,
        );
        assert.equal(
          (
            await app.inject({
              method: 'DELETE',
              url: `/api/v1/keys/${id}`,
              headers: { authorization: bearer(SK) },
            })
          ).statusCode,
          200,
        );
        assert.equal(
          (await track({ userId: 'u', event: 'e' }, { authorization: basic(key) })).statusCode,
          401,
        );
        assert.equal(
          (
            await app.inject({
              method: 'DELETE',
              url: `/api/v1/keys/${id}`,
              headers: { authorization: bearer(SK) },
            })
          ).statusCode,
          404,
        );
      });
    });

    describe('ingestion errors name what was wrong', () => {
      test('malformed JSON is 400 invalid_json', async () => {
        const r = await app.inject({
          method: 'POST',
          url: '/v1/track',
          headers: { authorization: basic(WK), 'content-type': 'application/json' },
          payload: '{"userId":',
        });
        assert.equal(r.statusCode, 400);
        assert.equal(r.json().error.code, 'invalid_json');
      });
      test('wrong types name the field inside the batch', async () => {
        const r = await app.inject({
          method: 'POST',
          url: '/v1/batch',
          headers: { authorization: basic(WK) },
          payload: {
            batch: [
              { type: 'track', userId: 'u', event: 'ok' },
              { type: 'identify', userId: true },
            ],
          },
        });
        assert.equal(r.statusCode, 400);
        assert.equal(r.json().error.field, 'batch[1].userId');
      });
      test('an event over 32 KB is 413 event_too_large, a body over 500 KB is 413 batch_too_large', async () => {
        const big = await track({ userId: 'u', event: 'e', properties: { blob: 'x'.repeat(33 * 1024) } });
        assert.equal(big.statusCode, 413);
        assert.equal(big.json().error.code, 'event_too_large');
        const batch = {
          batch: Array.from({ length: 20 }, () => ({
            type: 'track',
            userId: 'u',
            event: 'e',
            properties: { blob: 'x'.repeat(30 * 1024) },
          })),
        };
        const huge = await app.inject({
          method: 'POST',
          url: '/v1/batch',
          headers: { authorization: basic(WK) },
          payload: batch,
        });
        assert.equal(huge.statusCode, 413);
        assert.equal(huge.json().error.code, 'batch_too_large');
      });
      test('gzip bodies are accepted; broken gzip is a clear 400', async () => {
        const body = gzipSync(JSON.stringify({ userId: 'u-gz', event: 'Gzipped' }));
        const ok = await app.inject({
          method: 'POST',
          url: '/v1/track',
          headers: {
            authorization: basic(WK),
            'content-encoding': 'gzip',
            'content-type': 'application/json',
          },
          payload: body,
        });
        assert.equal(ok.statusCode, 200);
        const bad = await app.inject({
          method: 'POST',
          url: '/v1/track',
          headers: { authorization: basic(WK), 'content-encoding': 'gzip' },
          payload: 'not gzip',
        });
        assert.equal(bad.statusCode, 400);
        assert.match(bad.json().error.message, /not valid gzip/);
      });
      test('a rejected batch stores nothing of it', async () => {
        const r = await app.inject({
          method: 'POST',
          url: '/v1/batch',
          headers: { authorization: basic(WK) },
          payload: {
            batch: [
              { type: 'track', userId: 'u', event: 'kept?', messageId: 'atomic-1' },
              { type: 'track', userId: 'u' },
            ],
          },
        });
        assert.equal(r.statusCode, 400);
        assert.equal(r.json().error.field, 'batch[1].event');
        const ws = (await engine.workspaces.list())[0]!.id;
        assert.equal((await store.events.countByMessageIds(ws, ['atomic-1'])).size, 0);
      });
      test('unknown routes are a JSON 404 pointing at the docs', async () => {
        const r = await app.inject({ url: '/v1/nope' });
        assert.equal(r.statusCode, 404);
        assert.match(r.json().error.message, /api\/docs/);
      });
    });

    describe('profiles', () => {
      let id: string;
      test('lookup by any identifier, normalized as at ingestion', async () => {
        await app.inject({
          method: 'POST',
          url: '/v1/identify',
          headers: { authorization: basic(WK) },
          payload: {
            userId: 'u-api',
            traits: { email: 'Api@Example.com', phone: '۰۹۱۲۰۰۰۱۱۲۲', name: 'شارلوت' },
          },
        });
        await engine.pipeline.drain();
        const r = await app.inject({
          url: '/api/v1/profiles/lookup?phone=00989120001122',
          headers: { authorization: bearer(SK) },
        });
        assert.equal(r.statusCode, 200);
        id = r.json().id;
        assert.equal(r.json().traits.name, 'شارلوت');
        const byEmail = await app.inject({
          url: '/api/v1/profiles/lookup?email=API@example.com',
          headers: { authorization: bearer(SK) },
        });
        assert.equal(byEmail.json().id, id);
      });
      test('lookup needs exactly one identifier and 404s on an unknown one', async () => {
        const two = await app.inject({
          url: '/api/v1/profiles/lookup?email=a@b.co&userId=x',
          headers: { authorization: bearer(SK) },
        });
        assert.equal(two.statusCode, 400);
        const none = await app.inject({
          url: '/api/v1/profiles/lookup?email=nobody@example.com',
          headers: { authorization: bearer(SK) },
        });
        assert.equal(none.statusCode, 404);
        assert.equal(none.json().error.code, 'not_found');
      });
      test('timeline validates its query', async () => {
        const r = await app.inject({
          url: `/api/v1/profiles/${id}/events?limit=0`,
          headers: { authorization: bearer(SK) },
        });
        assert.equal(r.statusCode, 400);
        assert.equal(r.json().error.field, 'limit');
        const b = await app.inject({
          url: `/api/v1/profiles/${id}/events?before=yesterday`,
          headers: { authorization: bearer(SK) },
        });
        assert.equal(b.statusCode, 400);
      });
      test('search by identifier prefix and by trait', async () => {
        const q = await app.inject({
          url: '/api/v1/profiles?q=api@',
          headers: { authorization: bearer(SK) },
        });
        assert.deepEqual(
          q.json().profiles.map((p: { id: string }) => p.id),
          [id],
        );
        const t = await app.inject({
          url: `/api/v1/profiles?trait=${encodeURIComponent('name:شارلوت')}`,
          headers: { authorization: bearer(SK) },
        });
        assert.deepEqual(
          t.json().profiles.map((p: { id: string }) => p.id),
          [id],
        );
      });
      test('export returns everything about the person; erasure deletes it', async () => {
        const ex = await app.inject({
          url: `/api/v1/profiles/${id}/export`,
          headers: { authorization: bearer(SK) },
        });
        assert.equal(ex.statusCode, 200);
        assert.equal(ex.json().profile.id, id);
        assert.equal(ex.json().events.length, 1);
        const del = await app.inject({
          method: 'DELETE',
          url: `/api/v1/profiles/${id}`,
          headers: { authorization: bearer(SK) },
        });
        assert.equal(del.statusCode, 200);
        assert.deepEqual(del.json(), { profileId: id, eventsDeleted: 1, identitiesDeleted: 3 });
        assert.equal(
          (await app.inject({ url: `/api/v1/profiles/${id}`, headers: { authorization: bearer(SK) } }))
            .statusCode,
          404,
        );
        assert.equal(
          (
            await app.inject({
              url: '/api/v1/profiles/lookup?email=api@example.com',
              headers: { authorization: bearer(SK) },
            })
          ).statusCode,
          404,
        );
      });
    });

    test('contacts import reports rejected rows and why; re-importing stores nothing twice', async () => {
      const csv =
        'email,Phone,First Name,loyalty tier\nsara@example.com,09121112233,سارا,gold\n,,نامعلوم,silver\nnot-an-email,,x,y\n';
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/contacts/import?source=crm.csv',
        headers: { authorization: bearer(SK), 'content-type': 'text/csv' },
        payload: csv,
      });
      assert.equal(r.statusCode, 200);
      const report = r.json();
      assert.equal(report.rows, 3);
      assert.equal(report.accepted, 1);
      assert.deepEqual(
        report.rejected.map((x: { row: number }) => x.row),
        [3, 4],
      );
      assert.equal(report.rejected[0].code, 'missing_identity');
      const again = await app.inject({
        method: 'POST',
        url: '/api/v1/contacts/import',
        headers: { authorization: bearer(SK), 'content-type': 'text/csv' },
        payload: csv,
      });
      assert.equal(again.json().inserted, 0);
      await engine.pipeline.drain();
      const p = await app.inject({
        url: '/api/v1/profiles/lookup?phone=%2B989121112233',
        headers: { authorization: bearer(SK) },
      });
      assert.equal(p.statusCode, 200);
      assert.equal(p.json().traits['First Name'], 'سارا');
      assert.equal(p.json().channels[0].channel, 'import');
    });

    test('identity rules can be read and replaced; invalid rules are refused with the field', async () => {
      const cur = await app.inject({
        url: '/api/v1/settings/identity',
        headers: { authorization: bearer(SK) },
      });
      assert.equal(cur.statusCode, 200);
      const config = cur.json<{ rules: unknown[] }>();
      const bad = await app.inject({
        method: 'PUT',
        url: '/api/v1/settings/identity',
        headers: { authorization: bearer(SK) },
        payload: { ...config, maxProfilesPerMerge: 0 },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.field, /maxProfilesPerMerge/);
      const rules = [
        ...config.rules,
        { type: 'loyalty_card', priority: 4, limit: 1, traits: ['loyaltyCard'] },
      ];
      const ok = await app.inject({
        method: 'PUT',
        url: '/api/v1/settings/identity',
        headers: { authorization: bearer(SK) },
        payload: { ...config, rules },
      });
      assert.equal(ok.statusCode, 200);
      await track({
        anonymousId: 'card-dev',
        event: 'Scanned',
        context: { traits: { loyaltyCard: 'LC-42' } },
      });
      await engine.pipeline.drain();
      const p = await app.inject({
        url: '/api/v1/profiles/lookup?type=loyalty_card&value=LC-42',
        headers: { authorization: bearer(SK) },
      });
      assert.equal(p.statusCode, 200);
    });

    test('health, metrics and the OpenAPI description are served', async () => {
      assert.equal((await app.inject({ url: '/health' })).json().status, 'ok');
      const m = await app.inject({ url: '/metrics' });
      assert.match(m.body, /omnicx_events_ingested_total \d+/);
      assert.match(m.body, /omnicx_pipeline_lag_events \d+/);
      const doc = (await app.inject({ url: '/api/docs/json' })).json();
      for (const p of [
        '/v1/track',
        '/v1/batch',
        '/api/v1/profiles/lookup',
        '/api/v1/profiles/{id}/events',
        '/api/v1/contacts/import',
      ]) {
        assert.ok(doc.paths[p], `OpenAPI describes ${p}`);
      }
    });
  });
}
