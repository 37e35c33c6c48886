import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEvent, mergeProfileStates, newProfileState } from '../../src/profile/apply';
import { makeEvent } from '../identity/replay';

describe('newProfileState', () => {
  it('starts with no events, traits or channels, first and last seen at the given time', () => {
    assert.deepEqual(newProfileState('p1', 500), {
      id: 'p1',
      traits: { values: {}, updatedAt: {} },
      firstSeenAt: 500,
      lastSeenAt: 500,
      eventCount: 0,
      channels: {},
    });
  });
});

describe('applyEvent', () => {
  it('counts the event and widens first/last seen by event time, also for late events', () => {
    let s = newProfileState('p1', 1000);
    s = applyEvent(s, makeEvent({ timestamp: 2000 }));
    s = applyEvent(s, makeEvent({ timestamp: 500 }));
    assert.equal(s.eventCount, 2);
    assert.equal(s.firstSeenAt, 500);
    assert.equal(s.lastSeenAt, 2000);
  });

  it('does not change the state it was given', () => {
    const s = newProfileState('p1', 1000);
    applyEvent(s, makeEvent({ type: 'identify', traits: { name: 'Sara' }, touchpoint: 'x', timestamp: 1 }));
    assert.deepEqual(s, newProfileState('p1', 1000));
  });

  it('keeps channel stats per channel and per channel/touchpoint', () => {
    let s = newProfileState('p1', 100);
    s = applyEvent(s, makeEvent({ channel: 'store', touchpoint: 'store-12', timestamp: 100 }));
    s = applyEvent(s, makeEvent({ channel: 'store', touchpoint: 'store-7', timestamp: 300 }));
    s = applyEvent(s, makeEvent({ channel: 'store', touchpoint: 'store-12', timestamp: 200 }));
    s = applyEvent(s, makeEvent({ channel: 'web', touchpoint: null, timestamp: 250 }));
    assert.deepEqual(s.channels, {
      store: { channel: 'store', touchpoint: null, count: 3, firstSeenAt: 100, lastSeenAt: 300 },
      'store/store-12': {
        channel: 'store',
        touchpoint: 'store-12',
        count: 2,
        firstSeenAt: 100,
        lastSeenAt: 200,
      },
      'store/store-7': {
        channel: 'store',
        touchpoint: 'store-7',
        count: 1,
        firstSeenAt: 300,
        lastSeenAt: 300,
      },
      web: { channel: 'web', touchpoint: null, count: 1, firstSeenAt: 250, lastSeenAt: 250 },
    });
  });

  it('takes traits from identify traits and from context.traits of any event, as sent', () => {
    let s = newProfileState('p1', 100);
    s = applyEvent(
      s,
      makeEvent({ type: 'identify', traits: { email: 'Sara@X.com', name: 'Sara' }, timestamp: 100 }),
    );
    s = applyEvent(
      s,
      makeEvent({
        type: 'track',
        traits: { ignored: true },
        context: { traits: { plan: 'gold' } },
        timestamp: 200,
      }),
    );
    assert.deepEqual(s.traits.values, { email: 'Sara@X.com', name: 'Sara', plan: 'gold' });
  });

  it('prefers the identify traits over context.traits of the same event', () => {
    const s = applyEvent(
      newProfileState('p1', 100),
      makeEvent({
        type: 'identify',
        traits: { city: 'Shiraz' },
        context: { traits: { city: 'Tehran' } },
        timestamp: 100,
      }),
    );
    assert.equal(s.traits.values.city, 'Shiraz');
  });

  it('keeps the newer value when two identifies arrive out of order', () => {
    let s = newProfileState('p1', 100);
    s = applyEvent(s, makeEvent({ type: 'identify', traits: { city: 'Shiraz' }, timestamp: 2000 }));
    s = applyEvent(s, makeEvent({ type: 'identify', traits: { city: 'Tehran' }, timestamp: 1000 }));
    assert.equal(s.traits.values.city, 'Shiraz');
  });
});

describe('mergeProfileStates', () => {
  it("keeps the target's id, the newest value per trait, the widest time span, and sums counts and channels", () => {
    let target = newProfileState('p1', 1000);
    target = applyEvent(
      target,
      makeEvent({
        type: 'identify',
        traits: { city: 'Tehran', name: 'Sara' },
        channel: 'web',
        timestamp: 1000,
      }),
    );
    target = applyEvent(target, makeEvent({ channel: 'store', touchpoint: 'store-12', timestamp: 3000 }));
    let source = newProfileState('p2', 500);
    source = applyEvent(
      source,
      makeEvent({ type: 'identify', traits: { city: 'Shiraz' }, channel: 'app', timestamp: 2000 }),
    );
    source = applyEvent(source, makeEvent({ channel: 'store', touchpoint: 'store-12', timestamp: 500 }));
    source = applyEvent(source, makeEvent({ channel: 'web', timestamp: 4000 }));

    const merged = mergeProfileStates(target, source);
    assert.equal(merged.id, 'p1');
    assert.deepEqual(merged.traits.values, { city: 'Shiraz', name: 'Sara' });
    assert.equal(merged.firstSeenAt, 500);
    assert.equal(merged.lastSeenAt, 4000);
    assert.equal(merged.eventCount, 5);
    assert.deepEqual(merged.channels, {
      web: { channel: 'web', touchpoint: null, count: 2, firstSeenAt: 1000, lastSeenAt: 4000 },
      store: { channel: 'store', touchpoint: null, count: 2, firstSeenAt: 500, lastSeenAt: 3000 },
      'store/store-12': {
        channel: 'store',
        touchpoint: 'store-12',
        count: 2,
        firstSeenAt: 500,
        lastSeenAt: 3000,
      },
      app: { channel: 'app', touchpoint: null, count: 1, firstSeenAt: 2000, lastSeenAt: 2000 },
    });
  });

  it('does not change either input', () => {
    const target = applyEvent(newProfileState('p1', 1), makeEvent({ channel: 'web', timestamp: 1 }));
    const source = applyEvent(newProfileState('p2', 2), makeEvent({ channel: 'web', timestamp: 2 }));
    const before = structuredClone([target, source]);
    mergeProfileStates(target, source);
    assert.deepEqual([target, source], before);
  });
});
