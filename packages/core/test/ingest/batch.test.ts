import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainError } from '../../src/errors';
import { parseBatch } from '../../src/ingest/parse';
import type { IncomingEvent, IngestLimits } from '../../src/ingest/types';

const receivedAt = Date.UTC(2026, 10, 23, 10, 0, 5);

/** Batch options with a deterministic id generator. */
function options(limits?: IngestLimits) {
  let n = 0;
  return { receivedAt, newMessageId: () => `gen-${++n}`, ...(limits ? { limits } : {}) };
}

/** Parses a batch expected to be valid. */
function parse(body: unknown, limits?: IngestLimits): IncomingEvent[] {
  const r = parseBatch(body, options(limits));
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Parses a batch expected to fail and returns the error. */
function fail(body: unknown, limits?: IngestLimits): DomainError {
  const r = parseBatch(body, options(limits));
  assert.equal(r.ok, false, 'expected an error');
  if (r.ok) throw new Error('unreachable');
  return r.error;
}

const track = (i: number) => ({ type: 'track', userId: `u${i}`, event: `E${i}` });

describe('parseBatch: what analytics-node sends', () => {
  // Publisher.send: JSON.stringify({ batch: events, writeKey, sentAt: new Date() })
  const body = {
    batch: [
      {
        userId: 'u1',
        event: 'Order Completed',
        properties: { orderId: 'o-1', total: 2_500_000, currency: 'IRR', note: 'تحویل سریع' },
        context: { library: { name: '@segment/analytics-node', version: '3.1.0' } },
        type: 'track',
        messageId: 'node-next-1763892000000-aaaa',
        timestamp: '2026-11-23T10:00:00.000Z',
        _metadata: { jsRuntime: 'node', nodeVersion: 'v20.20.2' },
      },
      {
        userId: 'u1',
        traits: { name: 'Sara', email: 'sara@example.ir' },
        context: { library: { name: '@segment/analytics-node', version: '3.1.0' } },
        type: 'identify',
        messageId: 'node-next-1763892000001-bbbb',
        timestamp: '2026-11-23T10:00:01.000Z',
        _metadata: { jsRuntime: 'node', nodeVersion: 'v20.20.2' },
      },
    ],
    writeKey: 'wk_live_secret',
    sentAt: '2026-11-23T10:00:04.000Z',
  };

  it('parses every message in order', () => {
    const events = parse(body);
    assert.deepEqual(
      events.map((e) => [e.type, e.messageId, e.name, e.timestamp]),
      [
        ['track', 'node-next-1763892000000-aaaa', 'Order Completed', Date.UTC(2026, 10, 23, 10, 0, 0)],
        ['identify', 'node-next-1763892000001-bbbb', null, Date.UTC(2026, 10, 23, 10, 0, 1)],
      ],
    );
    assert.ok(events.every((e) => e.channel === 'server' && e.receivedAt === receivedAt));
    assert.deepEqual(events[1]?.traits, { name: 'Sara', email: 'sara@example.ir' });
  });

  it('takes sentAt from the batch and never stores the writeKey', () => {
    for (const e of parse(body)) {
      assert.equal(e.sentAt, Date.UTC(2026, 10, 23, 10, 0, 4));
      assert.equal(e.json.includes('wk_live_secret'), false);
      assert.equal(e.json.includes('writeKey'), false);
      const json = JSON.parse(e.json) as Record<string, unknown>;
      assert.equal(json.sentAt, '2026-11-23T10:00:04.000Z');
      assert.deepEqual(json._metadata, { jsRuntime: 'node', nodeVersion: 'v20.20.2' });
    }
    assert.ok(parse(body)[0]?.json.includes('"note":"تحویل سریع"'));
  });
});

describe('parseBatch: batch-level defaults', () => {
  it('merges top-level context and integrations under each message', () => {
    const events = parse({
      batch: [
        { ...track(1), context: { channel: 'store', touchpoint: 'store-12' } },
        { ...track(2), integrations: { All: false } },
      ],
      context: { channel: 'pos', ip: '5.6.7.8' },
      integrations: { All: true },
    });
    assert.equal(events[0]?.channel, 'store');
    assert.equal(events[0]?.touchpoint, 'store-12');
    assert.equal(events[0]?.context.ip, '5.6.7.8');
    assert.equal(events[1]?.channel, 'pos');
    assert.deepEqual(events[0]?.integrations, { All: true });
    assert.deepEqual(events[1]?.integrations, { All: false });
  });

  it('corrects clock skew with the batch sentAt', () => {
    // The device clock runs 1 h fast; the event was recorded 30 s before the batch was sent.
    const [e] = parse({
      batch: [{ ...track(1), originalTimestamp: '2026-11-23T10:59:35.000Z' }],
      sentAt: '2026-11-23T11:00:05.000Z',
    });
    assert.equal(e?.timestamp, receivedAt - 30_000);
  });

  it('rejects bad top-level context, integrations and sentAt', () => {
    assert.equal(fail({ batch: [track(1)], context: [] }).field, 'context');
    assert.equal(fail({ batch: [track(1)], integrations: 'all' }).field, 'integrations');
    const sentAt = fail({ batch: [track(1)], sentAt: 'now' });
    assert.equal(sentAt.code, 'invalid_timestamp');
    assert.equal(sentAt.field, 'sentAt');
  });
});

describe('parseBatch: shape', () => {
  it('requires {"batch":[...]}', () => {
    for (const bad of [null, [], 'x', {}, { batch: {} }, { batch: 'x' }]) {
      const e = fail(bad);
      assert.equal(e.code, 'invalid_body', JSON.stringify(bad));
      assert.match(e.message, /^expected \{"batch":\[\.\.\.\]\}/);
    }
  });

  it('refuses an empty batch', () => {
    const e = fail({ batch: [] });
    assert.equal(e.code, 'empty_batch');
    assert.equal(e.field, 'batch');
  });

  it('accepts 2500 messages and refuses 2501', () => {
    const big = { maxEventBytes: 32 * 1024, maxBatchBytes: 10 * 1024 * 1024 };
    assert.equal(parse({ batch: Array.from({ length: 2500 }, (_, i) => track(i)) }, big).length, 2500);
    const e = fail({ batch: Array.from({ length: 2501 }, (_, i) => track(i)) }, big);
    assert.equal(e.code, 'batch_too_large');
    assert.match(e.message, /2501 messages; the limit is 2500/);
  });

  it('refuses a batch over maxBatchBytes', () => {
    const body = { batch: [track(1), track(2)] };
    const bytes = Buffer.byteLength(JSON.stringify(body));
    assert.equal(parse(body, { maxEventBytes: 1000, maxBatchBytes: bytes }).length, 2);
    const e = fail(body, { maxEventBytes: 1000, maxBatchBytes: bytes - 1 });
    assert.equal(e.code, 'batch_too_large');
    assert.equal(
      e.message,
      `The batch is ${bytes} bytes; the limit is ${bytes - 1} bytes per batch: split it into several requests`,
    );
  });

  it('applies the 500 KiB default', () => {
    const blob = 'x'.repeat(30_000);
    const e = fail({ batch: Array.from({ length: 20 }, (_, i) => ({ ...track(i), properties: { blob } })) });
    assert.equal(e.code, 'batch_too_large');
    assert.match(e.message, /the limit is 512000 bytes per batch/);
  });

  it('checks each message against maxEventBytes', () => {
    const e = fail({ batch: [track(1), { ...track(2), properties: { blob: 'x'.repeat(40_000) } }] });
    assert.equal(e.code, 'event_too_large');
    assert.equal(e.field, 'batch[1]');
  });
});

describe('parseBatch: atomicity', () => {
  it('fails the whole batch on the first bad message, naming it', () => {
    const e = fail({
      batch: [track(0), track(1), track(2), { ...track(3), userId: true }, { type: 'nope' }],
    });
    assert.deepEqual(e, {
      code: 'invalid_field',
      field: 'batch[3].userId',
      message: 'batch[3].userId must be a string or number (got boolean)',
    });
  });

  it('requires a type on every message', () => {
    const e = fail({ batch: [track(0), { userId: 'u1', event: 'x' }] });
    assert.equal(e.code, 'invalid_field');
    assert.equal(e.field, 'batch[1].type');
    assert.match(e.message, /must be one of identify, track, page, screen, group, alias/);
  });

  it('names the message without identity', () => {
    const e = fail({ batch: [{ type: 'track', event: 'x' }] });
    assert.equal(e.code, 'missing_identity');
    assert.match(e.message, /^batch\[0\] needs a userId or an anonymousId/);
  });

  it('refuses a message that is not an object', () => {
    const e = fail({ batch: [track(0), 'oops'] });
    assert.equal(e.code, 'invalid_body');
    assert.equal(e.field, 'batch[1]');
  });

  it('generates ids for messages without one, in order', () => {
    const events = parse({ batch: [track(0), { ...track(1), messageId: 'm1' }, track(2)] });
    assert.deepEqual(
      events.map((e) => e.messageId),
      ['gen-1', 'm1', 'gen-2'],
    );
  });
});
