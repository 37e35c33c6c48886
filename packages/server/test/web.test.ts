// The console is served at `/`: index.html never cached, hashed assets cached for a year, an SPA fallback
// for console paths only, and a clear 503 when the console has not been built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildEngine, type Engine } from '@omnicx/engine';
import { openStore, type Store } from '@omnicx/store';
import { buildApp } from '../src/index';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>';

describe('serving the admin console', () => {
  let dir: string;
  let dist: string;
  let store: Store;
  let engine: Engine;
  let app: FastifyInstance;
  let missing: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omnicx-web-'));
    dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-AbC123.js'), 'console.log("console")');
    writeFileSync(join(dist, 'robots.txt'), 'User-agent: *\nDisallow: /\n');
    store = await openStore({ dataDir: dir });
    engine = buildEngine({ store, pipeline: { pollMs: 60000 } });
    await engine.workspaces.bootstrap({
      writeKey: 'wk_test_0123456789abcdef',
      secretKey: 'sk_test_0123456789abcdef',
    });
    app = await buildApp({ engine, logger: false, webDist: dist });
    missing = await buildApp({ engine, logger: false, webDist: join(dir, 'not-built') });
  });
  after(async () => {
    await app.close();
    await missing.close();
    await engine.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('index.html is served at / with no-cache', async () => {
    const r = await app.inject({ url: '/' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /text\/html/);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.equal(r.body, INDEX);
  });

  test('hashed assets are cached for a year, immutable', async () => {
    const r = await app.inject({ url: '/assets/index-AbC123.js' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /javascript/);
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(r.body, 'console.log("console")');
  });

  test('a missing asset is a JSON 404, not the console', async () => {
    const r = await app.inject({ url: '/assets/nope-123.js' });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'not_found');
  });

  test('console paths fall back to index.html (deep links work), query strings included', async () => {
    for (const url of ['/customers/x', '/customers/01J9ZQ?tab=timeline', '/settings/audit', '/invite/abc']) {
      const r = await app.inject({ url, headers: { accept: 'text/html' } });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.body, INDEX, url);
      assert.equal(r.headers['cache-control'], 'no-cache', url);
    }
  });

  test('API, ingestion and public prefixes never fall back: JSON 404 as before', async () => {
    for (const url of ['/api/v1/nope', '/api', '/v1/nope', '/health/x', '/webhooks/x']) {
      const r = await app.inject({ url, headers: { accept: 'text/html' } });
      assert.equal(r.statusCode, 404, url);
      assert.equal(r.json().error.code, 'not_found', url);
    }
    // Public link prefixes (surveys /s/, unsubscribe /u/, tracking /t/) answer with their own pages or
    // errors, never the console.
    for (const url of ['/s/', '/u/x', '/t/x']) {
      const r = await app.inject({ url, headers: { accept: 'text/html' } });
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${url}: ${r.statusCode}`);
      assert.notEqual(r.body, INDEX, url);
    }
    // Existing routes still answer.
    assert.equal((await app.inject({ url: '/health' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/v1/profiles' })).statusCode, 401);
  });

  test('path traversal cannot leave dist', async () => {
    for (const url of [
      '/assets/../../omnicx.sqlite',
      '/assets/%2e%2e/%2e%2e/omnicx.sqlite',
      '/..%2fomnicx.sqlite',
    ]) {
      const r = await app.inject({ url });
      assert.notEqual(r.statusCode, 200, url);
      assert.doesNotMatch(r.body, /SQLite format/, url);
    }
  });

  test('other root files are served; an unknown file with an extension is a 404', async () => {
    const ok = await app.inject({ url: '/robots.txt' });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /Disallow/);
    assert.equal((await app.inject({ url: '/favicon.ico' })).statusCode, 404);
  });

  test('when dist is missing, console paths answer a 503 page saying how to build it; the API still works', async () => {
    for (const url of ['/', '/customers/x']) {
      const r = await missing.inject({ url });
      assert.equal(r.statusCode, 503, url);
      assert.match(String(r.headers['content-type']), /text\/html/);
      assert.match(r.body, /npm run build -w @omnicx\/web/);
    }
    const api = await missing.inject({ url: '/api/v1/nope' });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'not_found');
    assert.equal((await missing.inject({ url: '/health' })).statusCode, 200);
  });
});
