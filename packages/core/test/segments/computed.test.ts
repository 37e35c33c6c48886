import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computedTraitValue, computedTraitValues, type ComputedTraitDefinition } from '../../src/segments';
import { compile, DAY, HOUR, MINUTE, Profile, T0, track } from './fixtures';

const BOOKING = 'رزرو';

function withTraits(
  computedTraits: ComputedTraitDefinition[],
  segments = [] as Parameters<typeof compile>[0]['segments'],
) {
  return compile({ segments, computedTraits });
}

describe('computed traits', () => {
  it('count within a rolling window ages out at the bucket boundary at or before t + W', () => {
    // 7 days → 6-hour buckets; T0 is a bucket boundary.
    const c = withTraits([
      { id: 'n', type: 'count', event: { name: BOOKING }, window: { last: 7, unit: 'days' } },
    ]);
    const p = new Profile(c).feed([track(BOOKING, T0 + HOUR), track(BOOKING, T0 + 7 * HOUR)]);
    assert.equal(computedTraitValue(c, 'n', p.view, T0 + 7 * DAY - 1), 2);
    assert.equal(computedTraitValue(c, 'n', p.view, T0 + 7 * DAY), 1, 'the T0+1h event left with its bucket');
    assert.equal(computedTraitValue(c, 'n', p.view, T0 + 7 * DAY + 6 * HOUR), 0);
  });

  it('sum, min, max and avg of a numeric property (Persian digits read, non-numbers skipped)', () => {
    const c = withTraits([
      {
        id: 'sum',
        type: 'sum',
        event: { name: BOOKING },
        property: 'amount',
        window: { last: 12, unit: 'months' },
      },
      { id: 'min', type: 'min', event: { name: BOOKING }, property: 'amount' },
      {
        id: 'max',
        type: 'max',
        event: { name: BOOKING },
        property: 'amount',
        window: { from: T0, to: T0 + DAY },
      },
      { id: 'avg', type: 'avg', event: { name: BOOKING }, property: 'amount' },
      { id: 'none', type: 'avg', event: { name: 'cancel' }, property: 'amount' },
    ]);
    const p = new Profile(c).feed([
      track(BOOKING, T0, { properties: { amount: 100 } }),
      track(BOOKING, T0 + HOUR, { properties: { amount: '۲۵۰' } }),
      track(BOOKING, T0 + 2 * DAY, { properties: { amount: 'free' } }),
      track(BOOKING, T0 + 3 * DAY, { properties: { amount: 50 } }),
    ]);
    assert.deepEqual(computedTraitValues(c, p.view, T0 + 4 * DAY), {
      sum: 400,
      min: 50,
      max: 250,
      avg: 400 / 3,
      none: null,
    });
    assert.equal(computedTraitValue(c, 'sum', p.view, T0 + 360 * DAY + 3 * DAY), 0);
  });

  it('first and last occurrence times, also for late events', () => {
    const c = withTraits([
      { id: 'first', type: 'first_time', event: { name: BOOKING } },
      { id: 'last', type: 'last_time', event: { name: BOOKING } },
    ]);
    const p = new Profile(c).feed(
      [track(BOOKING, T0 + DAY), track(BOOKING, T0), track(BOOKING, T0 + 2 * DAY)],
      T0 + 3 * DAY,
    );
    assert.deepEqual(computedTraitValues(c, p.view, T0 + 3 * DAY), { first: T0, last: T0 + 2 * DAY });
  });

  it('most frequent channel: most events, then most recently used', () => {
    const c = withTraits([
      { id: 'top', type: 'top_channel' },
      { id: 'topBooking', type: 'top_channel', event: { name: BOOKING } },
    ]);
    const p = new Profile(c).feed([
      track('view', T0, { channel: 'web' }),
      track('view', T0 + 1, { channel: 'web' }),
      track(BOOKING, T0 + 2, { channel: 'phone', touchpoint: 'ivr-main' }),
      track(BOOKING, T0 + 3, { channel: 'store' }),
    ]);
    assert.deepEqual(computedTraitValues(c, p.view, T0 + 4), { top: 'web', topBooking: 'store' });
  });

  it('RFM grades recency, frequency and monetary 1–5 from the thresholds', () => {
    const c = withTraits(
      [
        {
          id: 'rfm',
          type: 'rfm',
          event: { name: BOOKING },
          property: 'amount',
          window: { last: 1, unit: 'years' },
          recencyDays: [7, 30, 90, 180],
          frequency: [1, 2, 4, 8],
          monetary: [100, 500, 1000, 5000],
        },
      ],
      [
        {
          id: 'champions',
          rule: {
            and: [
              { condition: { type: 'computed', trait: 'rfm', component: 'recency', op: 'gte', value: 4 } },
              { condition: { type: 'computed', trait: 'rfm', component: 'monetary', op: 'gte', value: 3 } },
            ],
          },
        },
      ],
    );
    const p = new Profile(c);
    assert.equal(computedTraitValue(c, 'rfm', p.view, T0), null, 'no purchase, no RFM');
    p.feed([
      track(BOOKING, T0, { properties: { amount: 300 } }),
      track(BOOKING, T0 + DAY, { properties: { amount: 400 } }),
    ]);
    assert.deepEqual(computedTraitValue(c, 'rfm', p.view, T0 + 2 * DAY), {
      recency: 5,
      frequency: 3,
      monetary: 3,
    });
    assert.deepEqual(computedTraitValue(c, 'rfm', p.view, T0 + 31 * DAY), {
      recency: 3,
      frequency: 3,
      monetary: 3,
    });
    // Recency falls to 3 when the last purchase is 30 days old.
    assert.deepEqual(p.at('champions', T0 + 2 * DAY), {
      id: 'champions',
      member: true,
      nextCheckAt: T0 + 31 * DAY,
    });
  });

  it('a condition on a windowed sum changes exactly when enough buckets have left', () => {
    // 1 day → 1-hour buckets.
    const c = withTraits(
      [
        {
          id: 'spend',
          type: 'sum',
          event: { name: BOOKING },
          property: 'amount',
          window: { last: 1, unit: 'days' },
        },
      ],
      [{ id: 'big', rule: { condition: { type: 'computed', trait: 'spend', op: 'gt', value: 100 } } }],
    );
    const p = new Profile(c).feed([
      track(BOOKING, T0 + 10 * MINUTE, { properties: { amount: 80 } }),
      track(BOOKING, T0 + 2 * HOUR + 5 * MINUTE, { properties: { amount: 30 } }),
      track(BOOKING, T0 + 3 * HOUR, { properties: { amount: 20 } }),
    ]);
    // 130 until the first bucket (T0..T0+1h) leaves at T0 + 1 day: 50.
    assert.deepEqual(p.at('big', T0 + 4 * HOUR), { id: 'big', member: true, nextCheckAt: T0 + DAY });
    assert.deepEqual(p.at('big', T0 + DAY), { id: 'big', member: false, nextCheckAt: null });
  });
});
