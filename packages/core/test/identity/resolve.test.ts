import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_IDENTITY_CONFIG } from '../../src/identity/config';
import { resolveIdentity } from '../../src/identity/resolve';
import type { Identifier, IdentityConfig, ProfileIdentities } from '../../src/identity/types';

const config = DEFAULT_IDENTITY_CONFIG;
const uid = (value: string): Identifier => ({ type: 'user_id', value });
const anon = (value: string): Identifier => ({ type: 'anonymous_id', value });
const email = (value: string): Identifier => ({ type: 'email', value });
const phone = (value: string): Identifier => ({ type: 'phone', value });
const owner = (profileId: string, ...identifiers: Identifier[]): ProfileIdentities => ({
  profileId,
  identifiers,
});

describe('resolveIdentity', () => {
  it('creates nothing and attaches nothing for no identifiers', () => {
    assert.deepEqual(resolveIdentity([], [], config), {
      profileId: null,
      merge: [],
      attach: [],
      dropped: [],
    });
  });

  it('asks for a new profile when every identifier is free, attaching them in priority order', () => {
    const r = resolveIdentity([anon('a'), phone('+989121234567'), uid('u')], [], config);
    assert.deepEqual(r, {
      profileId: null,
      merge: [],
      attach: [uid('u'), phone('+989121234567'), anon('a')],
      dropped: [],
    });
  });

  it('lands on the profile owning the highest-priority identifier and attaches the free ones', () => {
    const r = resolveIdentity([uid('u'), email('e@x.com'), anon('a')], [owner('P1', anon('a'))], config);
    assert.deepEqual(r, { profileId: 'P1', merge: [], attach: [uid('u'), email('e@x.com')], dropped: [] });
  });

  it('merges profiles that do not conflict, in the order they joined', () => {
    const r = resolveIdentity(
      [uid('u'), email('e@x.com'), anon('a')],
      [owner('P3', anon('a')), owner('P2', email('e@x.com')), owner('P1', uid('u'))],
      config,
    );
    assert.deepEqual(r, { profileId: 'P1', merge: ['P2', 'P3'], attach: [], dropped: [] });
  });

  it('refuses to merge a profile that would give the person two user_ids', () => {
    const r = resolveIdentity(
      [uid('u1'), email('e@x.com'), phone('+989121234567')],
      [owner('P1', uid('u1')), owner('P2', uid('u2'), email('e@x.com'))],
      config,
    );
    assert.equal(r.profileId, 'P1');
    assert.deepEqual(r.merge, []);
    // The refused profile's email is not attached, but the lower-priority free phone still is.
    assert.deepEqual(r.attach, [phone('+989121234567')]);
    assert.deepEqual(r.dropped, [
      {
        identifier: email('e@x.com'),
        reason: 'conflict',
        profileId: 'P2',
        detail:
          'email "e@x.com" belongs to profile P2; merging would give the profile 2 user_id (limit 1); not merged',
      },
    ]);
  });

  it('never lets a weak identifier fuse a new person with the known person who used the device before', () => {
    const r = resolveIdentity(
      [email('b@x.com'), anon('tab-1')],
      [owner('P1', email('a@x.com'), anon('tab-1'))],
      config,
    );
    assert.deepEqual(r, {
      profileId: null,
      merge: [],
      attach: [email('b@x.com')],
      dropped: [
        {
          identifier: anon('tab-1'),
          reason: 'conflict',
          profileId: 'P1',
          detail: 'anonymous_id "tab-1" belongs to profile P1, a different known person; not merged',
        },
      ],
    });
  });

  it('lets a weak identifier bring an anonymous profile to a known person', () => {
    const r = resolveIdentity(
      [uid('u'), anon('a')],
      [owner('P1', uid('u'), email('e@x.com')), owner('P2', anon('a'), anon('b'))],
      config,
    );
    assert.deepEqual(r, { profileId: 'P1', merge: ['P2'], attach: [], dropped: [] });
  });

  it('lets a weak identifier alone land on a known profile (the event itself names nobody)', () => {
    const r = resolveIdentity([anon('a')], [owner('P1', uid('u'), anon('a'))], config);
    assert.deepEqual(r, { profileId: 'P1', merge: [], attach: [], dropped: [] });
  });

  it('refuses a second weak-linked known profile once one has joined', () => {
    const r = resolveIdentity(
      [anon('a'), anon('b')],
      [owner('P1', uid('u1'), anon('a')), owner('P2', uid('u2'), anon('b'))],
      config,
    );
    assert.equal(r.profileId, 'P1');
    assert.equal(r.dropped[0]?.reason, 'conflict');
    assert.equal(r.dropped[0]?.profileId, 'P2');
  });

  it('drops a free identifier over its type limit, saying what the profile holds', () => {
    const r = resolveIdentity([uid('u1'), uid('u2')], [owner('P1', uid('u1'), anon('a'))], config);
    assert.deepEqual(r, {
      profileId: 'P1',
      merge: [],
      attach: [],
      dropped: [
        {
          identifier: uid('u2'),
          reason: 'limit',
          profileId: 'P1',
          detail: 'user_id "u2" not attached: profile already holds 1 user_id (limit 1)',
        },
      ],
    });
  });

  it('drops a sixth email for a profile that holds five', () => {
    const five = ['1', '2', '3', '4', '5'].map((n) => email(`${n}@x.com`));
    const r = resolveIdentity([uid('u'), email('6@x.com')], [owner('P1', uid('u'), ...five)], config);
    assert.equal(r.profileId, 'P1');
    assert.deepEqual(r.attach, []);
    assert.equal(
      r.dropped[0]?.detail,
      'email "6@x.com" not attached: profile already holds 5 email (limit 5)',
    );
  });

  it('refuses to fuse more than maxProfilesPerMerge profiles in one event', () => {
    const small: IdentityConfig = { ...config, maxProfilesPerMerge: 2 };
    const r = resolveIdentity(
      [uid('u'), email('e@x.com'), phone('+989121234567')],
      [owner('P1', uid('u')), owner('P2', email('e@x.com')), owner('P3', phone('+989121234567'))],
      small,
    );
    assert.equal(r.profileId, 'P1');
    assert.deepEqual(r.merge, ['P2']);
    assert.deepEqual(r.dropped, [
      {
        identifier: phone('+989121234567'),
        reason: 'max_profiles',
        profileId: 'P3',
        detail:
          'phone "+989121234567" belongs to profile P3; merging would fuse 3 profiles in one event (max 2); not merged',
      },
    ]);
  });

  it('refuses a merge that would exceed maxIdentitiesPerProfile, and free identifiers past it', () => {
    const small: IdentityConfig = { ...config, maxIdentitiesPerProfile: 4 };
    const r = resolveIdentity(
      [uid('u'), email('e@x.com'), anon('new')],
      [owner('P1', uid('u'), anon('a1'), anon('a2'), anon('a3')), owner('P2', email('e@x.com'), anon('b1'))],
      small,
    );
    assert.equal(r.profileId, 'P1');
    assert.deepEqual(r.merge, []);
    assert.deepEqual(
      r.dropped.map((d) => [d.identifier.value, d.reason, d.profileId]),
      [
        ['e@x.com', 'max_identities', 'P2'],
        ['new', 'max_identities', 'P1'],
      ],
    );
    assert.match(r.dropped[0]?.detail ?? '', /6 identifiers \(max 4\)/);
    assert.match(r.dropped[1]?.detail ?? '', /already holds 4 identifiers \(max 4\)/);
  });

  it('still lands on a profile that is over a limit tightened after it was built, but adds nothing to that type', () => {
    const tight: IdentityConfig = {
      ...config,
      rules: config.rules.map((r) => (r.type === 'email' ? { ...r, limit: 1 } : r)),
    };
    const r = resolveIdentity(
      [email('a@x.com'), email('c@x.com')],
      [owner('P1', email('a@x.com'), email('b@x.com'))],
      tight,
    );
    assert.equal(r.profileId, 'P1');
    assert.deepEqual(r.attach, []);
    assert.equal(r.dropped[0]?.reason, 'limit');
  });

  it('gives the same answer whatever order the store returns owners and identifiers in', () => {
    const ids = [uid('u'), email('e@x.com'), phone('+989121234567'), anon('a')];
    const owners = [
      owner('P1', uid('u')),
      owner('P2', email('e@x.com'), uid('other')),
      owner('P3', phone('+989121234567')),
      owner('P4', anon('a'), email('z@x.com')),
    ];
    const expected = resolveIdentity(ids, owners, config);
    assert.deepEqual(expected.merge, ['P3']);
    for (let i = 0; i < 8; i++) {
      const shuffledOwners = [...owners].sort(
        (a, b) => ((a.profileId.charCodeAt(1) * (i + 3)) % 7) - ((b.profileId.charCodeAt(1) * (i + 3)) % 7),
      );
      const shuffledIds = i % 2 ? [...ids].reverse() : ids;
      assert.deepEqual(resolveIdentity(shuffledIds, shuffledOwners, config), expected);
    }
  });

  it('does not throw on odd input', () => {
    const odd = [
      null,
      { type: 'user_id' },
      uid('u'),
      uid('u'),
      { type: 'mystery', value: 'x' },
    ] as unknown as Identifier[];
    const oddOwners = [
      null,
      { profileId: 'P9' },
      owner('P1', uid('u'), null as unknown as Identifier),
    ] as unknown as ProfileIdentities[];
    const r = resolveIdentity(odd, oddOwners, config);
    assert.equal(r.profileId, 'P1');
    assert.deepEqual(r.attach, []);
    assert.deepEqual(
      r.dropped.map((d) => [d.identifier.type, d.reason]),
      [['mystery', 'invalid']],
    );
    assert.deepEqual(resolveIdentity(undefined as unknown as Identifier[], [], config).profileId, null);
  });
});
