import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTraits, emptyTraits, mergeTraitStates } from '../../src/profile/traits';

describe('applyTraits', () => {
  it('sets traits with the event time they came from, without touching the input state', () => {
    const start = emptyTraits();
    const next = applyTraits(start, { name: 'Sara', city: 'Tehran' }, 100);
    assert.deepEqual(next, { values: { name: 'Sara', city: 'Tehran' }, updatedAt: { name: 100, city: 100 } });
    assert.deepEqual(start, emptyTraits());
  });

  it('keeps the newer event time when an older event is applied later (out-of-order delivery)', () => {
    const newer = applyTraits(emptyTraits(), { city: 'Shiraz', plan: 'gold' }, 200);
    const thenOlder = applyTraits(newer, { city: 'Tehran', name: 'Sara' }, 100);
    assert.deepEqual(thenOlder.values, { city: 'Shiraz', plan: 'gold', name: 'Sara' });
    assert.deepEqual(thenOlder.updatedAt, { city: 200, plan: 200, name: 100 });
  });

  it('lets the later-applied value win at equal event time', () => {
    const a = applyTraits(applyTraits(emptyTraits(), { city: 'Tehran' }, 100), { city: 'Shiraz' }, 100);
    assert.equal(a.values.city, 'Shiraz');
  });

  it('skips undefined but treats null as a value that clears the trait', () => {
    const s = applyTraits(emptyTraits(), { phone: '+989121234567', city: 'Tehran' }, 100);
    const next = applyTraits(s, { phone: null, city: undefined }, 200);
    assert.deepEqual(next.values, { phone: null, city: 'Tehran' });
    assert.deepEqual(next.updatedAt, { phone: 200, city: 100 });
  });

  it('replaces a nested object whole, since keys are top-level only', () => {
    const s = applyTraits(emptyTraits(), { address: { city: 'Tehran', street: 'Valiasr' } }, 100);
    const next = applyTraits(s, { address: { city: 'Shiraz' } }, 200);
    assert.deepEqual(next.values.address, { city: 'Shiraz' });
  });

  it('stores keys such as "__proto__" and "constructor" as ordinary traits', () => {
    const traits = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c"}') as Record<
      string,
      unknown
    >;
    const s = applyTraits(emptyTraits(), traits, 100);
    assert.deepEqual(Object.keys(s.values).sort(), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(s.values), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // "constructor" was never set before, so an older event still sets it (no inherited updatedAt).
    const older = applyTraits(emptyTraits(), { constructor: 'x' }, 1);
    assert.equal(older.values.constructor, 'x');
  });
});

describe('mergeTraitStates', () => {
  it('keeps, per key, the value with the newest event time', () => {
    const target = applyTraits(
      applyTraits(emptyTraits(), { city: 'Tehran', name: 'Sara' }, 100),
      { plan: 'free' },
      300,
    );
    const source = applyTraits(emptyTraits(), { city: 'Shiraz', plan: 'gold', email: 's@x.com' }, 200);
    const merged = mergeTraitStates(target, source);
    assert.deepEqual(merged.values, { city: 'Shiraz', name: 'Sara', plan: 'free', email: 's@x.com' });
    assert.deepEqual(merged.updatedAt, { city: 200, name: 100, plan: 300, email: 200 });
  });

  it('lets the surviving profile win a tie', () => {
    const a = applyTraits(emptyTraits(), { city: 'Tehran' }, 100);
    const b = applyTraits(emptyTraits(), { city: 'Shiraz' }, 100);
    assert.equal(mergeTraitStates(a, b).values.city, 'Tehran');
    assert.equal(mergeTraitStates(b, a).values.city, 'Shiraz');
  });
});
