import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainError } from '../../src/errors';
import { parseMessage, type ParseOptions } from '../../src/ingest/parse';
import type { IncomingEvent, MessageType } from '../../src/ingest/types';

const receivedAt = Date.UTC(2026, 10, 23, 10, 0, 5);

/** Options with a deterministic id generator. */
function options(extra: Partial<ParseOptions> = {}): ParseOptions {
  let n = 0;
  return { receivedAt, newMessageId: () => `gen-${++n}`, ...extra };
}

/** Parses a message expected to be valid. */
function parse(raw: unknown, extra: Partial<ParseOptions> = {}): IncomingEvent {
  const r = parseMessage(raw, options(extra));
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Parses a message expected to fail and returns the error. */
function fail(raw: unknown, extra: Partial<ParseOptions> = {}): DomainError {
  const r = parseMessage(raw, options(extra));
  assert.equal(r.ok, false, 'expected an error');
  if (r.ok) throw new Error('unreachable');
  return r.error;
}

/** Parses the stored JSON of an event. */
function stored(e: IncomingEvent): Record<string, unknown> {
  return JSON.parse(e.json) as Record<string, unknown>;
}

describe('parseMessage: what analytics-node sends', () => {
  const message = {
    userId: 'u1',
    event: 'Order Completed',
    properties: { orderId: 'o-1', revenue: 129.5, currency: 'EUR' },
    context: { library: { name: '@segment/analytics-node', version: '3.1.0' } },
    type: 'track',
    messageId: 'node-next-1763892000000-2b1f6e0c-3e8a-4a4b-9d0e-6f1c2a7b9c11',
    timestamp: '2026-11-23T10:00:00.000Z',
    _metadata: { jsRuntime: 'node', nodeVersion: 'v20.20.2' },
  };

  it('normalizes a track', () => {
    const e = parse(message, { type: 'track' });
    assert.equal(e.type, 'track');
    assert.equal(e.name, 'Order Completed');
    assert.equal(e.userId, 'u1');
    assert.equal(e.anonymousId, null);
    assert.equal(e.previousId, null);
    assert.equal(e.groupId, null);
    assert.equal(e.messageId, message.messageId);
    assert.deepEqual(e.properties, message.properties);
    assert.deepEqual(e.traits, {});
    assert.deepEqual(e.integrations, {});
    assert.equal(e.timestamp, Date.UTC(2026, 10, 23, 10, 0, 0));
    assert.equal(e.receivedAt, receivedAt);
    assert.equal(e.sentAt, null);
    assert.equal(e.originalTimestamp, null);
    assert.equal(e.channel, 'server');
    assert.equal(e.touchpoint, null);
  });

  it('stores the message with extras kept and the resolved fields set', () => {
    const e = parse(message, { type: 'track' });
    assert.deepEqual(stored(e), {
      ...message,
      context: { library: { name: '@segment/analytics-node', version: '3.1.0' }, channel: 'server' },
      receivedAt: '2026-11-23T10:00:05.000Z',
    });
  });

  it('accepts the message without a route type when it carries its own', () => {
    assert.equal(parse(message).type, 'track');
  });
});

describe('parseMessage: types', () => {
  it('takes the type from the route when the message has none', () => {
    const e = parse({ userId: 'u1', traits: { plan: 'pro' } }, { type: 'identify' });
    assert.equal(e.type, 'identify');
    assert.equal(stored(e).type, 'identify');
    assert.deepEqual(e.traits, { plan: 'pro' });
  });

  it('rejects a type that contradicts the route', () => {
    const e = fail({ userId: 'u1', type: 'track', event: 'x' }, { type: 'identify' });
    assert.equal(e.code, 'invalid_field');
    assert.equal(e.field, 'type');
    assert.match(e.message, /^type is "track" but this endpoint only takes "identify" messages/);
  });

  it('requires a known type when no route fixes it', () => {
    const missing = fail({ userId: 'u1' }, { path: 'batch[1]' });
    assert.equal(missing.code, 'invalid_field');
    assert.equal(missing.field, 'batch[1].type');
    assert.match(missing.message, /identify, track, page, screen, group, alias/);
    const wrong = fail({ userId: 'u1', type: 'Track' }, { path: 'batch[1]' });
    assert.equal(wrong.field, 'batch[1].type');
    assert.match(wrong.message, /\(got "Track"\)/);
  });
});

describe('parseMessage: identifiers', () => {
  it('converts numeric ids to strings, in the event and the stored JSON', () => {
    const e = parse({ userId: 42, anonymousId: 'a1', type: 'identify' });
    assert.equal(e.userId, '42');
    assert.equal(e.anonymousId, 'a1');
    assert.equal(stored(e).userId, '42');
  });

  it('treats blank ids as absent', () => {
    const e = parse({ userId: '   ', anonymousId: 'a1', type: 'identify' });
    assert.equal(e.userId, null);
    assert.equal('userId' in stored(e), false);
    const m = fail({ userId: '', anonymousId: ' ', type: 'track', event: 'x' });
    assert.equal(m.code, 'missing_identity');
  });

  it('rejects ids of the wrong type, with the type got', () => {
    const e = fail({ userId: true, type: 'track', event: 'x' }, { path: 'batch[3]' });
    assert.deepEqual(e, {
      code: 'invalid_field',
      field: 'batch[3].userId',
      message: 'batch[3].userId must be a string or number (got boolean)',
    });
    assert.equal(fail({ anonymousId: { id: 1 }, type: 'page' }).field, 'anonymousId');
    assert.equal(fail({ userId: 'u', previousId: [1], type: 'alias' }).field, 'previousId');
    assert.equal(fail({ userId: 'u', groupId: false, type: 'group' }).field, 'groupId');
  });

  it('rejects ids longer than 512 characters', () => {
    assert.ok(parse({ userId: 'x'.repeat(512), type: 'identify' }));
    const e = fail({ userId: 'x'.repeat(513), type: 'identify' });
    assert.equal(e.code, 'invalid_field');
    assert.equal(e.field, 'userId');
    assert.match(e.message, /512/);
  });

  it('requires a userId or an anonymousId on identify, track, page, screen and group', () => {
    const messages: Record<string, object> = {
      identify: {},
      track: { event: 'x' },
      page: {},
      screen: {},
      group: { groupId: 'g1' },
    };
    for (const [type, rest] of Object.entries(messages)) {
      const e = fail({ type, ...rest }, { path: 'batch[0]' });
      assert.equal(e.code, 'missing_identity', type);
      assert.equal(
        e.message,
        'batch[0] needs a userId or an anonymousId: send the id of the logged-in user as userId, ' +
          'or a stable device/browser id as anonymousId',
      );
    }
    assert.match(fail({ type: 'identify' }).message, /^The message needs a userId or an anonymousId/);
    assert.equal(parse({ type: 'track', event: 'x', anonymousId: 'a1' }).anonymousId, 'a1');
  });

  it('requires userId and previousId on alias', () => {
    const e = parse({ type: 'alias', userId: 'u1', previousId: 'anon-7' });
    assert.equal(e.previousId, 'anon-7');
    assert.equal(e.name, null);
    const noUser = fail({ type: 'alias', anonymousId: 'a', previousId: 'anon-7' });
    assert.equal(noUser.code, 'missing_field');
    assert.equal(noUser.field, 'userId');
    const noPrevious = fail({ type: 'alias', userId: 'u1' }, { path: 'batch[2]' });
    assert.equal(noPrevious.code, 'missing_field');
    assert.equal(noPrevious.field, 'batch[2].previousId');
    assert.match(noPrevious.message, /^batch\[2\]\.previousId is required for alias/);
  });

  it('requires groupId on group', () => {
    const e = parse({ type: 'group', userId: 'u1', groupId: 77, traits: { name: 'Acme' } });
    assert.equal(e.groupId, '77');
    assert.deepEqual(e.traits, { name: 'Acme' });
    const missing = fail({ type: 'group', userId: 'u1' });
    assert.equal(missing.code, 'missing_field');
    assert.equal(missing.field, 'groupId');
  });

  it('ignores previousId and groupId on types that do not use them', () => {
    const e = parse({ type: 'track', event: 'x', userId: 'u1', groupId: false });
    assert.equal(e.groupId, null);
    assert.equal(stored(e).groupId, false);
  });
});

describe('parseMessage: names', () => {
  it('requires a track event name', () => {
    for (const event of [undefined, null, '', '  ']) {
      const e = fail({ type: 'track', userId: 'u1', event });
      assert.equal(e.code, 'missing_field');
      assert.equal(e.field, 'event');
    }
    const wrong = fail({ type: 'track', userId: 'u1', event: 5 });
    assert.equal(wrong.code, 'invalid_field');
    assert.equal(wrong.message, 'event must be a string (got number)');
    const long = fail({ type: 'track', userId: 'u1', event: 'e'.repeat(257) });
    assert.equal(long.code, 'invalid_field');
    assert.equal(parse({ type: 'track', userId: 'u1', event: 'e'.repeat(256) }).name, 'e'.repeat(256));
  });

  it('takes the optional page and screen name, keeping category in the JSON only', () => {
    const p = parse({ type: 'page', anonymousId: 'a1', name: 'Pricing', category: 'Docs' });
    assert.equal(p.name, 'Pricing');
    assert.equal(stored(p).category, 'Docs');
    assert.equal(parse({ type: 'screen', anonymousId: 'a1' }).name, null);
    assert.equal(fail({ type: 'page', anonymousId: 'a1', name: 1 }).field, 'name');
    assert.equal(fail({ type: 'screen', anonymousId: 'a1', category: {} }).field, 'category');
  });

  it('has no name on identify, group and alias', () => {
    assert.equal(parse({ type: 'identify', userId: 'u1', name: 'ignored' }).name, null);
  });
});

describe('parseMessage: objects', () => {
  it('defaults absent or null objects to {}', () => {
    const e = parse({ type: 'identify', userId: 'u1', traits: null });
    assert.deepEqual(e.traits, {});
    assert.deepEqual(e.properties, {});
    assert.equal('traits' in stored(e), false);
  });

  it('rejects objects that are not plain JSON objects', () => {
    for (const field of ['traits', 'properties', 'context', 'integrations']) {
      for (const bad of [[], 'x', 3, true]) {
        const e = fail({ type: 'identify', userId: 'u1', [field]: bad }, { path: 'batch[5]' });
        assert.equal(e.code, 'invalid_field');
        assert.equal(e.field, `batch[5].${field}`);
        assert.match(e.message, /must be a JSON object/);
      }
    }
  });

  it('keeps traits and context.traits as sent on identify', () => {
    const e = parse({ type: 'identify', userId: 'u1', traits: { a: 1 }, context: { traits: { b: 2 } } });
    assert.deepEqual(e.traits, { a: 1 });
    assert.deepEqual(e.context.traits, { b: 2 });
  });

  it('merges batch defaults under the message context and integrations, message keys winning', () => {
    const e = parse(
      {
        type: 'track',
        userId: 'u1',
        event: 'x',
        context: { locale: 'fa-IR' },
        integrations: { Mixpanel: false },
      },
      {
        defaults: {
          context: { locale: 'en-US', ip: '1.2.3.4' },
          integrations: { All: true, Mixpanel: true },
        },
      },
    );
    assert.deepEqual(e.context, { locale: 'fa-IR', ip: '1.2.3.4', channel: 'server' });
    assert.deepEqual(e.integrations, { All: true, Mixpanel: false });
    assert.deepEqual(stored(e).integrations, { All: true, Mixpanel: false });
  });
});

describe('parseMessage: messageId', () => {
  it('generates one when absent or blank', () => {
    assert.equal(parse({ type: 'identify', userId: 'u1' }).messageId, 'gen-1');
    assert.equal(parse({ type: 'identify', userId: 'u1', messageId: ' ' }).messageId, 'gen-1');
    assert.equal(stored(parse({ type: 'identify', userId: 'u1' })).messageId, 'gen-1');
  });

  it('rejects numbers and ids over 200 characters', () => {
    const n = fail({ type: 'identify', userId: 'u1', messageId: 12 });
    assert.equal(n.code, 'invalid_field');
    assert.equal(n.field, 'messageId');
    assert.match(n.message, /^messageId must be a string \(got number\)/);
    assert.equal(fail({ type: 'identify', userId: 'u1', messageId: 'm'.repeat(201) }).field, 'messageId');
    assert.equal(parse({ type: 'identify', userId: 'u1', messageId: 'm'.repeat(200) }).messageId.length, 200);
  });
});

describe('parseMessage: times', () => {
  it('corrects device clock skew, as analytics.js reports it', () => {
    // The phone's clock is 3 minutes behind; it queued the event 10 s before sending.
    const e = parse({
      type: 'track',
      anonymousId: 'a1',
      event: 'Product Viewed',
      originalTimestamp: '2026-11-23T09:57:00.000Z',
      sentAt: '2026-11-23T09:57:10.000Z',
    });
    assert.equal(e.timestamp, receivedAt - 10_000);
    assert.equal(e.sentAt, Date.UTC(2026, 10, 23, 9, 57, 10));
    assert.equal(e.originalTimestamp, Date.UTC(2026, 10, 23, 9, 57, 0));
    const json = stored(e);
    assert.equal(json.timestamp, '2026-11-23T09:59:55.000Z');
    assert.equal(json.originalTimestamp, '2026-11-23T09:57:00.000Z');
  });

  it('uses the batch sentAt when the message has none', () => {
    const sentAt = Date.UTC(2026, 10, 23, 9, 57, 10);
    const e = parse(
      { type: 'track', anonymousId: 'a1', event: 'x', originalTimestamp: '2026-11-23T09:57:00Z' },
      { defaults: { sentAt } },
    );
    assert.equal(e.sentAt, sentAt);
    assert.equal(e.timestamp, receivedAt - 10_000);
    assert.equal(stored(e).sentAt, '2026-11-23T09:57:10.000Z');
  });

  it('falls back to receivedAt', () => {
    const e = parse({ type: 'identify', userId: 'u1' });
    assert.equal(e.timestamp, receivedAt);
    assert.equal(stored(e).timestamp, '2026-11-23T10:00:05.000Z');
  });

  it('accepts epoch milliseconds', () => {
    assert.equal(
      parse({ type: 'identify', userId: 'u1', timestamp: 1_700_000_000_000 }).timestamp,
      1_700_000_000_000,
    );
  });

  it('names the bad time field', () => {
    for (const field of ['timestamp', 'sentAt', 'originalTimestamp']) {
      const e = fail({ type: 'identify', userId: 'u1', [field]: 'last tuesday' }, { path: 'batch[4]' });
      assert.equal(e.code, 'invalid_timestamp');
      assert.equal(e.field, `batch[4].${field}`);
      assert.match(e.message, /must be an ISO-8601 date-time such as 2026-11-23T10:15:00Z/);
    }
  });

  it('refuses a skew too large to represent', () => {
    const e = fail({ type: 'identify', userId: 'u1', sentAt: 8e15, originalTimestamp: -8e15 });
    assert.equal(e.code, 'invalid_timestamp');
  });
});

describe('parseMessage: channel and touchpoint', () => {
  it('attributes a page to the web with the host as touchpoint', () => {
    const e = parse(
      {
        anonymousId: 'anon-1',
        name: 'Cart',
        properties: { url: 'https://shop.example.ir/cart', title: 'Cart' },
        context: {
          page: { url: 'https://shop.example.ir/cart', path: '/cart' },
          library: { name: 'analytics.js' },
        },
      },
      { type: 'page' },
    );
    assert.equal(e.channel, 'web');
    assert.equal(e.touchpoint, 'shop.example.ir');
    const ctx = stored(e).context as Record<string, unknown>;
    assert.equal(ctx.channel, 'web');
    assert.equal(ctx.touchpoint, 'shop.example.ir');
  });

  it('lets an IVR server source name its channel and touchpoint', () => {
    const e = parse(
      { userId: 'u1', event: 'Call Completed', context: { channel: 'phone', touchpoint: 'ivr-main' } },
      { type: 'track' },
    );
    assert.equal(e.channel, 'phone');
    assert.equal(e.touchpoint, 'ivr-main');
    assert.deepEqual(stored(e).context, { channel: 'phone', touchpoint: 'ivr-main' });
  });

  it('leaves touchpoint out of the stored context when unknown', () => {
    const e = parse({ type: 'identify', userId: 'u1', context: { touchpoint: ' ' } });
    assert.deepEqual(stored(e).context, { channel: 'server' });
    assert.deepEqual(e.context, { channel: 'server' });
  });

  it('reports channel errors with the path prefix', () => {
    const e = fail(
      { type: 'track', userId: 'u1', event: 'x', context: { channel: 'Phone Line' } },
      { path: 'batch[7]' },
    );
    assert.equal(e.code, 'invalid_field');
    assert.equal(e.field, 'batch[7].context.channel');
    assert.match(e.message, /^batch\[7\]\.context\.channel must/);
  });
});

describe('parseMessage: stored JSON', () => {
  it('keeps Persian and Arabic text byte-exact', () => {
    const persian = 'افزودن به فهرست علاقه‌مندی‌ها';
    const arabic = 'تجربة العملاء';
    const e = parse({
      type: 'track',
      userId: 'u1',
      event: persian,
      properties: { list: arabic, note: `${persian} — ${arabic}` },
    });
    assert.equal(e.name, persian);
    assert.ok(e.json.includes(`"event":"${persian}"`));
    assert.ok(e.json.includes(`"list":"${arabic}"`));
    assert.ok(e.json.includes('\u200c'), 'the zero-width non-joiner survives');
    assert.deepEqual(stored(e).properties, { list: arabic, note: `${persian} — ${arabic}` });
  });

  it('removes the writeKey credential', () => {
    const e = parse({ type: 'identify', userId: 'u1', writeKey: 'secret-key' });
    assert.equal(e.json.includes('secret-key'), false);
    assert.equal('writeKey' in stored(e), false);
  });
});

describe('parseMessage: body and size', () => {
  it('requires a JSON object', () => {
    for (const bad of [null, [], 'x', 1]) {
      const e = fail(bad, { type: 'identify' });
      assert.equal(e.code, 'invalid_body');
      assert.equal(e.field, undefined);
    }
    assert.equal(fail([], { path: 'batch[9]' }).field, 'batch[9]');
  });

  it('refuses an event over maxEventBytes, counting UTF-8 bytes', () => {
    const limits = { maxEventBytes: 200, maxBatchBytes: 1000 };
    const base = { type: 'track' as MessageType, userId: 'u1', event: 'x', properties: { t: '' } };
    const size = Buffer.byteLength(JSON.stringify(base));
    // Persian letters take 2 bytes each in UTF-8, so the string length alone would under-count.
    const fits = { ...base, properties: { t: 'ب'.repeat((200 - size) / 2) } };
    assert.equal(Buffer.byteLength(JSON.stringify(fits)), 200);
    assert.ok(parse(fits, { limits }));
    const over = { ...base, properties: { t: 'ب'.repeat((200 - size) / 2 + 1) } };
    const e = fail(over, { limits, path: 'batch[3]' });
    assert.equal(e.code, 'event_too_large');
    assert.equal(e.field, 'batch[3]');
    assert.equal(
      e.message,
      'batch[3] is 202 bytes; the limit is 200 bytes per event: move large data out of properties',
    );
  });

  it('applies the 32 KiB default', () => {
    const e = fail({ type: 'track', userId: 'u1', event: 'x', properties: { blob: 'x'.repeat(40_000) } });
    assert.equal(e.code, 'event_too_large');
    assert.match(e.message, /the limit is 32768 bytes per event/);
  });
});
