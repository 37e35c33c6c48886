import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveChannel } from '../../src/ingest/channel';
import type { JsonObject, MessageType } from '../../src/ingest/types';

/** Unwraps a successful attribution. */
function derive(type: MessageType, context: JsonObject, properties: JsonObject = {}) {
  const r = deriveChannel(type, context, properties);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

describe('deriveChannel: the channel', () => {
  it('takes context.channel, trimmed and lower-cased', () => {
    assert.deepEqual(derive('track', { channel: ' Phone ', touchpoint: 'ivr-main' }), {
      channel: 'phone',
      touchpoint: 'ivr-main',
    });
    assert.equal(derive('page', { channel: 'store' }).channel, 'store');
  });

  it('rejects a malformed context.channel, listing examples', () => {
    for (const bad of ['Web Shop!', '', '-web', 'x'.repeat(33), 42, {}]) {
      const r = deriveChannel('track', { channel: bad }, {});
      assert.equal(r.ok, false, JSON.stringify(bad));
      if (r.ok) continue;
      assert.equal(r.error.code, 'invalid_field');
      assert.equal(r.error.field, 'context.channel');
      assert.match(
        r.error.message,
        /web, app, email, sms, push, phone, ivr, store, pos, qr, social, chat, server/,
      );
    }
  });

  it('prefixes field names with the path', () => {
    const r = deriveChannel('track', { channel: 'no way' }, {}, 'batch[3]');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.field, 'batch[3].context.channel');
      assert.match(r.error.message, /^batch\[3\]\.context\.channel must/);
    }
  });

  it('derives web for pages and app for screens', () => {
    assert.equal(derive('page', {}).channel, 'web');
    assert.equal(derive('screen', {}).channel, 'app');
  });

  it('derives from the context the client libraries fill in', () => {
    assert.equal(derive('track', { page: { url: 'https://shop.example/' } }).channel, 'web');
    assert.equal(derive('track', { app: { name: 'Shop' }, os: { name: 'iOS' } }).channel, 'app');
    assert.equal(derive('track', { device: { id: 'd1' }, os: { name: 'Android' } }).channel, 'app');
    assert.equal(derive('track', { device: { id: 'd1' } }).channel, 'server');
    assert.equal(derive('track', { library: { name: 'analytics.js', version: '2' } }).channel, 'web');
    assert.equal(derive('identify', { library: { name: '@segment/analytics-next' } }).channel, 'web');
    assert.equal(derive('track', { library: { name: 'analytics-ios' } }).channel, 'app');
    assert.equal(derive('track', { library: { name: 'analytics-android' } }).channel, 'app');
    assert.equal(derive('track', { library: { name: '@segment/analytics-react-native' } }).channel, 'app');
    assert.equal(derive('track', { library: { name: 'analytics_flutter' } }).channel, 'app');
    assert.equal(derive('track', { library: { name: '@segment/analytics-node' } }).channel, 'server');
    assert.equal(derive('group', {}).channel, 'server');
  });
});

describe('deriveChannel: the touchpoint', () => {
  it('takes context.touchpoint, trimmed, over any derived one', () => {
    assert.equal(
      derive('page', { touchpoint: ' checkout-page ', page: { url: 'https://a.example' } }).touchpoint,
      'checkout-page',
    );
  });

  it('ignores a blank context.touchpoint', () => {
    assert.equal(
      derive('page', { touchpoint: '  ', page: { url: 'https://a.example' } }).touchpoint,
      'a.example',
    );
  });

  it('rejects a touchpoint over 128 characters or not a string', () => {
    for (const bad of ['t'.repeat(129), 7, ['x']]) {
      const r = deriveChannel('track', { touchpoint: bad }, {});
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'invalid_field');
        assert.equal(r.error.field, 'context.touchpoint');
      }
    }
    assert.equal(derive('track', { touchpoint: 't'.repeat(128) }).touchpoint, 't'.repeat(128));
  });

  it('uses the host name of the page URL on the web', () => {
    assert.deepEqual(derive('page', { page: { url: 'https://Shop.Example.com:8443/cart?x=1' } }), {
      channel: 'web',
      touchpoint: 'shop.example.com',
    });
    assert.equal(derive('page', {}, { url: 'https://blog.example.ir/post' }).touchpoint, 'blog.example.ir');
    assert.equal(
      derive('page', { page: { url: '/relative' } }, { url: 'https://b.example' }).touchpoint,
      'b.example',
    );
    assert.equal(derive('page', { page: { url: 'not a url' } }).touchpoint, null);
    assert.equal(derive('page', {}).touchpoint, null);
  });

  it('uses the app name in an app', () => {
    assert.equal(derive('screen', { app: { name: 'Shop' } }).touchpoint, 'Shop');
    assert.equal(derive('screen', { app: { name: 3 } }).touchpoint, null);
  });

  it('has no derived touchpoint for other channels', () => {
    assert.equal(derive('track', { channel: 'store' }, { url: 'https://a.example' }).touchpoint, null);
    assert.equal(derive('track', {}).touchpoint, null);
  });
});
