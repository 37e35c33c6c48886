import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimestamp, resolveEventTime } from '../../src/ingest/time';

const T = Date.UTC(2026, 10, 23, 10, 15, 0);

/** Unwraps a successful parse. */
function parsed(value: unknown): number | null {
  const r = parseTimestamp(value, 'timestamp');
  assert.ok(r.ok, `expected ${JSON.stringify(value)} to parse`);
  return r.value;
}

describe('parseTimestamp', () => {
  it('treats undefined and null as absent', () => {
    assert.equal(parsed(undefined), null);
    assert.equal(parsed(null), null);
  });

  it('parses ISO-8601 in UTC, with offsets and fractional seconds', () => {
    assert.equal(parsed('2026-11-23T10:15:00Z'), T);
    assert.equal(parsed('2026-11-23T10:15:00.000Z'), T);
    assert.equal(parsed('2026-11-23T10:15:00.123Z'), T + 123);
    assert.equal(parsed('2026-11-23T10:15:00.123456Z'), T + 123);
    assert.equal(parsed('2026-11-23T10:15:00.5Z'), T + 500);
    assert.equal(parsed('2026-11-23T13:45:00+03:30'), T);
    assert.equal(parsed('2026-11-23T13:45:00+0330'), T);
    assert.equal(parsed('2026-11-23T05:15:00-05'), T);
    assert.equal(parsed('2026-11-23 10:15:00z'), T);
  });

  it('reads a date-time or a date without an offset as UTC', () => {
    assert.equal(parsed('2026-11-23T10:15:00'), T);
    assert.equal(parsed('2026-11-23T10:15'), T);
    assert.equal(parsed('2026-11-23'), Date.UTC(2026, 10, 23));
  });

  it('treats finite numbers as epoch milliseconds', () => {
    assert.equal(parsed(T), T);
    assert.equal(parsed(0), 0);
  });

  it('rejects anything else with invalid_timestamp naming the field', () => {
    for (const bad of [
      'yesterday',
      '',
      '2026-13-01T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-11-23T24:00:00Z',
      '2026-11-23T10:15:00+25:00',
      '23/11/2026',
      true,
      {},
      [],
      1e20,
    ]) {
      const r = parseTimestamp(bad, 'batch[2].sentAt');
      assert.equal(r.ok, false, JSON.stringify(bad));
      if (r.ok) continue;
      assert.equal(r.error.code, 'invalid_timestamp');
      assert.equal(r.error.field, 'batch[2].sentAt');
      assert.match(
        r.error.message,
        /^batch\[2\]\.sentAt must be an ISO-8601 date-time such as 2026-11-23T10:15:00Z/,
      );
    }
  });

  it('accepts 29 February in a leap year', () => {
    assert.equal(parsed('2028-02-29T00:00:00Z'), Date.UTC(2028, 1, 29));
  });
});

describe('resolveEventTime', () => {
  const receivedAt = T;

  it('uses timestamp when given', () => {
    assert.equal(resolveEventTime({ timestamp: 5, sentAt: 7, originalTimestamp: 6, receivedAt }), 5);
  });

  it('corrects device clock skew from sentAt and originalTimestamp', () => {
    // The device clock is an hour fast; the event happened 2 s before it was sent.
    const skew = 3_600_000;
    const t = resolveEventTime({
      timestamp: null,
      sentAt: receivedAt + skew,
      originalTimestamp: receivedAt + skew - 2000,
      receivedAt,
    });
    assert.equal(t, receivedAt - 2000);
  });

  it('falls back to originalTimestamp, then receivedAt', () => {
    assert.equal(resolveEventTime({ timestamp: null, sentAt: null, originalTimestamp: 42, receivedAt }), 42);
    assert.equal(
      resolveEventTime({ timestamp: null, sentAt: 99, originalTimestamp: null, receivedAt }),
      receivedAt,
    );
    assert.equal(
      resolveEventTime({ timestamp: null, sentAt: null, originalTimestamp: null, receivedAt }),
      receivedAt,
    );
  });
});
