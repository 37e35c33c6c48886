// Identity resolution replayed over event sequences, the way the engine applies it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_IDENTITY_CONFIG } from '../../src/identity/config';
import type { IdentityConfig } from '../../src/identity/types';
import { MemoryIdentityStore, makeEvent } from './replay';

describe('identity resolution over event sequences', () => {
  it('anonymous browsing then identify lands on the same profile and attaches the userId', () => {
    const store = new MemoryIdentityStore();
    const first = store.ingest(makeEvent({ type: 'page', anonymousId: 'A', channel: 'web' }));
    store.ingest(makeEvent({ type: 'track', name: 'Product Viewed', anonymousId: 'A' }));
    const known = store.ingest(
      makeEvent({ type: 'identify', userId: 'u', anonymousId: 'A', traits: { name: 'Sara' } }),
    );

    assert.equal(known.profileId, first.profileId);
    assert.deepEqual(known.resolution.attach, [{ type: 'user_id', value: 'u' }]);
    assert.equal(store.profiles.size, 1);
    const profile = store.get(known.profileId);
    assert.equal(profile.state.eventCount, 3);
    assert.equal(profile.state.traits.values.name, 'Sara');
  });

  it('alias with an anonymous previousId merges that history into the known user', () => {
    const store = new MemoryIdentityStore();
    const anonymous = store.ingest(makeEvent({ anonymousId: 'A' }));
    const known = store.ingest(makeEvent({ type: 'identify', userId: 'u', anonymousId: 'B' }));
    assert.notEqual(anonymous.profileId, known.profileId);

    const alias = store.ingest(makeEvent({ type: 'alias', userId: 'u', previousId: 'A' }));
    assert.equal(alias.profileId, known.profileId);
    assert.deepEqual(alias.resolution.merge, [anonymous.profileId]);
    assert.equal(store.profiles.size, 1);
    assert.equal(store.profileOf('anonymous_id', 'A')?.id, known.profileId);
    assert.equal(store.get(known.profileId).state.eventCount, 3);
  });

  it('alias with a previousId that is a known user_id is refused and recorded, because one person has one user_id', () => {
    const store = new MemoryIdentityStore();
    const u1 = store.ingest(makeEvent({ type: 'identify', userId: 'u1' }));
    const u2 = store.ingest(makeEvent({ type: 'identify', userId: 'u2' }));

    const alias = store.ingest(makeEvent({ type: 'alias', userId: 'u2', previousId: 'u1' }));
    assert.equal(alias.profileId, u2.profileId);
    assert.deepEqual(alias.resolution.merge, []);
    assert.deepEqual(
      alias.dropped.map((d) => [d.identifier, d.reason, d.profileId]),
      [[{ type: 'user_id', value: 'u1' }, 'conflict', u1.profileId]],
    );
    assert.match(alias.dropped[0]?.detail ?? '', /2 user_id \(limit 1\)/);
    assert.equal(store.profiles.size, 2);
  });

  it("merges a person's two devices when the second device identifies with the same userId", () => {
    const store = new MemoryIdentityStore();
    const phoneApp = store.ingest(makeEvent({ anonymousId: 'device-phone', channel: 'app' }));
    store.ingest(makeEvent({ type: 'identify', userId: 'u', anonymousId: 'device-phone', channel: 'app' }));
    const laptop = store.ingest(makeEvent({ anonymousId: 'device-laptop', channel: 'web' }));
    assert.notEqual(laptop.profileId, phoneApp.profileId);

    const login = store.ingest(
      makeEvent({ type: 'identify', userId: 'u', anonymousId: 'device-laptop', channel: 'web' }),
    );
    assert.equal(login.profileId, phoneApp.profileId);
    assert.deepEqual(login.resolution.merge, [laptop.profileId]);
    assert.equal(store.profiles.size, 1);
    const merged = store.get(login.profileId);
    assert.deepEqual(merged.identifiers.map((i) => `${i.type}:${i.value}`).sort(), [
      'anonymous_id:device-laptop',
      'anonymous_id:device-phone',
      'user_id:u',
    ]);
    assert.equal(merged.state.eventCount, 4);
    assert.deepEqual(Object.keys(merged.state.channels).sort(), ['app', 'web']);
  });

  it('merging two profiles keeps, per trait, the value from the newest event, whatever order events arrived in', () => {
    const store = new MemoryIdentityStore();
    // The known profile hears about an old address late; the anonymous one has the newer address.
    store.ingest(
      makeEvent({ type: 'identify', userId: 'u', traits: { city: 'Shiraz', name: 'Sara' }, timestamp: 5000 }),
    );
    store.ingest(
      makeEvent({
        type: 'identify',
        anonymousId: 'A',
        traits: { city: 'Tehran', plan: 'gold' },
        timestamp: 3000,
      }),
    );
    store.ingest(makeEvent({ type: 'identify', userId: 'u', traits: { city: 'Isfahan' }, timestamp: 1000 }));
    const merged = store.ingest(
      makeEvent({ type: 'identify', userId: 'u', anonymousId: 'A', timestamp: 6000 }),
    );
    assert.equal(store.profiles.size, 1);
    const state = store.get(merged.profileId).state;
    assert.deepEqual(state.traits.values, { city: 'Shiraz', name: 'Sara', plan: 'gold' });
    assert.equal(state.firstSeenAt, 1000);
    assert.equal(state.lastSeenAt, 6000);
  });

  it('a shared store tablet seeing 50 different emails makes 50 profiles, none fused', () => {
    const store = new MemoryIdentityStore();
    for (let i = 0; i < 50; i++) {
      store.ingest(
        makeEvent({
          type: 'identify',
          anonymousId: 'tablet-1',
          traits: { email: `person${i}@example.com` },
          channel: 'store',
          touchpoint: 'store-12',
        }),
      );
    }
    assert.equal(store.profiles.size, 50);
    const owners = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const p = store.profileOf('email', `person${i}@example.com`);
      assert.ok(p);
      owners.add(p.id);
      assert.deepEqual(
        p.identifiers.filter((id) => id.type === 'email').map((id) => id.value),
        [`person${i}@example.com`],
      );
      assert.equal(p.state.traits.values.email, `person${i}@example.com`);
    }
    assert.equal(owners.size, 50);
  });

  it('a shared store tablet seeing 50 different userIds makes 50 profiles, and records why the tablet was not merged', () => {
    const store = new MemoryIdentityStore();
    const outcomes = [];
    for (let i = 0; i < 50; i++) {
      outcomes.push(
        store.ingest(
          makeEvent({ type: 'identify', userId: `member-${i}`, anonymousId: 'tablet-1', channel: 'store' }),
        ),
      );
    }
    assert.equal(store.profiles.size, 50);
    assert.equal(new Set(outcomes.map((o) => o.profileId)).size, 50);
    for (const o of outcomes.slice(1)) {
      assert.deepEqual(o.resolution.merge, []);
      assert.equal(o.dropped[0]?.reason, 'conflict');
      assert.match(
        o.dropped[0]?.detail ?? '',
        /anonymous_id "tablet-1" belongs to profile p1, a different known person/,
      );
    }
  });

  it('a shared tablet used by 50 emails and then 50 userIds never fuses anyone', () => {
    const store = new MemoryIdentityStore();
    for (let i = 0; i < 50; i++) {
      store.ingest(
        makeEvent({ type: 'identify', anonymousId: 'tablet-1', traits: { email: `person${i}@example.com` } }),
      );
      store.ingest(makeEvent({ type: 'identify', anonymousId: 'tablet-1', userId: `member-${i}` }));
    }
    assert.equal(store.profiles.size, 100);
    for (const p of store.profiles.values()) {
      assert.ok(
        p.identifiers.filter((i) => i.type !== 'anonymous_id').length === 1,
        `${p.id} holds one person`,
      );
    }
  });

  it('blocklisted and placeholder values never become identifiers', () => {
    const store = new MemoryIdentityStore();
    const events = [
      makeEvent({ type: 'identify', userId: 'null', anonymousId: 'A1', traits: { email: 'null' } }),
      makeEvent({ type: 'identify', userId: 'anonymous', anonymousId: 'A2', traits: { phone: '0000' } }),
      makeEvent({ type: 'identify', userId: '0000', anonymousId: 'A3', traits: { email: 'Test@Test.com' } }),
      makeEvent({ anonymousId: '00000000-0000-0000-0000-000000000000', userId: 'u4' }),
    ];
    for (const e of events) store.ingest(e);
    // Four different people, not one profile fused through the junk values.
    assert.equal(store.profiles.size, 4);
    for (const junk of [
      'null',
      'anonymous',
      '0000',
      '00000000-0000-0000-0000-000000000000',
      'test@test.com',
    ]) {
      for (const p of store.profiles.values()) {
        assert.ok(!p.identifiers.some((i) => i.value === junk), `${junk} is not an identifier of ${p.id}`);
      }
    }
  });

  it('Iranian phone numbers written in any form resolve to one profile', () => {
    const store = new MemoryIdentityStore();
    const written = [
      '09121234567',
      '۰۹۱۲ ۱۲۳ ۴۵۶۷',
      '+98 912 123 4567',
      '0098-912-123-4567',
      '9121234567',
      '+۹۸۹۱۲۱۲۳۴۵۶۷',
    ];
    const ids = written.map(
      (phone) => store.ingest(makeEvent({ type: 'identify', traits: { phone }, channel: 'sms' })).profileId,
    );
    assert.equal(new Set(ids).size, 1);
    assert.deepEqual(store.get(ids[0] ?? '').identifiers, [{ type: 'phone', value: '+989121234567' }]);
  });

  it('a UAE mobile number in Arabic-Indic digits matches the same number in ASCII', () => {
    const store = new MemoryIdentityStore();
    const a = store.ingest(makeEvent({ type: 'identify', traits: { mobile: '+٩٧١ ٥٠ ١٢٣ ٤٥٦٧' } }));
    const b = store.ingest(makeEvent({ type: 'identify', traits: { phone: '00971501234567' } }));
    assert.equal(a.profileId, b.profileId);
    assert.equal(store.profileOf('phone', '+971501234567')?.id, a.profileId);
  });

  it('emails that differ only in case resolve to one profile', () => {
    const store = new MemoryIdentityStore();
    const a = store.ingest(makeEvent({ type: 'identify', traits: { email: 'Sara.Ahmadi@Example.com' } }));
    const b = store.ingest(
      makeEvent({ type: 'track', context: { traits: { email: 'sara.ahmadi@EXAMPLE.COM' } } }),
    );
    assert.equal(a.profileId, b.profileId);
    assert.equal(store.profiles.size, 1);
  });

  it('refuses to fuse more profiles in one event than maxProfilesPerMerge', () => {
    const config: IdentityConfig = { ...DEFAULT_IDENTITY_CONFIG, maxProfilesPerMerge: 3 };
    const store = new MemoryIdentityStore(config);
    for (let i = 0; i < 5; i++) store.ingest(makeEvent({ anonymousId: `a${i}` }));
    assert.equal(store.profiles.size, 5);

    const anonymousIds = ['a0', 'a1', 'a2', 'a3', 'a4'];
    const ev = makeEvent({
      type: 'identify',
      userId: 'u',
      anonymousId: 'a0',
      context: {
        externalIds: anonymousIds
          .slice(1)
          .map((id) => ({ id, type: 'anonymous_id', collection: 'users', encoding: 'none' })),
      },
    });
    const r = store.ingest(ev);
    assert.equal(r.resolution.merge.length, 2);
    assert.deepEqual(
      r.dropped.map((d) => [d.identifier.value, d.reason]),
      [
        ['a3', 'max_profiles'],
        ['a4', 'max_profiles'],
      ],
    );
    assert.equal(store.profiles.size, 3);
  });

  it('refuses a merge that would leave one profile with more than maxIdentitiesPerProfile identifiers', () => {
    const config: IdentityConfig = { ...DEFAULT_IDENTITY_CONFIG, maxIdentitiesPerProfile: 10 };
    const store = new MemoryIdentityStore(config);
    const big = store.seed(
      Array.from({ length: 8 }, (_, i) => ({ type: 'anonymous_id', value: `big-${i}` })),
    );
    const other = store.seed([
      { type: 'email', value: 'o@x.com' },
      { type: 'anonymous_id', value: 'o-1' },
      { type: 'anonymous_id', value: 'o-2' },
    ]);
    const r = store.ingest(
      makeEvent({ type: 'identify', userId: 'u', anonymousId: 'big-0', traits: { email: 'o@x.com' } }),
    );
    // email (priority 2) is considered before the anonymous_id (priority 100): the email's profile joins first.
    assert.equal(r.profileId, other);
    assert.deepEqual(
      r.dropped.map((d) => [d.reason, d.profileId]),
      [['max_identities', big]],
    );
    assert.equal(store.profiles.size, 2);
    store.checkInvariants();
  });
});
